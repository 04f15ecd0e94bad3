ALTER TABLE team_settings DROP COLUMN bot_min_confidence;
