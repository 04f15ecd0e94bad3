-- Reports read one metric over a range of days; the primary key starts with the day, so at a
-- million conversations (70,000 counter rows) PostgreSQL read the whole table for each figure
-- (8-12 ms). Counters change by HOT updates of `count` alone, which this index leaves alone.
CREATE INDEX report_counts_metric_day_idx ON report_counts (metric, day);
