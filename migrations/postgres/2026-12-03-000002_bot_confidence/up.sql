-- How sure the bot must be to answer, from 0 to 1: a team setting (it was an environment
-- variable). 0.5 is the default the bot was tuned to.
ALTER TABLE team_settings ADD COLUMN bot_min_confidence REAL NOT NULL DEFAULT 0.5
    CHECK (bot_min_confidence BETWEEN 0 AND 1);
