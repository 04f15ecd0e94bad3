DROP TRIGGER team_settings_announce ON team_settings;
DROP FUNCTION hearken_announce_settings();
