-- Live updates: each new message is announced to every listening instance when its transaction
-- commits, as "message id,conversation id". A bulk load sets hearken.quiet to skip the announcements.
CREATE FUNCTION hearken_announce_message() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('hearken.quiet', true), '') <> 'on' THEN
    PERFORM pg_notify('hearken_messages', NEW.id::text || ',' || NEW.conversation_id::text);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER messages_announce AFTER INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION hearken_announce_message();
