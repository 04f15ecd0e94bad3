-- An article's "Also asked as" line: how customers ask about its topic, comma-separated. The
-- bot searches it like the title and never quotes it; visitors do not see it.
ALTER TABLE articles ADD COLUMN also_asked TEXT NOT NULL DEFAULT ''
    CHECK (length(also_asked) <= 2000);
