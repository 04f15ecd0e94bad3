//! On PostgreSQL a new message is announced to every instance after its transaction commits
//! (not from inside it, where NOTIFY would make concurrent commits queue), exactly once, and not
//! at all when the transaction rolls back. A message written outside Hearken's write
//! transactions is still announced, by the trigger.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use hearken::db::{write_transaction, AnyConnection};
use hearken::domain::{Author, ConversationState, SystemEvent};
use hearken::models::message::{Message, NewMessage};

use crate::helpers::{postgres_admin_url, spawn_app, Backend};

fn note(conn: &mut AnyConnection, conversation_id: i64, body: &str) -> Message {
    Message::create(
        conn,
        &NewMessage {
            conversation_id,
            author: Author::System,
            author_user_id: None,
            body,
            system_event: Some(SystemEvent::Joined),
            event_outcome: None,
            created_at: hearken::models::now(),
        },
    )
    .expect("write a message")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_are_announced_once_after_commit_and_never_after_a_rollback() {
    if postgres_admin_url().is_none() {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    let id = app.conversation(Some("Noor"), ConversationState::Waiting, None, "Hello?");
    let mut listener = PgConnection::establish(&app.database_url).expect("listener");
    listener
        .batch_execute("LISTEN hearken_messages")
        .expect("LISTEN");
    let mut conn = app.db();

    let committed = write_transaction::<_, diesel::result::Error, _>(&mut conn, |conn| {
        Ok(note(conn, id, "committed"))
    })
    .expect("commit");
    let rolled_back = write_transaction::<(), diesel::result::Error, _>(&mut conn, |conn| {
        note(conn, id, "rolled back");
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(rolled_back.is_err());
    let by_hand = note(&mut conn, id, "outside a write transaction");

    std::thread::sleep(Duration::from_millis(300));
    let heard: Vec<String> = listener
        .notifications_iter()
        .map(|notification| notification.expect("notification").payload)
        .collect();
    assert_eq!(
        heard,
        vec![
            format!("{},{id},joined", committed.id),
            format!("{},{id},joined", by_hand.id),
        ]
    );
}
