ALTER TABLE conversations DROP COLUMN closed_by_customer;

CREATE TEMP TABLE citations_kept AS SELECT id, message_id, article_id FROM citations;

CREATE TABLE messages_new (
    id              INTEGER PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author          TEXT NOT NULL CHECK (author IN ('customer', 'bot', 'agent', 'system')),
    author_user_id  BIGINT REFERENCES users (id),
    body            TEXT NOT NULL,
    system_event    TEXT CHECK (system_event IN (
                        'customer_requested_human', 'bot_escalated', 'wait_time_exceeded',
                        'joined', 'left', 'closed', 'reopened', 'auto_closed', 'released')),
    event_outcome   TEXT CHECK (event_outcome IN ('resolved', 'unresolved')),
    created_at      TIMESTAMP NOT NULL,
    CHECK ((author = 'system') = (system_event IS NOT NULL)),
    CHECK (author <> 'agent' OR author_user_id IS NOT NULL)
);
INSERT INTO messages_new (id, conversation_id, author, author_user_id, body, system_event, event_outcome, created_at)
    SELECT id, conversation_id, author, author_user_id, body, system_event, event_outcome, created_at
    FROM messages WHERE system_event IS NULL OR system_event <> 'customer_confirmed';
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);

-- The full-text index keeps its rows (the ids are the same); its triggers went with the old table.
CREATE TRIGGER messages_words_inserted AFTER INSERT ON messages
BEGIN
  INSERT INTO messages_words (rowid, body) VALUES (NEW.id, NEW.body);
END;
CREATE TRIGGER messages_words_deleted AFTER DELETE ON messages
BEGIN
  INSERT INTO messages_words (messages_words, rowid, body) VALUES ('delete', OLD.id, OLD.body);
END;
CREATE TRIGGER messages_words_updated AFTER UPDATE OF body ON messages
BEGIN
  INSERT INTO messages_words (messages_words, rowid, body) VALUES ('delete', OLD.id, OLD.body);
  INSERT INTO messages_words (rowid, body) VALUES (NEW.id, NEW.body);
END;

INSERT INTO citations (id, message_id, article_id)
    SELECT id, message_id, article_id FROM citations_kept
    WHERE message_id IN (SELECT id FROM messages);
DROP TABLE citations_kept;
