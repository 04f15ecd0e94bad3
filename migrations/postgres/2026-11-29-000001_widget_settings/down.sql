ALTER TABLE team_settings DROP COLUMN widget_origins;
ALTER TABLE team_settings DROP COLUMN widget_launcher_text;
ALTER TABLE team_settings DROP COLUMN widget_greeting;
ALTER TABLE team_settings DROP COLUMN widget_colour;
