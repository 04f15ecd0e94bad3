-- Per-day report counters, kept in step with closing, changing, reopening and escalating in the
-- same transaction, so that reports read a few hundred rows whatever the number of conversations.
-- day: the team's local day the event counts in. One row per combination:
--   metric 'closed'          one per closed conversation (its latest close), by outcome, whether an
--                            agent took part, and who closed it (0: the system)
--   metric 'article_closed'  one per article the bot cited in that conversation (article_id)
--   metric 'escalated'       conversations handed from the bot to the team
--   metric 'changed'         outcomes changed after the first close, by who changed them
CREATE TABLE report_counts (
    day            DATE NOT NULL,
    metric         TEXT NOT NULL CHECK (metric IN ('closed', 'article_closed', 'escalated', 'changed')),
    outcome        TEXT NOT NULL CHECK (outcome IN ('resolved', 'unresolved', '')),
    agent_involved BOOLEAN NOT NULL,
    closed_by_id   BIGINT NOT NULL,
    article_id     BIGINT NOT NULL,
    count          BIGINT NOT NULL,
    PRIMARY KEY (day, metric, outcome, agent_involved, closed_by_id, article_id)
);

-- The local day a closed conversation is counted in, so that changing or reopening it takes it
-- out of exactly that day, and the list behind a number finds exactly those conversations.
ALTER TABLE conversations ADD COLUMN report_day DATE;
CREATE INDEX conversations_report_day_idx ON conversations (report_day, outcome, agent_involved) WHERE state = 'closed';
