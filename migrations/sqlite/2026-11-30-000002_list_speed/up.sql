-- The Conversations list's speed (see PostgreSQL's migration of the same name).
--
-- 1. Tab counts come from counters, kept by triggers in the same transaction as every change of
--    a conversation's state. SQLite has one writer at a time, so one slot per state is enough;
--    the slot column keeps the table the same on both databases.
CREATE TABLE conversation_state_counts (
    state TEXT NOT NULL CHECK (state IN ('bot', 'waiting', 'agent', 'closed')),
    slot  INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (state, slot)
);

CREATE TRIGGER conversations_count_inserted AFTER INSERT ON conversations
BEGIN
  INSERT INTO conversation_state_counts (state, slot, count) VALUES (NEW.state, 0, 1)
    ON CONFLICT (state, slot) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER conversations_count_moved AFTER UPDATE OF state ON conversations
  WHEN OLD.state IS NOT NEW.state
BEGIN
  UPDATE conversation_state_counts SET count = count - 1 WHERE state = OLD.state AND slot = 0;
  INSERT INTO conversation_state_counts (state, slot, count) VALUES (NEW.state, 0, 1)
    ON CONFLICT (state, slot) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER conversations_count_deleted AFTER DELETE ON conversations
BEGIN
  UPDATE conversation_state_counts SET count = count - 1 WHERE state = OLD.state AND slot = 0;
END;

INSERT INTO conversation_state_counts (state, slot, count)
  SELECT state, 0, count(*) FROM conversations GROUP BY state;

-- 2. Text search in messages by words: an FTS5 index over the messages' text, kept by triggers.
CREATE VIRTUAL TABLE messages_words USING fts5(
  body, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
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
INSERT INTO messages_words (messages_words) VALUES ('rebuild');
