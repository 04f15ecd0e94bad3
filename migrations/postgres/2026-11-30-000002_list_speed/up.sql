-- The Conversations list's speed at a million conversations.
--
-- 1. Tab counts come from counters, kept by triggers in the same transaction as every change of
--    a conversation's state (whoever makes it: a handler, the bot, a job, the demo, the seed).
--    Each state's count is split over 8 slots (id % 8), so concurrent closes rarely wait for
--    one another on the same counter row; a read sums the slots.
CREATE TABLE conversation_state_counts (
    state TEXT NOT NULL CHECK (state IN ('bot', 'waiting', 'agent', 'closed')),
    slot  INTEGER NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (state, slot)
);

CREATE FUNCTION hearken_count_state(counted_state TEXT, counted_slot INTEGER, delta BIGINT)
RETURNS void AS $$
BEGIN
  INSERT INTO conversation_state_counts (state, slot, count)
    VALUES (counted_state, counted_slot, delta)
    ON CONFLICT (state, slot) DO UPDATE SET count = conversation_state_counts.count + delta;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION hearken_count_states() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM hearken_count_state(OLD.state, (OLD.id % 8)::integer, -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM hearken_count_state(NEW.state, (NEW.id % 8)::integer, 1);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER conversations_count_inserted AFTER INSERT ON conversations
  FOR EACH ROW EXECUTE FUNCTION hearken_count_states();
CREATE TRIGGER conversations_count_moved AFTER UPDATE OF state ON conversations
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION hearken_count_states();
CREATE TRIGGER conversations_count_deleted AFTER DELETE ON conversations
  FOR EACH ROW EXECUTE FUNCTION hearken_count_states();

INSERT INTO conversation_state_counts (state, slot, count)
  SELECT state, (id % 8)::integer, count(*) FROM conversations GROUP BY 1, 2;

-- 2. Text search in messages by words (full-text index, prefix matching), instead of trigram
--    "contains" matching, which could not stop early for a word in half the messages.
--    Customers' names and emails keep their trigram indexes.
DROP INDEX IF EXISTS messages_body_trgm_idx;
CREATE INDEX messages_body_words_idx ON messages USING gin (to_tsvector('simple', body));
