DROP INDEX conversations_report_day_idx;
ALTER TABLE conversations DROP COLUMN report_day;
DROP TABLE report_counts;
