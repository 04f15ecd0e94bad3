-- Outcomes you can trust (see PostgreSQL's migration of the same name).
ALTER TABLE team_settings ADD COLUMN came_back_days INTEGER NOT NULL DEFAULT 3
    CHECK (came_back_days BETWEEN 1 AND 30);

-- No REFERENCES here: SQLite could not drop the column again (conversations are never deleted).
ALTER TABLE conversations ADD COLUMN follows_id BIGINT;
ALTER TABLE conversations ADD COLUMN came_back_at TIMESTAMP;
CREATE INDEX conversations_follows_idx ON conversations (follows_id) WHERE follows_id IS NOT NULL;
CREATE INDEX customers_email_idx ON customers (email) WHERE email IS NOT NULL;

CREATE TABLE verdicts (
    id              INTEGER PRIMARY KEY,
    conversation_id BIGINT NOT NULL UNIQUE REFERENCES conversations (id) ON DELETE CASCADE,
    answer          TEXT NOT NULL CHECK (answer IN ('yes', 'no')),
    comment         TEXT CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 1000),
    outcome         TEXT NOT NULL CHECK (outcome IN ('resolved', 'unresolved')),
    closer          TEXT NOT NULL CHECK (closer IN ('member', 'bot', 'automatic')),
    closed_by_id    BIGINT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    CHECK ((closer = 'member') = (closed_by_id IS NOT NULL))
);

-- SQLite cannot alter a CHECK constraint: the counters' table is rebuilt with the new metrics.
CREATE TABLE report_counts_new (
    day            DATE NOT NULL,
    metric         TEXT NOT NULL CHECK (metric IN (
                       'closed', 'article_closed', 'escalated', 'changed',
                       'came_back', 'verdict_yes', 'verdict_no')),
    outcome        TEXT NOT NULL CHECK (outcome IN ('resolved', 'unresolved', '')),
    agent_involved BOOLEAN NOT NULL,
    closed_by_id   BIGINT NOT NULL,
    article_id     BIGINT NOT NULL,
    count          BIGINT NOT NULL,
    slot           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, metric, outcome, agent_involved, closed_by_id, article_id, slot)
);
INSERT INTO report_counts_new (day, metric, outcome, agent_involved, closed_by_id, article_id, count, slot)
    SELECT day, metric, outcome, agent_involved, closed_by_id, article_id, count, slot FROM report_counts;
DROP TABLE report_counts;
ALTER TABLE report_counts_new RENAME TO report_counts;
CREATE INDEX report_counts_metric_day_idx ON report_counts (metric, day);

-- Response and resolution times as per-day histograms, so medians and 90th percentiles come
-- from counters, not from reading conversations. day: the team's local day of the first agent
-- message of a wait ('first_response', credited to who wrote it) or of the latest close
-- ('resolution', credited to who closed; 0: nobody); bucket: the time in seconds, exact below
-- a minute, then in steps of 5% (see domain::times).
CREATE TABLE time_counts (
    day       DATE NOT NULL,
    metric    TEXT NOT NULL CHECK (metric IN ('first_response', 'resolution')),
    member_id BIGINT NOT NULL,
    bucket    INTEGER NOT NULL,
    count     BIGINT NOT NULL,
    PRIMARY KEY (day, metric, member_id, bucket)
);
