DROP TABLE time_counts;
CREATE TABLE report_counts_old (
    day            DATE NOT NULL,
    metric         TEXT NOT NULL CHECK (metric IN ('closed', 'article_closed', 'escalated', 'changed')),
    outcome        TEXT NOT NULL CHECK (outcome IN ('resolved', 'unresolved', '')),
    agent_involved BOOLEAN NOT NULL,
    closed_by_id   BIGINT NOT NULL,
    article_id     BIGINT NOT NULL,
    count          BIGINT NOT NULL,
    slot           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, metric, outcome, agent_involved, closed_by_id, article_id, slot)
);
INSERT INTO report_counts_old SELECT day, metric, outcome, agent_involved, closed_by_id, article_id, count, slot
    FROM report_counts WHERE metric IN ('closed', 'article_closed', 'escalated', 'changed');
DROP TABLE report_counts;
ALTER TABLE report_counts_old RENAME TO report_counts;
CREATE INDEX report_counts_metric_day_idx ON report_counts (metric, day);
DROP TABLE verdicts;
DROP INDEX customers_email_idx;
DROP INDEX conversations_follows_idx;
ALTER TABLE conversations DROP COLUMN came_back_at;
ALTER TABLE conversations DROP COLUMN follows_id;
ALTER TABLE team_settings DROP COLUMN came_back_days;
