CREATE TEMPORARY TABLE report_counts_summed AS
    SELECT day, metric, outcome, agent_involved, closed_by_id, article_id, SUM(count)::BIGINT AS count
    FROM report_counts GROUP BY day, metric, outcome, agent_involved, closed_by_id, article_id;
DELETE FROM report_counts;
ALTER TABLE report_counts DROP CONSTRAINT report_counts_pkey;
ALTER TABLE report_counts DROP COLUMN slot;
ALTER TABLE report_counts
    ADD PRIMARY KEY (day, metric, outcome, agent_involved, closed_by_id, article_id);
INSERT INTO report_counts SELECT * FROM report_counts_summed;
DROP TABLE report_counts_summed;
