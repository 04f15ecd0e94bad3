CREATE TABLE report_counts_unslotted (
    day            DATE NOT NULL,
    metric         TEXT NOT NULL CHECK (metric IN ('closed', 'article_closed', 'escalated', 'changed')),
    outcome        TEXT NOT NULL CHECK (outcome IN ('resolved', 'unresolved', '')),
    agent_involved BOOLEAN NOT NULL,
    closed_by_id   BIGINT NOT NULL,
    article_id     BIGINT NOT NULL,
    count          BIGINT NOT NULL,
    PRIMARY KEY (day, metric, outcome, agent_involved, closed_by_id, article_id)
);
INSERT INTO report_counts_unslotted
    SELECT day, metric, outcome, agent_involved, closed_by_id, article_id, SUM(count)
    FROM report_counts GROUP BY day, metric, outcome, agent_involved, closed_by_id, article_id;
DROP TABLE report_counts;
ALTER TABLE report_counts_unslotted RENAME TO report_counts;
