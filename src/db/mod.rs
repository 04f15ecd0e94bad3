//! Database access: one connection type over PostgreSQL and SQLite, the pool, migrations, and the
//! few pieces of SQL that must differ between the two backends.

pub mod announce;
pub mod commits;
pub mod fixed_sql;
pub mod migrations;
pub mod per_backend;
pub mod pool;
pub mod schema;
pub mod text_column;

use std::path::PathBuf;

use diesel::prelude::*;

pub use pool::{
    check_health, connect_one, connect_pool, is_connection_lost, open_pool, run, Health, Manager,
    Pool, PooledConnection, Statements,
};

/// The connection used everywhere: queries are written once and run on either backend.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Where the data lives, decided from the URL scheme alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseLocation {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseLocation {
    /// `postgres://` or `postgresql://` means PostgreSQL; `sqlite://path`, `file:path` or a bare
    /// path means an SQLite file.
    pub fn parse(url: &str) -> Self {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return DatabaseLocation::Postgres(url.to_owned());
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .or_else(|| url.strip_prefix("file:"))
            .unwrap_or(url);
        DatabaseLocation::Sqlite(PathBuf::from(path))
    }

    /// A description safe to print: no password.
    pub fn describe(&self) -> String {
        match self {
            DatabaseLocation::Postgres(url) => match url::Url::parse(url) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("***"));
                    }
                    format!("PostgreSQL at {parsed}")
                }
                Err(_) => "PostgreSQL".to_owned(),
            },
            DatabaseLocation::Sqlite(path) => format!("SQLite file {}", path.display()),
        }
    }
}

/// Runs `work` in a transaction that writes. On SQLite it starts with `BEGIN IMMEDIATE`, so it
/// waits for the write lock up front (within `busy_timeout`) instead of failing halfway when a
/// concurrent writer committed after this transaction first read. On PostgreSQL it is an
/// ordinary transaction (the version checks in the UPDATEs guard against races) whose new
/// messages are announced after it commits (see `announce`). Called inside another
/// transaction, it is a savepoint.
pub fn write_transaction<T, E, F>(conn: &mut AnyConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <AnyConnection as Connection>::TransactionManager;
    let (depth, begin) = match conn {
        AnyConnection::Sqlite(lite) => (
            AnsiTransactionManager::transaction_manager_status_mut(lite).transaction_depth(),
            "BEGIN IMMEDIATE",
        ),
        // The trigger stays quiet (`SET LOCAL`, sent with `BEGIN` in one round trip).
        AnyConnection::Postgresql(pg) => (
            AnsiTransactionManager::transaction_manager_status_mut(pg).transaction_depth(),
            "BEGIN; SET LOCAL hearken.quiet = 'on'",
        ),
    };
    // Inside a transaction already (the demo, the bot's intake): a savepoint.
    if depth.map_err(E::from)?.is_some() {
        return conn.transaction(work);
    }
    match conn {
        AnyConnection::Sqlite(lite) => AnsiTransactionManager::begin_transaction_sql(lite, begin)?,
        AnyConnection::Postgresql(pg) => AnsiTransactionManager::begin_transaction_sql(pg, begin)?,
    }
    if matches!(conn, AnyConnection::Postgresql(_)) {
        announce::begin();
    }
    let result = work(conn);
    let written = announce::end();
    let value = match result {
        Ok(value) => value,
        Err(error) => {
            Manager::rollback_transaction(conn)?;
            return Err(error);
        }
    };
    Manager::commit_transaction(conn)?;
    match conn {
        AnyConnection::Sqlite(_) => commits::committed(),
        // Committed whatever happens next: a failed announcement is only logged.
        AnyConnection::Postgresql(pg) => {
            if let Err(error) = announce::send(pg, written) {
                tracing::warn!(%error, "announcing new messages failed");
            }
        }
    }
    Ok(value)
}

/// How many times in all a write is tried when PostgreSQL aborts it to break a deadlock or a
/// serialization conflict.
pub const WRITE_ATTEMPTS: usize = 3;

/// Whether the database cancelled the statement because it ran past the statement timeout:
/// PostgreSQL's SQLSTATE 57014 "canceling statement due to statement timeout", which diesel
/// reports as `Unknown` with that message. (SQLite has no statement timeout.)
pub fn is_statement_timeout(error: &diesel::result::Error) -> bool {
    matches!(error, diesel::result::Error::DatabaseError(_, info)
        if info.message().contains("statement timeout"))
}

/// Whether PostgreSQL aborted the transaction for a deadlock (40P01, which diesel reports as
/// `Unknown`) or a serialization failure (40001); running it again from the start is safe.
pub fn is_retryable(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => info.message().contains("deadlock detected"),
        _ => false,
    }
}

/// `write_transaction`, tried again (up to `WRITE_ATTEMPTS` in all) when PostgreSQL aborted it
/// with a retryable error. Inside another transaction it is not retried: the outer transaction
/// is aborted as well and only it can start over.
pub fn write_transaction_retrying<T, F>(conn: &mut AnyConnection, mut work: F) -> QueryResult<T>
where
    F: FnMut(&mut AnyConnection) -> QueryResult<T>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let outermost = match conn {
        AnyConnection::Postgresql(pg) => AnsiTransactionManager::transaction_manager_status_mut(pg)
            .transaction_depth()?
            .is_none(),
        AnyConnection::Sqlite(_) => false,
    };
    let mut attempt = 1;
    loop {
        match write_transaction(conn, &mut work) {
            Err(error) if outermost && attempt < WRITE_ATTEMPTS && is_retryable(&error) => {
                tracing::info!(%error, attempt, "write aborted by the database; trying again");
                attempt += 1;
            }
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error};

    use super::is_retryable;

    struct Said(&'static str);

    impl DatabaseErrorInformation for Said {
        fn message(&self) -> &str {
            self.0
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    #[test]
    fn only_deadlocks_and_serialization_failures_are_tried_again() {
        let error = |kind, message| Error::DatabaseError(kind, Box::new(Said(message)));
        // (error, tried again)
        let table = [
            (error(DatabaseErrorKind::Unknown, "deadlock detected"), true),
            (
                error(
                    DatabaseErrorKind::SerializationFailure,
                    "could not serialize access",
                ),
                true,
            ),
            (
                error(DatabaseErrorKind::UniqueViolation, "duplicate key"),
                false,
            ),
            (error(DatabaseErrorKind::Unknown, "syntax error"), false),
            (Error::NotFound, false),
        ];
        for (error, expected) in table {
            assert_eq!(is_retryable(&error), expected, "{error:?}");
        }
    }
}
