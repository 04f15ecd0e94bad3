-- "That answered my question": the customer's confirmation closes the conversation as Resolved
-- by the bot, with a note of its own, and reports count such closes apart.
ALTER TABLE messages DROP CONSTRAINT messages_system_event_check;
ALTER TABLE messages ADD CONSTRAINT messages_system_event_check CHECK (system_event IN (
    'customer_requested_human', 'bot_escalated', 'wait_time_exceeded',
    'joined', 'left', 'closed', 'reopened', 'auto_closed', 'released', 'customer_confirmed'));
ALTER TABLE conversations ADD COLUMN closed_by_customer BOOLEAN NOT NULL DEFAULT FALSE;

-- Each instance keeps a search index of the published articles for the bot: any change to the
-- articles is announced (when its transaction commits), so every instance builds it again.
CREATE FUNCTION hearken_announce_articles() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('hearken_articles', '');
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER articles_announce AFTER INSERT OR UPDATE OR DELETE ON articles
  FOR EACH STATEMENT EXECUTE FUNCTION hearken_announce_articles();
