-- SQLite cannot alter a CHECK constraint, so the messages table is rebuilt. Dropping it would
-- cascade into citations (foreign keys are on, and a migration cannot turn them off inside its
-- transaction), so the citations are kept aside and put back.
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
    FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);

INSERT INTO citations (id, message_id, article_id)
    SELECT id, message_id, article_id FROM citations_kept
    WHERE message_id IN (SELECT id FROM messages);
DROP TABLE citations_kept;
