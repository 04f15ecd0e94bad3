DROP INDEX conversations_visitor_token_idx;
ALTER TABLE conversations DROP COLUMN visitor_token_hash;
