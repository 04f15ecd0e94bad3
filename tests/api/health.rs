use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

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
    app.signed_in_as(hearken::domain::Role::Agent).await;
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
    // A page says so to the person in words, on the error page.
    let page = app.get("/conversations").await;
    assert_eq!(page.status().as_u16(), 503);
    crate::pool::assert_the_database_unavailable_page(page).await;
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
    if first.status().as_u16() == 503 {
        crate::pool::assert_the_database_unavailable_page(first).await;
    }
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
