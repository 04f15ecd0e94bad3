DROP INDEX sign_in_failures_client_idx;
ALTER TABLE sign_in_failures DROP COLUMN client_address;
