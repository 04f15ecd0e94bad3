-- Trigram indexes make "contains" searches of messages and customers fast on large tables.
-- pg_trgm ships with PostgreSQL and managed services allow it; where it cannot be created,
-- Hearken still works and searches by scanning.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX IF NOT EXISTS messages_body_trgm_idx ON messages USING gin (lower(body) gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS customers_name_trgm_idx ON customers USING gin (lower(name) gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS customers_email_trgm_idx ON customers USING gin (lower(email) gin_trgm_ops);
EXCEPTION
    WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
        RAISE NOTICE 'pg_trgm is not available (%): text search will scan', SQLERRM;
END
$$;
