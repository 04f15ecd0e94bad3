-- Each instance keeps a copy of the team's settings: any change to them is announced (when its
-- transaction commits) on a channel of its own, so every instance forgets its copy.
CREATE FUNCTION hearken_announce_settings() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('hearken_settings', '');
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER team_settings_announce AFTER INSERT OR UPDATE OR DELETE ON team_settings
  FOR EACH STATEMENT EXECUTE FUNCTION hearken_announce_settings();
