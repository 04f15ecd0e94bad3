-- Counters split over slots (see the PostgreSQL migration; SQLite has one writer, so it keeps
-- the column only for the shared code). SQLite cannot change a primary key: the table is made
-- again.
CREATE TABLE report_counts_slotted (
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
INSERT INTO report_counts_slotted (day, metric, outcome, agent_involved, closed_by_id, article_id, count)
    SELECT day, metric, outcome, agent_involved, closed_by_id, article_id, count FROM report_counts;
DROP TABLE report_counts;
ALTER TABLE report_counts_slotted RENAME TO report_counts;
