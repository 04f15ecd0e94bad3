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
