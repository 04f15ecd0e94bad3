-- A visitor's browser proves which conversation is theirs with a token; only its hash is kept.
ALTER TABLE conversations ADD COLUMN visitor_token_hash TEXT;
CREATE UNIQUE INDEX conversations_visitor_token_idx ON conversations (visitor_token_hash);
