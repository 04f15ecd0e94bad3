-- The chat widget: its colour, greeting and launcher text, and the websites (origins, one per
-- line, normalised) allowed to show it; no origins means any website.
ALTER TABLE team_settings ADD COLUMN widget_colour TEXT NOT NULL DEFAULT '#2557d6'
    CHECK (widget_colour LIKE '#______');
ALTER TABLE team_settings ADD COLUMN widget_greeting TEXT NOT NULL
    DEFAULT 'Hi! Ask us anything: our assistant answers from our help articles, and a person can join when you need one.'
    CHECK (length(widget_greeting) BETWEEN 1 AND 200);
ALTER TABLE team_settings ADD COLUMN widget_launcher_text TEXT NOT NULL DEFAULT 'Chat with us'
    CHECK (length(widget_launcher_text) BETWEEN 1 AND 40);
ALTER TABLE team_settings ADD COLUMN widget_origins TEXT NOT NULL DEFAULT '';
