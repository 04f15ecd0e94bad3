-- Failed sign-ins are also counted per client address (the peer, or the trusted proxy's
-- X-Forwarded-For), so one client guessing across many emails is paused too.
ALTER TABLE sign_in_failures ADD COLUMN client_address TEXT NOT NULL DEFAULT '';
CREATE INDEX sign_in_failures_client_idx ON sign_in_failures (client_address, failed_at);
