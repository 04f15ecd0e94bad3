//! Per-day report counters: written with every close, change of outcome, reopening and
//! escalation (in the same transaction), read by the reports.

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::fixed_sql::{fixed, FixedSql};
use crate::db::per_backend::add_to_report_count;
use crate::db::schema::{citations, closure_log, messages, report_counts};
use crate::db::AnyConnection;
use crate::domain::counters::{
    in_lock_order, CounterChange, CounterKey, Metric, CLOSED_BY_CUSTOMER,
};
use crate::domain::outcomes::Verdict;
use crate::domain::time::local_day;
use crate::domain::times::{bucket_of, TimeMetric};
use crate::domain::{Outcome, SystemEvent};
use crate::models::time_count::TimeCount;

fn total() -> FixedSql<BigInt> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL; the cast keeps one type on both databases.
    fixed("CAST(SUM(report_counts.count) AS BIGINT)")
}

pub struct ReportCount;

/// How many rows each counter is split over, so that concurrent closes on the same day rarely
/// wait for each other's row lock; reads sum them.
pub const SLOTS: i64 = 8;

impl ReportCount {
    /// The articles the bot cited in a conversation.
    fn cited_articles(conn: &mut AnyConnection, conversation_id: i64) -> QueryResult<Vec<i64>> {
        citations::table
            .inner_join(messages::table)
            .filter(messages::conversation_id.eq(conversation_id))
            .select(citations::article_id)
            .distinct()
            .load(conn)
    }

    /// Moves the counters as `domain::counters` decided for a change of conversation
    /// `conversation_id`. Call in the transaction that writes the change.
    pub fn apply(
        conn: &mut AnyConnection,
        conversation_id: i64,
        changes: &[CounterChange],
    ) -> QueryResult<()> {
        let mut moves = Vec::new();
        let mut times = Vec::new();
        for change in changes {
            match *change {
                CounterChange::Closed { counted, delta } => {
                    let key = CounterKey {
                        outcome: Some(counted.outcome),
                        agent_involved: counted.agent_involved,
                        closed_by_id: counted.closed_by_id.unwrap_or(0),
                        ..CounterKey::new(counted.day, Metric::Closed)
                    };
                    moves.push((key, delta));
                    // The customer's side: came back, their verdict; split like the close.
                    let verdict = counted.verdict.map(|verdict| match verdict {
                        Verdict::Yes => Metric::VerdictYes,
                        Verdict::No => Metric::VerdictNo,
                    });
                    let came_back = counted.came_back.then_some(Metric::CameBack);
                    // The customer's side and the times credit a member, or else the bot and
                    // automatic closing together (0): a close the customer confirmed is the
                    // bot's there, as in a recount.
                    let member = counted
                        .closed_by_id
                        .filter(|&id| id != CLOSED_BY_CUSTOMER)
                        .unwrap_or(0);
                    times.push((
                        (
                            counted.day,
                            TimeMetric::Resolution,
                            member,
                            bucket_of(counted.resolved_in),
                        ),
                        delta,
                    ));
                    for metric in [came_back, verdict].into_iter().flatten() {
                        let key = CounterKey {
                            metric,
                            closed_by_id: member,
                            ..key
                        };
                        moves.push((key, delta));
                    }
                    for article_id in Self::cited_articles(conn, conversation_id)? {
                        let key = CounterKey {
                            metric: Metric::ArticleClosed,
                            closed_by_id: 0,
                            article_id,
                            ..key
                        };
                        moves.push((key, delta));
                    }
                }
                CounterChange::Changed { day, outcome, by } => {
                    let key = CounterKey {
                        outcome: Some(outcome),
                        closed_by_id: by.unwrap_or(0),
                        ..CounterKey::new(day, Metric::Changed)
                    };
                    moves.push((key, 1));
                }
                CounterChange::Escalated { day } => {
                    moves.push((CounterKey::new(day, Metric::Escalated), 1));
                }
            }
        }
        // Every move is about this one conversation, so all land in its slot, in lock order.
        let slot = i32::try_from(conversation_id.rem_euclid(SLOTS)).unwrap_or(0);
        for (key, delta) in in_lock_order(moves) {
            if delta == 0 {
                // A restated conversation moved out of and back into the same counter.
                continue;
            }
            add_to_report_count(conn, &key, slot, delta)?;
        }
        TimeCount::apply(conn, times)
    }

    /// Recomputes every counter from the conversations, their notes and the closure log (after
    /// loading data in bulk, or when the team's time zone changed), into slot 0. Closed
    /// conversations are counted by their stored `report_day`; notes and changes by their time
    /// in `zone`.
    pub fn rebuild(conn: &mut AnyConnection, zone: Tz) -> QueryResult<()> {
        diesel::delete(report_counts::table).execute(conn)?;
        // The same SQL on both databases, and no parameters: closed conversations by their day.
        diesel::sql_query(
            "INSERT INTO report_counts \
                 (day, metric, outcome, agent_involved, closed_by_id, article_id, count) \
             SELECT report_day, 'closed', outcome, agent_involved, \
                    CASE WHEN closed_by_customer THEN -1 ELSE COALESCE(closed_by_id, 0) END, 0, COUNT(*) \
             FROM conversations \
             WHERE state = 'closed' AND report_day IS NOT NULL \
             GROUP BY report_day, outcome, agent_involved, \
                      CASE WHEN closed_by_customer THEN -1 ELSE COALESCE(closed_by_id, 0) END",
        )
        .execute(conn)?;
        // The customer's side of the same conversations, split the same way.
        for (metric, condition) in [
            ("came_back", "came_back_at IS NOT NULL"),
            (
                "verdict_yes",
                "id IN (SELECT conversation_id FROM verdicts WHERE answer = 'yes')",
            ),
            (
                "verdict_no",
                "id IN (SELECT conversation_id FROM verdicts WHERE answer = 'no')",
            ),
        ] {
            diesel::sql_query(format!(
                "INSERT INTO report_counts \
                     (day, metric, outcome, agent_involved, closed_by_id, article_id, count) \
                 SELECT report_day, '{metric}', outcome, agent_involved, COALESCE(closed_by_id, 0), 0, COUNT(*) \
                 FROM conversations \
                 WHERE state = 'closed' AND report_day IS NOT NULL AND {condition} \
                 GROUP BY report_day, outcome, agent_involved, COALESCE(closed_by_id, 0)"
            ))
            .execute(conn)?;
        }
        diesel::sql_query(
            "INSERT INTO report_counts \
                 (day, metric, outcome, agent_involved, closed_by_id, article_id, count) \
             SELECT c.report_day, 'article_closed', c.outcome, c.agent_involved, 0, ci.article_id, \
                    COUNT(DISTINCT c.id) \
             FROM conversations c \
             JOIN messages m ON m.conversation_id = c.id \
             JOIN citations ci ON ci.message_id = m.id \
             WHERE c.state = 'closed' AND c.report_day IS NOT NULL \
             GROUP BY c.report_day, c.outcome, c.agent_involved, ci.article_id",
        )
        .execute(conn)?;
        let mut escalations: std::collections::BTreeMap<NaiveDate, i64> = Default::default();
        let mut last_id = 0i64;
        loop {
            let page: Vec<(i64, NaiveDateTime)> = messages::table
                .filter(messages::system_event.eq_any([
                    SystemEvent::BotEscalated,
                    SystemEvent::CustomerRequestedHuman,
                ]))
                .filter(messages::id.gt(last_id))
                .order(messages::id.asc())
                .limit(10_000)
                .select((messages::id, messages::created_at))
                .load(conn)?;
            let Some((id, _)) = page.last() else { break };
            last_id = *id;
            for (_, at) in page {
                *escalations.entry(local_day(at, zone)).or_default() += 1;
            }
        }
        for (day, n) in escalations {
            add_to_report_count(conn, &CounterKey::new(day, Metric::Escalated), 0, n)?;
        }
        let changes: Vec<(NaiveDateTime, Outcome, Option<i64>)> = closure_log::table
            .filter(closure_log::replaced_outcome.is_not_null())
            .select((
                closure_log::closed_at,
                closure_log::outcome,
                closure_log::actor_user_id,
            ))
            .load(conn)?;
        for (at, outcome, actor) in changes {
            let key = CounterKey {
                outcome: Some(outcome),
                closed_by_id: actor.unwrap_or(0),
                ..CounterKey::new(local_day(at, zone), Metric::Changed)
            };
            add_to_report_count(conn, &key, 0, 1)?;
        }
        Ok(())
    }
}

/// A counter's total over its slots: day, metric, outcome, agent involved, closer, article, count.
type CounterRow = (NaiveDate, Metric, String, bool, i64, i64, i64);

impl ReportCount {
    /// Every counter whose slots do not add up to zero, in a fixed order.
    fn all_counters(conn: &mut AnyConnection) -> QueryResult<Vec<CounterRow>> {
        let rows: Vec<CounterRow> = report_counts::table
            .select((
                report_counts::day,
                report_counts::metric,
                report_counts::outcome,
                report_counts::agent_involved,
                report_counts::closed_by_id,
                report_counts::article_id,
                report_counts::count,
            ))
            .load(conn)?;
        let mut totals: std::collections::BTreeMap<_, (Metric, i64)> = Default::default();
        for (day, metric, outcome, involved, closer, article, count) in rows {
            let key = (day, metric.as_str(), outcome, involved, closer, article);
            totals.entry(key).or_insert((metric, 0)).1 += count;
        }
        Ok(totals
            .into_iter()
            .filter(|(_, (_, count))| *count != 0)
            .map(
                |((day, _, outcome, involved, closer, article), (metric, count))| {
                    (day, metric, outcome, involved, closer, article, count)
                },
            )
            .collect())
    }

    /// How the live counters differ from a recount (made and rolled back), as sentences.
    pub fn differences_from_rebuild(conn: &mut AnyConnection) -> QueryResult<Vec<String>> {
        crate::models::recount::differences(
            conn,
            "report counter",
            Self::all_counters,
            Self::rebuild,
        )
    }
}

/// One row of closed-conversation totals: day, outcome, whether an agent took part, count.
pub type ClosedRow = (NaiveDate, Outcome, bool, i64);

impl ReportCount {
    pub fn closed_by_day(
        conn: &mut AnyConnection,
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<Vec<ClosedRow>> {
        report_counts::table
            .filter(report_counts::metric.eq(Metric::Closed))
            .filter(report_counts::day.between(from, to))
            .group_by((
                report_counts::day,
                report_counts::outcome,
                report_counts::agent_involved,
            ))
            .select((
                report_counts::day,
                report_counts::outcome,
                report_counts::agent_involved,
                total(),
            ))
            .order(report_counts::day.asc())
            .load(conn)
    }

    /// (closer, outcome, count) of conversations closed in the period.
    pub fn closed_by_member(
        conn: &mut AnyConnection,
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<Vec<(i64, Outcome, i64)>> {
        report_counts::table
            .filter(report_counts::metric.eq(Metric::Closed))
            .filter(report_counts::day.between(from, to))
            .group_by((report_counts::closed_by_id, report_counts::outcome))
            .select((report_counts::closed_by_id, report_counts::outcome, total()))
            .load(conn)
    }

    /// (member, count) of outcomes changed in the period.
    pub fn changes_by_member(
        conn: &mut AnyConnection,
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<Vec<(i64, i64)>> {
        report_counts::table
            .filter(report_counts::metric.eq(Metric::Changed))
            .filter(report_counts::day.between(from, to))
            .group_by(report_counts::closed_by_id)
            .select((report_counts::closed_by_id, total()))
            .load(conn)
    }

    /// (article, outcome, conversations) for conversations closed in the period.
    pub fn by_article(
        conn: &mut AnyConnection,
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<Vec<(i64, Outcome, i64)>> {
        report_counts::table
            .filter(report_counts::metric.eq(Metric::ArticleClosed))
            .filter(report_counts::day.between(from, to))
            .group_by((report_counts::article_id, report_counts::outcome))
            .select((report_counts::article_id, report_counts::outcome, total()))
            .load(conn)
    }

    /// Total of a simple metric (escalated, changed) in the period.
    pub fn metric_total(
        conn: &mut AnyConnection,
        metric: Metric,
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<i64> {
        let sum: Option<i64> = report_counts::table
            .filter(report_counts::metric.eq(metric))
            .filter(report_counts::day.between(from, to))
            .select(fixed::<diesel::sql_types::Nullable<BigInt>>(
                "CAST(SUM(report_counts.count) AS BIGINT)",
            ))
            .first(conn)?;
        Ok(sum.unwrap_or(0))
    }
}

/// One row of the customer's side: metric, closer (0: none), whether an agent took part,
/// outcome, count.
pub type VoiceRow = (Metric, i64, bool, Outcome, i64);

impl ReportCount {
    /// Closed, came back and verdict counters of the conversations closed in the period, by
    /// closer, agent and outcome.
    pub fn voices(
        conn: &mut AnyConnection,
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<Vec<VoiceRow>> {
        report_counts::table
            .filter(report_counts::metric.eq_any([
                Metric::Closed,
                Metric::CameBack,
                Metric::VerdictYes,
                Metric::VerdictNo,
            ]))
            .filter(report_counts::day.between(from, to))
            .group_by((
                report_counts::metric,
                report_counts::closed_by_id,
                report_counts::agent_involved,
                report_counts::outcome,
            ))
            .select((
                report_counts::metric,
                report_counts::closed_by_id,
                report_counts::agent_involved,
                report_counts::outcome,
                total(),
            ))
            .load(conn)
    }
}

impl ReportCount {
    /// (article, day, outcome, conversations) for these articles between `from` and `to`.
    pub fn article_days(
        conn: &mut AnyConnection,
        articles: &[i64],
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<Vec<(i64, NaiveDate, Outcome, i64)>> {
        if articles.is_empty() {
            return Ok(Vec::new());
        }
        report_counts::table
            .filter(report_counts::metric.eq(Metric::ArticleClosed))
            .filter(report_counts::article_id.eq_any(articles))
            .filter(report_counts::day.between(from, to))
            .group_by((
                report_counts::article_id,
                report_counts::day,
                report_counts::outcome,
            ))
            .select((
                report_counts::article_id,
                report_counts::day,
                report_counts::outcome,
                total(),
            ))
            .load(conn)
    }
}
