//! How many statements the busiest pages send to the database, counted by the server's pool
//! (diesel reports every statement its connections send, and on PostgreSQL every statement
//! they prepare). On PostgreSQL only: on SQLite the live-update hub reads through the same pool
//! twice a second, and its "round trips" are function calls anyway.

use hearken::domain::{Author, ConversationState, Role};
use hearken::models::message::{Message, NewMessage};

use crate::helpers::{spawn_app, Backend, TestApp};

/// The most statements a page may send, the session's included.
const MOST: u64 = 4;

/// The statements sent while answering `path` once the connections are warm (a statement is
/// prepared on first use on each connection, which costs a round trip once).
/// Also checks that every one of them was kept prepared: a statement diesel cannot cache is
/// parsed and planned again on every request.
async fn statements_for(app: &TestApp, path: &str) -> u64 {
    for _ in 0..2 {
        assert_eq!(app.get(path).await.status().as_u16(), 200, "{path}");
    }
    let (before, unprepared) = (app.statements.sent(), app.statements.unprepared());
    let response = app.get(path).await;
    let sent = app.statements.sent() - before;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    eprintln!("{path}: {sent} statements");
    assert_eq!(
        app.statements.unprepared() - unprepared,
        0,
        "{path}: a statement was planned again (diesel::dsl::sql in a query?)"
    );
    sent
}

/// A bot answer in conversation `id` citing `articles`, in that order.
fn bot_answer(app: &TestApp, id: i64, articles: &[i64]) {
    let mut conn = app.db();
    let answer = Message::create(
        &mut conn,
        &NewMessage {
            conversation_id: id,
            author: Author::Bot,
            author_user_id: None,
            body: "Here is what I found.",
            system_event: None,
            event_outcome: None,
            created_at: hearken::models::now(),
        },
    )
    .unwrap();
    for &article in articles {
        Message::cite(&mut conn, answer.id, article).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_conversation_view_and_live_support_take_four_statements_at_most() {
    if crate::helpers::postgres_admin_url().is_none() {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    app.statements.track_unprepared();
    app.member_signed_in(&app.visitor, "priya", Role::Lead)
        .await;
    let (returns, warranty) = (
        app.article("Returning a parcel"),
        app.article("Warranty claims"),
    );
    // Closed by Priya after a bot answer citing two articles, then closed again with the other
    // outcome: names, citations and a closure log of two rows.
    let closed = app.conversation(Some("Noor"), ConversationState::Bot, None, "Broken light");
    bot_answer(&app, closed, &[warranty, returns]);
    app.act(closed, "take-over", &[("version", "1")]).await;
    app.act(
        closed,
        "close",
        &[("version", "2"), ("outcome", "resolved")],
    )
    .await;
    app.act(
        closed,
        "close",
        &[("version", "3"), ("outcome", "unresolved")],
    )
    .await;
    let waiting = app.conversation(Some("Ana"), ConversationState::Waiting, None, "Hello?");
    let held = app.conversation(Some("Lee"), ConversationState::Waiting, None, "Anyone?");
    app.act(held, "take-over", &[("version", "1")]).await;

    let page = app.get_html(&format!("/conversations/{closed}")).await;
    let (first, second) = (
        page.find("Warranty claims").expect("first citation"),
        page.find("Returning a parcel").expect("second citation"),
    );
    assert!(first < second, "citations in the order the bot gave them");
    assert!(page.contains("Priya closed the conversation"));
    for path in [
        format!("/conversations/{closed}"),
        format!("/conversations/{waiting}"),
        format!("/conversations/{held}"),
        "/".to_owned(),
        "/live/board".to_owned(),
    ] {
        let sent = statements_for(&app, &path).await;
        assert!(sent <= MOST, "{path}: {sent} statements");
    }
    // Pages with more statements keep them prepared too.
    for path in [
        "/reports?period=90",
        "/conversations",
        "/conversations?state=closed",
    ] {
        statements_for(&app, path).await;
    }
}
