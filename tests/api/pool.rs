//! The server's connection pool: no `SELECT 1` on each checkout, yet a connection PostgreSQL
//! closed is not used again; the statement timeout of `hearken serve`.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use hearken::domain::{ConversationState, Role};

use crate::helpers::{spawn_app, spawn_app_with, Backend, TestApp};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Text)]
    statement_timeout: String,
}

fn database_name(app: &TestApp) -> String {
    url::Url::parse(&app.database_url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_owned()
}

/// Opens every connection the pool may hold and gives them back, idle.
async fn fill_the_pool(app: &TestApp) -> u32 {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut held: Vec<_> = (0..pool.max_size())
            .map(|_| pool.get().expect("a pool connection"))
            .collect();
        for conn in &mut held {
            conn.batch_execute("SELECT 1").unwrap();
        }
        drop(held);
        pool.state().idle_connections
    })
    .await
    .unwrap()
}

/// Checking a connection out costs no statement while nothing has gone wrong. (On PostgreSQL:
/// on SQLite the live-update hub reads new messages through the pool twice a second.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_sends_no_statement() {
    if crate::helpers::postgres_admin_url().is_none() {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    fill_the_pool(&app).await;
    let pool = app.pool.clone();
    let statements = app.statements.clone();

    let sent = tokio::task::spawn_blocking(move || {
        let before = statements.sent();
        for _ in 0..10 {
            drop(pool.get().expect("a pool connection"));
        }
        statements.sent() - before
    })
    .await
    .unwrap();

    assert_eq!(sent, 0);
}

/// A 503 for a lost database carries the error page: HTML with a sentence a person can act on,
/// never an empty body.
pub async fn assert_the_database_unavailable_page(response: reqwest::Response) {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(body.contains("<h1>Database unavailable</h1>"), "{body}");
    assert!(
        body.contains("Hearken cannot reach its database right now. Try again in a moment."),
        "{body}"
    );
}

/// PostgreSQL ends every connection of the app (a restart, a failover): the first request
/// that meets a dead connection fails with 503, the pool then checks the connections it
/// opened before that, and every later request succeeds. No connection fails twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_the_database_closed_fail_one_request_then_leave_the_pool() {
    let Some(admin_url) = crate::helpers::postgres_admin_url() else {
        return;
    };
    let app = spawn_app(Backend::Postgres).await;
    app.signed_in_as(Role::Agent).await;
    let id = app.conversation(Some("Noor"), ConversationState::Waiting, None, "Hello?");
    let page = format!("/conversations/{id}");
    assert_eq!(app.get(&page).await.status().as_u16(), 200);
    let open = fill_the_pool(&app).await;
    assert!(open >= 2, "{open} idle connections");

    let mut admin = PgConnection::establish(&admin_url).unwrap();
    admin
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{}' AND pid <> pg_backend_pid()",
            database_name(&app)
        ))
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..open + 4 {
        let response = app.get(&page).await;
        let status = response.status().as_u16();
        if status == 503 {
            assert_the_database_unavailable_page(response).await;
        }
        statuses.push(status);
    }

    assert!(
        statuses.iter().all(|s| [200, 503].contains(s)),
        "no 500: {statuses:?}"
    );
    let failed = statuses.iter().filter(|s| **s != 200).count();
    assert!(
        failed <= 1,
        "only the request that found the first dead connection fails: {statuses:?}"
    );
    assert!(statuses[1..].iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}

/// With a 1-second timeout, PostgreSQL itself cancels a 3-second statement: the error says so
/// and the statement no longer runs. Connections opened for migrations and the command line
/// have no timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_past_the_timeout_is_cancelled_by_postgresql() {
    if crate::helpers::postgres_admin_url().is_none() {
        return;
    }
    let app = spawn_app_with(Backend::Postgres, |config| {
        config.statement_timeout_seconds = 1;
    })
    .await;
    let pool = app.pool.clone();

    let started = Instant::now();
    let (error, setting) = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("a pool connection");
        let setting = diesel::sql_query("SHOW statement_timeout")
            .get_result::<Setting>(&mut *conn)
            .unwrap()
            .statement_timeout;
        let error = diesel::sql_query("SELECT pg_sleep(3)")
            .execute(&mut *conn)
            .unwrap_err();
        (error, setting)
    })
    .await
    .unwrap();

    assert_eq!(setting, "1s");
    assert!(hearken::db::is_statement_timeout(&error), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(2500));
    let running = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM pg_stat_activity \
         WHERE datname = current_database() AND state = 'active' \
           AND query LIKE 'SELECT pg_sleep(3)%'",
    )
    .get_result::<Count>(&mut app.db())
    .unwrap()
    .n;
    assert_eq!(running, 0, "the statement no longer runs");
    // The pool's connection is fine afterwards.
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    let location = hearken::db::DatabaseLocation::parse(&app.database_url);
    let unlimited = tokio::task::spawn_blocking(move || {
        let pool = hearken::db::connect_pool(&location, 1).unwrap();
        let mut conn = pool.get().unwrap();
        diesel::sql_query("SHOW statement_timeout")
            .get_result::<Setting>(&mut *conn)
            .unwrap()
            .statement_timeout
    })
    .await
    .unwrap();
    assert_eq!(unlimited, "0", "the command line's pool has no timeout");
}
