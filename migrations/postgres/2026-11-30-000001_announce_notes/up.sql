-- Announcements also say which system note a message is (empty for a plain message), so an
-- instance can tell a customer's stream only of what the customer sees.
CREATE OR REPLACE FUNCTION hearken_announce_message() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('hearken.quiet', true), '') <> 'on' THEN
    PERFORM pg_notify('hearken_messages',
      NEW.id::text || ',' || NEW.conversation_id::text || ',' || coalesce(NEW.system_event, ''));
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
