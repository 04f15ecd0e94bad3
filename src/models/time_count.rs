//! Response and resolution times as per-day histograms (`domain::times`), moved in the same
//! transaction as what they measure: an agent's first message of a wait (first response) and
//! every close, change of outcome and reopening (resolution, through `ReportCount::apply`).
//! `hearken check` compares them with a recount.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use crate::db::per_backend::add_to_time_count;
use crate::db::schema::{conversations, messages, time_counts};
use crate::db::AnyConnection;
use crate::domain::time::local_day;
use crate::domain::times::{bucket_of, TimeMetric};
use crate::domain::{Author, ConversationState, SystemEvent};

/// A time counter: (day, metric, member or 0, bucket).
pub type TimeKey = (NaiveDate, TimeMetric, i64, i32);

/// A stored time counter: (day, metric, member or 0, bucket, count).
pub type TimeRow = (NaiveDate, TimeMetric, i64, i32, i64);

/// The notes that start a wait for the team.
pub const WAIT_STARTS: [SystemEvent; 3] = [
    SystemEvent::CustomerRequestedHuman,
    SystemEvent::BotEscalated,
    SystemEvent::Released,
];

pub struct TimeCount;

impl TimeCount {
    /// Moves the counters, in one fixed order (the key's) so concurrent writers cannot
    /// deadlock; moves of the same counter are added up and zero moves skipped.
    pub fn apply(conn: &mut AnyConnection, moves: Vec<(TimeKey, i64)>) -> QueryResult<()> {
        let mut merged: BTreeMap<(NaiveDate, &str, i64, i32), i64> = BTreeMap::new();
        for ((day, metric, member, bucket), delta) in moves {
            *merged
                .entry((day, metric.as_str(), member, bucket))
                .or_default() += delta;
        }
        for (key, delta) in merged {
            if delta != 0 {
                add_to_time_count(conn, key, delta)?;
            }
        }
        Ok(())
    }

    /// An agent wrote message `message_id` at `at`: if it is the first agent message since the
    /// conversation last started waiting, the wait's first response time is counted for them.
    /// Call in the transaction that writes the message.
    pub fn agent_wrote(
        conn: &mut AnyConnection,
        conversation_id: i64,
        message_id: i64,
        member_id: Option<i64>,
        at: NaiveDateTime,
    ) -> QueryResult<()> {
        let wait: Option<(i64, NaiveDateTime)> = messages::table
            .filter(messages::conversation_id.eq(conversation_id))
            .filter(messages::system_event.eq_any(WAIT_STARTS))
            .filter(messages::id.lt(message_id))
            .order(messages::id.desc())
            .select((messages::id, messages::created_at))
            .first(conn)
            .optional()?;
        let Some((wait_id, started)) = wait else {
            return Ok(());
        };
        let answered_before: i64 = messages::table
            .filter(messages::conversation_id.eq(conversation_id))
            .filter(messages::author.eq(Author::Agent))
            .filter(messages::id.gt(wait_id))
            .filter(messages::id.lt(message_id))
            .count()
            .get_result(conn)?;
        if answered_before > 0 {
            return Ok(());
        }
        let zone = crate::models::team_settings::TeamSettings::get(conn)?
            .time_zone
            .tz();
        let key = (
            local_day(at, zone),
            TimeMetric::FirstResponse,
            member_id.unwrap_or(0),
            bucket_of((at - started).num_seconds()),
        );
        Self::apply(conn, vec![(key, 1)])
    }

    /// Recomputes every time counter from the messages and the closed conversations.
    pub fn rebuild(conn: &mut AnyConnection, zone: Tz) -> QueryResult<()> {
        diesel::delete(time_counts::table).execute(conn)?;
        let mut counts: HashMap<TimeKey, i64> = HashMap::new();
        // First responses: walk the wait notes and agent messages in order.
        let mut waiting: HashMap<i64, NaiveDateTime> = HashMap::new();
        let mut last_id = 0i64;
        loop {
            type Row = (i64, i64, Author, Option<i64>, NaiveDateTime);
            let page: Vec<Row> = messages::table
                .filter(messages::id.gt(last_id))
                .filter(
                    messages::system_event
                        .eq_any(WAIT_STARTS)
                        .or(messages::author.eq(Author::Agent)),
                )
                .order(messages::id.asc())
                .limit(10_000)
                .select((
                    messages::id,
                    messages::conversation_id,
                    messages::author,
                    messages::author_user_id,
                    messages::created_at,
                ))
                .load(conn)?;
            let Some((id, ..)) = page.last() else { break };
            last_id = *id;
            for (_, conversation, author, member, at) in page {
                if author != Author::Agent {
                    waiting.insert(conversation, at);
                } else if let Some(started) = waiting.remove(&conversation) {
                    let key = (
                        local_day(at, zone),
                        TimeMetric::FirstResponse,
                        member.unwrap_or(0),
                        bucket_of((at - started).num_seconds()),
                    );
                    *counts.entry(key).or_default() += 1;
                }
            }
        }
        // Resolutions: every closed conversation counted in the reports.
        let mut last_id = 0i64;
        loop {
            type Row = (
                i64,
                Option<NaiveDate>,
                Option<i64>,
                NaiveDateTime,
                Option<NaiveDateTime>,
            );
            let page: Vec<Row> = conversations::table
                .filter(conversations::id.gt(last_id))
                .filter(conversations::state.eq(ConversationState::Closed))
                .order(conversations::id.asc())
                .limit(10_000)
                .select((
                    conversations::id,
                    conversations::report_day,
                    conversations::closed_by_id,
                    conversations::created_at,
                    conversations::closed_at,
                ))
                .load(conn)?;
            let Some((id, ..)) = page.last() else { break };
            last_id = *id;
            for (_, day, closer, started, closed) in page {
                if let (Some(day), Some(closed)) = (day, closed) {
                    let key = (
                        day,
                        TimeMetric::Resolution,
                        closer.unwrap_or(0),
                        bucket_of((closed - started).num_seconds()),
                    );
                    *counts.entry(key).or_default() += 1;
                }
            }
        }
        Self::apply(conn, counts.into_iter().collect())
    }

    fn all(conn: &mut AnyConnection) -> QueryResult<Vec<TimeRow>> {
        time_counts::table
            .filter(time_counts::count.ne(0))
            .order((
                time_counts::day,
                time_counts::metric,
                time_counts::member_id,
                time_counts::bucket,
            ))
            .load(conn)
    }

    /// How the live time counters differ from a recount (made and rolled back), as sentences.
    pub fn differences_from_rebuild(conn: &mut AnyConnection) -> QueryResult<Vec<String>> {
        crate::models::recount::differences(conn, "time counter", Self::all, Self::rebuild)
    }

    /// (metric, member, bucket, count) of the period, added up in the database.
    pub fn by_member(
        conn: &mut AnyConnection,
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<Vec<(TimeMetric, i64, i32, i64)>> {
        time_counts::table
            .filter(time_counts::day.between(from, to))
            .group_by((
                time_counts::metric,
                time_counts::member_id,
                time_counts::bucket,
            ))
            .select((
                time_counts::metric,
                time_counts::member_id,
                time_counts::bucket,
                total(),
            ))
            .load(conn)
    }

    /// (day, metric, bucket, count) of the period, members added up in the database.
    pub fn by_day(
        conn: &mut AnyConnection,
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<Vec<(NaiveDate, TimeMetric, i32, i64)>> {
        time_counts::table
            .filter(time_counts::day.between(from, to))
            .group_by((time_counts::day, time_counts::metric, time_counts::bucket))
            .select((
                time_counts::day,
                time_counts::metric,
                time_counts::bucket,
                total(),
            ))
            .load(conn)
    }
}

fn total() -> crate::db::fixed_sql::FixedSql<diesel::sql_types::BigInt> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL; the cast keeps one type on both databases.
    crate::db::fixed_sql::fixed("CAST(SUM(time_counts.count) AS BIGINT)")
}
