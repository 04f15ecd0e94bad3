DROP TABLE time_counts;
DELETE FROM report_counts WHERE metric IN ('came_back', 'verdict_yes', 'verdict_no');
ALTER TABLE report_counts DROP CONSTRAINT report_counts_metric_check;
ALTER TABLE report_counts ADD CONSTRAINT report_counts_metric_check CHECK (metric IN (
    'closed', 'article_closed', 'escalated', 'changed'));
DROP TABLE verdicts;
DROP INDEX customers_email_idx;
DROP INDEX conversations_follows_idx;
ALTER TABLE conversations DROP COLUMN came_back_at;
ALTER TABLE conversations DROP COLUMN follows_id;
ALTER TABLE team_settings DROP COLUMN came_back_days;
