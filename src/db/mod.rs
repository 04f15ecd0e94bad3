//! Database access: one connection type over PostgreSQL and SQLite, the pool, migrations, and the
//! few pieces of SQL that must differ between the two backends.

pub mod commits;
pub mod migrations;
pub mod per_backend;
pub mod schema;
pub mod text_column;

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};

use crate::error::AppError;

/// The connection used everywhere: queries are written once and run on either backend.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// A connection kept in the pool, and whether a query found it dead. Connections are not
/// tested with a query each time they are taken (a round trip on every request); instead one
/// that failed because the database went away is marked here and dropped when it comes back.
pub struct Pooled {
    conn: AnyConnection,
    lost: bool,
}

impl Pooled {
    /// The connection itself (tests and tools that open one directly).
    pub fn into_inner(self) -> AnyConnection {
        self.conn
    }

    /// Marks the connection as dead if `error` says the database connection is gone.
    pub fn notice(&mut self, error: &diesel::result::Error) {
        use diesel::result::{DatabaseErrorKind, Error};
        if matches!(
            error,
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) | Error::BrokenTransactionManager
        ) {
            self.lost = true;
        }
    }
}

impl std::ops::Deref for Pooled {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
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

/// An r2d2 manager that opens the right kind of connection straight away, so a wrong URL or a
/// server that is down is reported with its real error rather than a pool timeout.
#[derive(Clone, Debug)]
pub struct Manager {
    location: DatabaseLocation,
    statement_timeout: Option<Duration>,
}

impl Manager {
    pub fn new(location: DatabaseLocation) -> Self {
        Manager {
            location,
            statement_timeout: None,
        }
    }

    /// Connections whose statements the database cancels after `timeout` (PostgreSQL's
    /// `statement_timeout`). SQLite has no such setting that diesel can reach: there, a slow
    /// statement runs to its end.
    pub fn with_statement_timeout(self, timeout: Duration) -> Self {
        Manager {
            statement_timeout: Some(timeout),
            ..self
        }
    }
}

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Pooled, r2d2::Error> {
        Ok(Pooled {
            conn: self.open()?,
            lost: false,
        })
    }

    fn is_valid(&self, conn: &mut Pooled) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    /// Called when a connection goes back to the pool. One a query found dead is dropped; so is
    /// one still inside a transaction (a panic mid-transaction) or whose transaction state is in
    /// error (a rollback that failed, usually because the connection died): the next request
    /// would otherwise run inside a transaction that never commits, or fail on every transaction
    /// it starts.
    fn has_broken(&self, conn: &mut Pooled) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.lost || std::thread::panicking() || conn.conn.is_broken()
    }
}

impl Manager {
    /// Opens a connection of the right kind.
    pub fn open(&self) -> Result<AnyConnection, r2d2::Error> {
        match &self.location {
            DatabaseLocation::Postgres(url) => {
                let mut conn =
                    diesel::PgConnection::establish(url).map_err(r2d2::Error::ConnectionError)?;
                if let Some(timeout) = self.statement_timeout {
                    conn.batch_execute(&format!("SET statement_timeout = {}", timeout.as_millis()))
                        .map_err(r2d2::Error::QueryError)?;
                }
                Ok(AnyConnection::Postgresql(conn))
            }
            DatabaseLocation::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn = diesel::SqliteConnection::establish(&path)
                    .map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers work while one writer commits; the busy timeout makes
                // concurrent writers wait instead of failing; foreign keys are off by default.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }
}

/// Opens one connection first (so its real error is reported at once), then builds the pool.
pub fn connect_pool(
    location: &DatabaseLocation,
    max_size: u32,
    statement_timeout: Option<Duration>,
) -> anyhow::Result<Pool> {
    if let DatabaseLocation::Sqlite(path) = location {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                anyhow::anyhow!("cannot create the data folder {}: {e}", dir.display())
            })?;
        }
    }
    let mut manager = Manager::new(location.clone());
    if let Some(timeout) = statement_timeout {
        manager = manager.with_statement_timeout(timeout);
    }
    let first = manager
        .connect()
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", location.describe()))?;
    drop(first);
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
        // No `SELECT 1` each time a connection is taken: a dead one is noticed when it fails
        // (`Pooled::notice`) and dropped; the next request gets a fresh one.
        .test_on_check_out(false)
        .build_unchecked(manager);
    Ok(pool)
}

/// Runs blocking database work on the blocking thread pool, with a connection from the pool.
pub async fn run<T, F>(pool: &Pool, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        let done = work(&mut conn);
        if let Err(AppError::Database(error)) = &done {
            conn.notice(error);
        }
        done
    })
    .await?
}

/// What `/healthz` found when the database answered.
#[derive(Debug, PartialEq, Eq)]
pub enum Health {
    Ok,
    /// Every pooled connection is in use (requests will queue), but the database answers.
    Busy {
        in_use: u32,
        idle: u32,
        max: u32,
    },
}

/// Asks the database whether it answers, without queueing behind requests for a connection.
/// `manager` opens the extra connection used when the pool has none to spare.
pub fn check_health(pool: &Pool, manager: &Manager) -> anyhow::Result<Health> {
    if let Some(mut conn) = pool.try_get() {
        conn.batch_execute("SELECT 1")?;
        return Ok(Health::Ok);
    }
    let state = pool.state();
    let max = pool.max_size();
    if state.connections < max {
        // Room in the pool: it is opening a connection (or the database refuses new ones).
        let mut conn = pool.get_timeout(Duration::from_secs(2))?;
        conn.batch_execute("SELECT 1")?;
        return Ok(Health::Ok);
    }
    // All taken: one short connection of our own, so a busy instance is not reported as down
    // (and restarted by its orchestrator) while its database is fine.
    let mut conn = manager.connect()?;
    conn.batch_execute("SELECT 1")?;
    Ok(Health::Busy {
        in_use: state.connections - state.idle_connections,
        idle: state.idle_connections,
        max,
    })
}

/// Runs `work` in a transaction that writes. On SQLite it starts with `BEGIN IMMEDIATE`, so it
/// waits for the write lock up front (within `busy_timeout`) instead of failing halfway when a
/// concurrent writer committed after this transaction first read. On PostgreSQL it is an
/// ordinary transaction; the version checks in the UPDATEs guard against races. Called inside
/// another transaction, it is a savepoint.
pub fn write_transaction<T, E, F>(conn: &mut AnyConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <AnyConnection as Connection>::TransactionManager;
    let AnyConnection::Sqlite(inner) = conn else {
        return conn.transaction(work);
    };
    // Inside a transaction already (the demo, the bot's intake): a savepoint.
    if AnsiTransactionManager::transaction_manager_status_mut(inner)
        .transaction_depth()
        .map_err(E::from)?
        .is_some()
    {
        return conn.transaction(work);
    }
    AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    match work(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            commits::committed();
            Ok(value)
        }
        Err(error) => {
            Manager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

/// How many times in all a write is tried when PostgreSQL aborts it to break a deadlock or a
/// serialization conflict.
pub const WRITE_ATTEMPTS: usize = 3;

/// Whether PostgreSQL aborted the transaction for a deadlock (40P01, which diesel reports as
/// `Unknown`) or a serialization failure (40001); running it again from the start is safe.
/// Whether the database cancelled the statement because it ran past the statement timeout
/// (PostgreSQL's SQLSTATE 57014; SQLite's interrupt).
pub fn is_statement_timeout(error: &diesel::result::Error) -> bool {
    match error {
        diesel::result::Error::DatabaseError(_, info) => {
            let message = info.message();
            message.contains("statement timeout") || message == "interrupted"
        }
        _ => false,
    }
}

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
