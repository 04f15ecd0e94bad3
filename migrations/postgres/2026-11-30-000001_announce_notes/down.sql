CREATE OR REPLACE FUNCTION hearken_announce_message() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('hearken.quiet', true), '') <> 'on' THEN
    PERFORM pg_notify('hearken_messages', NEW.id::text || ',' || NEW.conversation_id::text);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
