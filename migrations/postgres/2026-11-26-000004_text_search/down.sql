DROP INDEX IF EXISTS customers_email_trgm_idx;
DROP INDEX IF EXISTS customers_name_trgm_idx;
DROP INDEX IF EXISTS messages_body_trgm_idx;
