//! The connection pool: an r2d2 manager that opens either backend, sets the statement timeout of
//! `hearken serve`, and watches every query of its connections, so that one the database has
//! closed leaves the pool without a `SELECT 1` on each checkout, and so that tests can count the
//! statements a page costs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::result::{DatabaseErrorKind, Error};

use super::{AnyConnection, DatabaseLocation};
use crate::error::AppError;

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// What the connections of one manager share.
#[derive(Debug, Default)]
struct Shared {
    /// Statements sent by its connections so far (on PostgreSQL, preparing one counts too).
    statements: AtomicU64,
    /// How many times one of its connections was found closed by the database. Connections
    /// last known to work before the latest loss are asked `SELECT 1` when next checked out:
    /// when PostgreSQL restarts, the first failure spares the requests after it.
    losses: AtomicU64,
    /// Whether to count statements PostgreSQL had to parse and plan again (tests, benchmarks).
    track_unprepared: std::sync::atomic::AtomicBool,
    /// Statements sent while tracking that diesel could not keep prepared.
    unprepared: AtomicU64,
}

/// Each pooled connection's diesel instrumentation: diesel tells it of every statement and of
/// every failure, whatever the query and wherever the error ends up.
struct ConnectionWatch {
    shared: Arc<Shared>,
    /// PostgreSQL prepares a statement in a round trip of its own; SQLite's is local.
    prepares_cost_a_round_trip: bool,
    /// A statement failed because the connection is gone: it must not return to the pool.
    lost: bool,
    /// `Shared::losses` when this connection was last known to work.
    known_good_at: u64,
    /// While tracking: the SQL this connection keeps prepared, and the statement under way.
    prepared: std::collections::HashSet<String>,
    running: Option<String>,
}

impl Instrumentation for ConnectionWatch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { query, .. } => {
                self.shared.statements.fetch_add(1, Ordering::Relaxed);
                if self.shared.track_unprepared.load(Ordering::Relaxed) {
                    let text = query.to_string();
                    let sql = text.split(" -- binds: ").next().unwrap_or_default();
                    self.running = Some(sql.to_owned());
                }
            }
            InstrumentationEvent::CacheQuery { sql, .. } => {
                if self.prepares_cost_a_round_trip {
                    self.shared.statements.fetch_add(1, Ordering::Relaxed);
                }
                if self.shared.track_unprepared.load(Ordering::Relaxed) {
                    self.prepared.insert(sql.to_owned());
                }
            }
            InstrumentationEvent::FinishQuery { error, .. } => {
                if let Some(sql) = self.running.take() {
                    if !self.prepared.contains(&sql) {
                        self.shared.unprepared.fetch_add(1, Ordering::Relaxed);
                    }
                }
                if error.is_some_and(is_connection_lost) && !self.lost {
                    self.lost = true;
                    self.shared.losses.fetch_add(1, Ordering::SeqCst);
                }
            }
            _ => {}
        }
    }
}

/// Whether a query failed because the connection itself is gone: libpq says
/// `ClosedConnection` when the server ended it during the query, and `UnableToSendCommand`
/// when the socket was already closed.
pub fn is_connection_lost(error: &Error) -> bool {
    matches!(
        error,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        )
    )
}

fn watch_of(conn: &mut AnyConnection) -> Option<&mut ConnectionWatch> {
    conn.instrumentation().downcast_mut::<ConnectionWatch>()
}

/// How many statements a manager's connections have sent: a page's round trips are the
/// difference across its request (when nothing else uses the pool meanwhile).
#[derive(Clone, Debug)]
pub struct Statements(Arc<Shared>);

impl Statements {
    pub fn sent(&self) -> u64 {
        self.0.statements.load(Ordering::SeqCst)
    }

    /// From now on, count the statements diesel cannot keep prepared (see [`Self::unprepared`]).
    /// Costs a copy of each statement's text, so only tests and benchmarks turn it on.
    pub fn track_unprepared(&self) {
        self.0.track_unprepared.store(true, Ordering::SeqCst);
    }

    /// Statements sent, since tracking began, that the connection had not kept prepared. On
    /// PostgreSQL each of them is parsed and planned again: with `diesel::dsl::sql` in a query
    /// (use `db::fixed_sql` instead), that cost more than the conversation view's own work.
    pub fn unprepared(&self) -> u64 {
        self.0.unprepared.load(Ordering::SeqCst)
    }
}

/// An r2d2 manager that opens the right kind of connection straight away, so a wrong URL or a
/// server that is down is reported with its real error rather than a pool timeout.
#[derive(Clone, Debug)]
pub struct Manager {
    location: DatabaseLocation,
    statement_timeout: Option<Duration>,
    shared: Arc<Shared>,
}

impl Manager {
    pub fn new(location: DatabaseLocation) -> Self {
        Manager {
            location,
            statement_timeout: None,
            shared: Arc::default(),
        }
    }

    /// Its PostgreSQL connections have the server cancel any statement that runs longer than
    /// `timeout` (SQLite has no such setting that diesel lets one reach).
    pub fn with_statement_timeout(self, timeout: Option<Duration>) -> Self {
        Manager {
            statement_timeout: timeout,
            ..self
        }
    }

    pub fn statements(&self) -> Statements {
        Statements(self.shared.clone())
    }

    fn watch(&self, conn: &mut AnyConnection) {
        conn.set_instrumentation(ConnectionWatch {
            shared: self.shared.clone(),
            prepares_cost_a_round_trip: matches!(conn, AnyConnection::Postgresql(_)),
            lost: false,
            known_good_at: self.shared.losses.load(Ordering::SeqCst),
            prepared: Default::default(),
            running: None,
        });
    }
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        match &self.location {
            DatabaseLocation::Postgres(url) => {
                let mut conn = diesel::PgConnection::establish(url)
                    .map(AnyConnection::Postgresql)
                    .map_err(r2d2::Error::ConnectionError)?;
                if let Some(timeout) = self.statement_timeout {
                    conn.batch_execute(&format!("SET statement_timeout = {}", timeout.as_millis()))
                        .map_err(r2d2::Error::QueryError)?;
                }
                // Watched from here: setting a connection up is not a page's statement (the pool
                // may open one in the background while a page is being counted).
                self.watch(&mut conn);
                Ok(conn)
            }
            DatabaseLocation::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn = diesel::SqliteConnection::establish(&path)
                    .map(AnyConnection::Sqlite)
                    .map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers work while one writer commits; the busy timeout makes
                // concurrent writers wait instead of failing; foreign keys are off by default.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(r2d2::Error::QueryError)?;
                self.watch(&mut conn);
                Ok(conn)
            }
        }
    }

    /// Called on every checkout. Free unless one of this manager's connections was found closed
    /// since this one last worked: then (a database restart ends them all) it is asked
    /// `SELECT 1` once, and replaced if it does not answer.
    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        let losses = self.shared.losses.load(Ordering::SeqCst);
        if watch_of(conn).is_some_and(|watch| watch.known_good_at == losses) {
            return Ok(());
        }
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)?;
        if let Some(watch) = watch_of(conn) {
            watch.known_good_at = losses;
        }
        Ok(())
    }

    /// Called when a connection goes back to the pool. One the database closed under a query
    /// is dropped, as is one still inside a transaction (a panic mid-transaction) or whose
    /// transaction state is in error (a rollback that failed): the next request would otherwise
    /// fail on it, or run inside a transaction that never commits.
    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking() || conn.is_broken() || watch_of(conn).is_some_and(|w| w.lost)
    }
}

/// Where an SQLite file goes, its folder is created on first start.
fn create_folder(location: &DatabaseLocation) -> anyhow::Result<()> {
    if let DatabaseLocation::Sqlite(path) = location {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                anyhow::anyhow!("cannot create the data folder {}: {e}", dir.display())
            })?;
        }
    }
    Ok(())
}

/// One connection of its own, without a statement timeout (migrations, command-line work).
pub fn connect_one(location: &DatabaseLocation) -> anyhow::Result<AnyConnection> {
    create_folder(location)?;
    Manager::new(location.clone())
        .connect()
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", location.describe()))
}

/// A pool without a statement timeout (the command line's work may take long).
pub fn connect_pool(location: &DatabaseLocation, max_size: u32) -> anyhow::Result<Pool> {
    open_pool(Manager::new(location.clone()), max_size)
}

/// Opens one connection first (so its real error is reported at once), then builds the pool.
pub fn open_pool(manager: Manager, max_size: u32) -> anyhow::Result<Pool> {
    create_folder(&manager.location)?;
    let first = manager
        .connect()
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", manager.location.describe()))?;
    drop(first);
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
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
        work(&mut conn)
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
