use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut hearken::db::AnyConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
}

fn migration_folders(backend: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!("migrations/{backend}"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn both_backends_have_the_same_migration_folders() {
    let postgres = migration_folders("postgres");
    assert!(!postgres.is_empty());
    assert_eq!(postgres, migration_folders("sqlite"));
}

async fn migrations_build_the_whole_schema_from_empty(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut conn = app.db();

    let applied = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM __diesel_schema_migrations",
    );
    assert_eq!(applied as usize, migration_folders("postgres").len());
    for table in [
        "users",
        "sessions",
        "sign_in_failures",
        "customers",
        "conversations",
        "messages",
        "closure_log",
        "articles",
        "citations",
    ] {
        assert_eq!(
            count(&mut conn, &format!("SELECT COUNT(*) AS n FROM {table}")),
            0,
            "{table}"
        );
    }
    // The only server secret on an empty team is its first-admin setup code.
    let secrets: Vec<String> = hearken::db::schema::server_secrets::table
        .select(hearken::db::schema::server_secrets::name)
        .load(&mut conn)
        .unwrap();
    assert_eq!(secrets, [hearken::models::server_secret::SETUP_CODE]);
    // Team settings start as one row with the documented defaults.
    let settings = hearken::models::team_settings::TeamSettings::get(&mut conn).unwrap();
    assert_eq!(settings.wait_time_minutes, 15);
    assert!(settings.human_support_enabled);
    assert_eq!(settings.time_zone.as_str(), "UTC");
}

async fn the_schema_refuses_impossible_rows(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut conn = app.db();
    diesel::sql_query(
        "INSERT INTO customers (id, notes, created_at) VALUES (1, '', '2026-01-01 00:00:00')",
    )
    .execute(&mut conn)
    .unwrap();

    let unknown_state = diesel::sql_query(
        "INSERT INTO conversations (customer_id, state, last_activity_at, created_at) \
         VALUES (1, 'archived', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    )
    .execute(&mut conn);
    let closed_without_outcome = diesel::sql_query(
        "INSERT INTO conversations (customer_id, state, closed_at, last_activity_at, created_at) \
         VALUES (1, 'closed', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    )
    .execute(&mut conn);
    let unknown_role = diesel::sql_query(
        "INSERT INTO users (name, email, password_hash, role, created_at, updated_at) \
         VALUES ('X', 'x@example.com', 'h', 'owner', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    )
    .execute(&mut conn);

    assert!(unknown_state.is_err());
    assert!(closed_without_outcome.is_err());
    assert!(unknown_role.is_err());
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS n FROM conversations"),
        0
    );
}

async fn emails_are_unique_whatever_their_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut conn = app.db();
    app.add_member(
        "Maya",
        "maya@example.com",
        hearken::domain::Role::Agent,
        crate::helpers::PASSWORD,
    );

    // Stored lower-case by the app; the index still refuses a mixed-case copy written by hand.
    let duplicate = diesel::sql_query(
        "INSERT INTO users (name, email, password_hash, role, created_at, updated_at) \
         VALUES ('Maya 2', 'maya@example.com', 'h', 'agent', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    )
    .execute(&mut conn);

    assert!(duplicate.is_err());
}

on_both_backends!(
    migrations_build_the_whole_schema_from_empty,
    the_schema_refuses_impossible_rows,
    emails_are_unique_whatever_their_case,
);

/// A connection given back in the middle of a transaction (a panic in a handler, a rollback
/// that failed because the connection died) must not be handed to the next request: its
/// writes would land in someone else's transaction and never be committed.
async fn a_connection_left_in_a_transaction_is_not_reused(backend: Backend) {
    use diesel::connection::TransactionManager;
    type Transactions = <hearken::db::AnyConnection as Connection>::TransactionManager;
    let app = spawn_app(backend).await;
    let pool =
        hearken::db::connect_pool(&hearken::db::DatabaseLocation::parse(&app.database_url), 1)
            .unwrap();
    // `Ok(None)`: outside any transaction; `Ok(Some(n))`: n levels deep; `Err`: broken.
    let depth = |conn: &mut hearken::db::AnyConnection| {
        format!(
            "{:?}",
            Transactions::transaction_manager_status_mut(conn).transaction_depth()
        )
    };

    let depth_after = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        Transactions::begin_transaction(&mut *conn).unwrap();
        drop(conn);
        let mut next = pool.get().unwrap();
        depth(&mut next)
    })
    .await
    .unwrap();

    assert_eq!(
        depth_after, "Ok(None)",
        "the next request starts outside any transaction"
    );
}

on_both_backends!(a_connection_left_in_a_transaction_is_not_reused);
