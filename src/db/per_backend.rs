//! The few statements whose SQL differs between PostgreSQL and SQLite. Here only the placeholder
//! syntax differs; the upsert itself (`ON CONFLICT ... DO UPDATE`) is understood by both.

use diesel::sql_types::{BigInt, Bool, Date, Integer, Text};
use diesel::{QueryResult, RunQueryDsl};

use super::AnyConnection;
use crate::domain::counters::CounterKey;
use crate::domain::Outcome;

/// Adds `delta` to one report counter's `slot`, creating it at `delta` if it does not exist.
pub fn add_to_report_count(
    conn: &mut AnyConnection,
    key: &CounterKey,
    slot: i32,
    delta: i64,
) -> QueryResult<()> {
    const COLUMNS: &str = "INSERT INTO report_counts \
        (day, metric, outcome, agent_involved, closed_by_id, article_id, slot, count)";
    const CONFLICT: &str =
        "ON CONFLICT (day, metric, outcome, agent_involved, closed_by_id, article_id, slot) \
        DO UPDATE SET count = report_counts.count + excluded.count";
    // Counters that are not split by outcome store it as empty text.
    let outcome = key.outcome.map_or("", Outcome::as_str);
    macro_rules! run {
        ($conn:expr, $values:literal) => {
            diesel::sql_query(format!("{COLUMNS} VALUES {} {CONFLICT}", $values))
                .bind::<Date, _>(key.day)
                .bind::<Text, _>(key.metric.as_str())
                .bind::<Text, _>(outcome)
                .bind::<Bool, _>(key.agent_involved)
                .bind::<BigInt, _>(key.closed_by_id)
                .bind::<BigInt, _>(key.article_id)
                .bind::<Integer, _>(slot)
                .bind::<BigInt, _>(delta)
                .execute($conn)
        };
    }
    match conn {
        AnyConnection::Postgresql(pg) => run!(pg, "($1, $2, $3, $4, $5, $6, $7, $8)"),
        AnyConnection::Sqlite(lite) => run!(lite, "(?, ?, ?, ?, ?, ?, ?, ?)"),
    }?;
    Ok(())
}

/// After rows were inserted with ids chosen by the application, makes PostgreSQL's identity
/// sequences continue after the highest id (SQLite picks max(id) + 1 by itself).
pub fn restart_id_sequences(conn: &mut AnyConnection, tables: &[&str]) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    if let AnyConnection::Postgresql(pg) = conn {
        for table in tables {
            pg.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 GREATEST((SELECT MAX(id) FROM {table}), 1))"
            ))?;
        }
    }
    Ok(())
}

/// Makes changes to the team's members take turns until the end of the transaction, so two
/// admins demoting each other cannot both count the other as the remaining admin. SQLite needs
/// nothing: `BEGIN IMMEDIATE` already lets one writer in at a time.
pub fn lock_team(conn: &mut AnyConnection) -> QueryResult<()> {
    // Any fixed number names the lock; this one spells "team" in ASCII.
    const TEAM_LOCK: i64 = 0x7465_616d;
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(TEAM_LOCK)
            .execute(pg)?;
    }
    Ok(())
}

/// Holds every sign-in reservation in turn until the end of the transaction, so concurrent
/// attempts cannot all read "4 failures so far" (PostgreSQL's advisory lock, shared by every
/// instance). SQLite needs nothing: `BEGIN IMMEDIATE` already lets one writer in at a time.
pub fn lock_sign_in_attempts(conn: &mut AnyConnection) -> QueryResult<()> {
    /// An arbitrary constant, distinct from the migration lock.
    const SIGN_IN_LOCK: i64 = 0x0048_4541_5253_494e;
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(SIGN_IN_LOCK)
            .execute(pg)?;
    }
    Ok(())
}

/// In a bulk load's transaction: new messages are not announced to live-update listeners (one
/// notification per seeded message would only fill PostgreSQL's notification queue).
pub fn quiet_for_this_transaction(conn: &mut AnyConnection) -> QueryResult<()> {
    match conn {
        AnyConnection::Postgresql(_) => {
            diesel::sql_query("SET LOCAL hearken.quiet = 'on'").execute(conn)?;
        }
        AnyConnection::Sqlite(_) => {}
    }
    Ok(())
}

/// A condition on a message row (`messages.`…) in the connection's own SQL, with one bound
/// text value.
pub type MessageCondition = diesel::expression::SqlLiteral<
    Bool,
    diesel::expression::UncheckedBind<
        diesel::expression::SqlLiteral<Bool>,
        diesel::dsl::AsExprOf<String, Text>,
    >,
>;

/// The message contains every one of `words` (each as the start of a word), by the full-text
/// index: a GIN index over `to_tsvector('simple', body)` on PostgreSQL, the FTS5 table
/// `messages_words` on SQLite.
pub fn message_has_words(
    conn: &AnyConnection,
    words: &crate::domain::search_words::SearchWords,
) -> MessageCondition {
    use diesel::dsl::sql;
    match conn {
        AnyConnection::Postgresql(_) => {
            sql::<Bool>("to_tsvector('simple', messages.body) @@ to_tsquery('simple', ")
                .bind::<Text, _>(words.tsquery())
                .sql(")")
        }
        AnyConnection::Sqlite(_) => sql::<Bool>(
            "messages.id IN (SELECT rowid FROM messages_words WHERE messages_words MATCH ",
        )
        .bind::<Text, _>(words.fts5())
        .sql(")"),
    }
}

/// Adds `delta` to one time counter (see `models::time_count`), creating it if need be.
pub fn add_to_time_count(
    conn: &mut AnyConnection,
    (day, metric, member_id, bucket): (chrono::NaiveDate, &str, i64, i32),
    delta: i64,
) -> QueryResult<()> {
    use diesel::sql_types::Integer;
    const COLUMNS: &str = "INSERT INTO time_counts (day, metric, member_id, bucket, count)";
    const CONFLICT: &str = "ON CONFLICT (day, metric, member_id, bucket) \
        DO UPDATE SET count = time_counts.count + excluded.count";
    macro_rules! run {
        ($conn:expr, $values:literal) => {
            diesel::sql_query(format!("{COLUMNS} VALUES {} {CONFLICT}", $values))
                .bind::<Date, _>(day)
                .bind::<Text, _>(metric)
                .bind::<BigInt, _>(member_id)
                .bind::<Integer, _>(bucket)
                .bind::<BigInt, _>(delta)
                .execute($conn)
        };
    }
    match conn {
        AnyConnection::Postgresql(pg) => run!(pg, "($1, $2, $3, $4, $5)"),
        AnyConnection::Sqlite(lite) => run!(lite, "(?, ?, ?, ?, ?)"),
    }?;
    Ok(())
}

/// Announces a change that wrote no message (a customer's verdict) to every instance's live
/// updates on PostgreSQL, as the trigger on `messages` does for a message: "message id,
/// conversation id,what", delivered when the transaction commits. SQLite: the caller passes it
/// on in-process.
pub fn announce_change(conn: &mut AnyConnection, payload: &str) -> QueryResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_notify('hearken_messages', $1)")
            .bind::<Text, _>(payload)
            .execute(pg)?;
    }
    Ok(())
}
