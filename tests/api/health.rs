use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::helpers::{postgres_admin_url, spawn_app, Backend};
use crate::on_both_backends;

async fn healthz_answers_when_the_database_is_up(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app.get("/healthz").await;

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text().await.unwrap(), "ok\n");
}

on_both_backends!(healthz_answers_when_the_database_is_up);

/// The database disappears under a running server (PostgreSQL: the server can take a database
/// away; an open SQLite file cannot be taken from its process).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_503_when_the_database_is_gone() {
    let Some(admin_url) = postgres_admin_url() else {
        return;
    };
    let app = spawn_app(Backend::Postgres).await;
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    let name = url::Url::parse(&app.database_url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_owned();

    let mut admin = PgConnection::establish(&admin_url).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .unwrap();
    let response = app.get("/healthz").await;

    assert_eq!(response.status().as_u16(), 503);
    assert_eq!(response.text().await.unwrap(), "database unavailable\n");
}

/// Every connection of the app's pool is held (as by slow requests): the database still
/// answers, so the instance is busy, not down.
async fn healthz_says_busy_when_every_pool_connection_is_in_use(backend: Backend) {
    let app = spawn_app(backend).await;
    let pool = app.pool.clone();
    let max = pool.max_size();
    let held: Vec<_> = tokio::task::spawn_blocking(move || {
        (0..max)
            .map(|_| pool.get().expect("a pool connection"))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();

    let started = std::time::Instant::now();
    let response = app.get("/healthz").await;

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.text().await.unwrap(),
        format!("busy: {max} connections in use, 0 idle, {max} at most\n")
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "answered without waiting for a connection"
    );
    drop(held);
    assert_eq!(app.get("/healthz").await.text().await.unwrap(), "ok\n");
}

on_both_backends!(healthz_says_busy_when_every_pool_connection_is_in_use);

/// PostgreSQL ends the app's connections (a restart, a failover, an administrator): pages may
/// fail for a moment, but the pool replaces the dead connections without restarting the app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_recover_after_the_database_drops_the_connections() {
    let Some(admin_url) = postgres_admin_url() else {
        return;
    };
    let app = spawn_app(Backend::Postgres).await;
    app.signed_in_as(hearken::domain::Role::Agent).await;
    assert_eq!(app.get("/conversations").await.status().as_u16(), 200);
    let name = url::Url::parse(&app.database_url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_owned();

    let mut admin = PgConnection::establish(&admin_url).unwrap();
    admin
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .unwrap();
    let first = app.get("/conversations").await;

    assert!(
        [200, 503].contains(&first.status().as_u16()),
        "no 500: {}",
        first.status()
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let status = app.get("/conversations").await.status().as_u16();
        if status == 200 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still {status}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}

/// No statement of the running server holds PostgreSQL past the statement timeout: the
/// database itself cancels it (nothing is left running), and the error says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_cancels_a_statement_past_the_timeout() {
    if postgres_admin_url().is_none() {
        return;
    }
    let app = crate::helpers::spawn_app_with(Backend::Postgres, |config| {
        config.statement_timeout_seconds = 1;
    })
    .await;
    let pool = app.pool.clone();
    let started = std::time::Instant::now();

    let failed = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        conn.batch_execute("SELECT pg_sleep(3)").unwrap_err()
    })
    .await
    .unwrap();

    assert!(hearken::db::is_statement_timeout(&failed), "{failed}");
    assert!(started.elapsed() < std::time::Duration::from_millis(2500));
    let mut conn = app.db();
    let sleeping: i64 = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3)%' \
         AND state = 'active'",
    )
    .get_result::<Sleeping>(&mut conn)
    .unwrap()
    .n;
    assert_eq!(sleeping, 0, "cancelled in the database");
    // The connection is still good for the next request.
    app.signed_in_as(hearken::domain::Role::Agent).await;
    assert_eq!(app.get("/conversations").await.status().as_u16(), 200);
}

#[derive(diesel::QueryableByName)]
struct Sleeping {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}
