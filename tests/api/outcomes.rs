//! Outcomes you can trust: a customer who comes back within the team's window, and the
//! customer's own verdict, asked once after a close on `/chat` and in the widget.

use diesel::prelude::*;
use hearken::db::schema::{conversations, verdicts};
use hearken::domain::outcomes::{Closer, Verdict};
use hearken::domain::Role;
use hearken::models::report_count::ReportCount;
use serde_json::Value;

use crate::helpers::{bare_client, location, spawn_app, Backend, TestApp, Visitor};
use crate::live_updates::EventStream;
use crate::on_both_backends;

/// The newest conversation's id.
fn newest(app: &TestApp) -> i64 {
    conversations::table
        .select(conversations::id)
        .order(conversations::id.desc())
        .first(&mut app.db())
        .unwrap()
}

/// The signed-in member on `app.visitor` takes conversation `id` over and closes it.
async fn take_over_and_close(app: &TestApp, id: i64, outcome: &str) {
    let version = app.stored(id).version.to_string();
    let taken = app.act(id, "take-over", &[("version", &version)]).await;
    assert_eq!(taken.status().as_u16(), 303);
    let version = app.stored(id).version.to_string();
    let closed = app
        .act(id, "close", &[("outcome", outcome), ("version", &version)])
        .await;
    assert_eq!(closed.status().as_u16(), 303);
}

async fn chat_says(visitor: &Visitor, text: &str) {
    let sent = visitor
        .submit("/chat", "/chat/messages", &[("body", text)])
        .await;
    assert_eq!(location(&sent), "/chat#latest");
}

fn counters_match_a_rebuild(app: &TestApp) {
    let differences = ReportCount::differences_from_rebuild(&mut app.db()).unwrap();
    assert!(differences.is_empty(), "{differences:?}");
}

async fn the_customer_answers_once_and_comes_back_on_chat(backend: Backend) {
    let app = spawn_app(backend).await;
    let maya = app.member_signed_in(&app.visitor, "maya", Role::Lead).await;
    let customer = app.new_visitor();
    chat_says(&customer, "My parcel never arrived").await;
    let first = newest(&app);
    assert!(!customer
        .get_html("/chat")
        .await
        .contains("Did we solve your problem?"));

    take_over_and_close(&app, first, "resolved").await;

    // The question, once; never the outcome.
    let page = customer.get_html("/chat").await;
    assert!(page.contains("Did we solve your problem?"));
    assert!(!page.to_lowercase().contains("resolved"));
    // The history the page refreshes when its stream hears of the close asks it too.
    let history = customer.get_html("/chat/history").await;
    assert!(history.contains("Did we solve your problem?"));
    // The team's open view of the conversation hears of the answer (and refreshes).
    let mut members_stream = EventStream::open(&app.visitor, "/events", None).await;
    let answered = customer
        .submit(
            "/chat",
            "/chat/verdict",
            &[("answer", "no"), ("comment", "  It is still <lost>  ")],
        )
        .await;
    assert_eq!(location(&answered), "/chat#verdict");
    members_stream.until_conversation(first).await;
    let page = customer.get_html("/chat").await;
    assert!(page.contains("Thank you for your answer."));
    assert!(!page.contains("Did we solve your problem?"));
    // A second answer is refused politely and changes nothing.
    let again = customer
        .submit("/chat", "/chat/verdict", &[("answer", "yes")])
        .await;
    assert_eq!(again.status().as_u16(), 409);
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("You have already answered."));
    let stored: Vec<(Verdict, Option<String>, Closer, Option<i64>)> = verdicts::table
        .filter(verdicts::conversation_id.eq(first))
        .select((
            verdicts::answer,
            verdicts::comment,
            verdicts::closer,
            verdicts::closed_by_id,
        ))
        .load(&mut app.db())
        .unwrap();
    assert_eq!(
        stored,
        vec![(
            Verdict::No,
            Some("It is still <lost>".to_owned()),
            Closer::Member,
            Some(maya.id)
        )]
    );
    assert_eq!(
        app.stored(first).outcome,
        Some(hearken::domain::Outcome::Resolved),
        "the verdict never changes the outcome"
    );

    // The team sees it, escaped, credited to who closed, flagged as a disagreement.
    let view = app.get_html(&format!("/conversations/{first}")).await;
    assert!(view.contains("verdict</dt>"));
    assert!(view.contains("✗ No"));
    assert!(view.contains("Disagrees with the outcome"));
    assert!(view.contains("It is still &#60;lost&#62;"));
    assert!(view.contains("Credited to Maya"));

    // The customer writes again from the same browser: a new conversation that follows.
    chat_says(&customer, "Still nothing, sorry").await;
    let second = newest(&app);
    assert_ne!(second, first);
    assert_eq!(app.stored(second).follows_id, Some(first));
    assert!(app.stored(first).came_back_at.is_some());
    let view = app.get_html(&format!("/conversations/{second}")).await;
    assert!(view.contains(&format!(
        "<a href=\"/conversations/{first}\">Follows conversation #{first}</a>"
    )));
    let view = app.get_html(&format!("/conversations/{first}")).await;
    assert!(view.contains("The customer came back 0 minutes later"));
    assert!(view.contains(&format!(
        "<a href=\"/conversations/{second}\">#{second}</a>"
    )));
    counters_match_a_rebuild(&app);
}

async fn widget(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    bare_client()
        .post(app.url(path))
        .header("Origin", "https://shop.example")
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn the_widget_asks_and_the_same_email_counts_as_came_back(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "omar", Role::Agent)
        .await;
    let started = widget(
        &app,
        "/widget/api/messages",
        &[
            ("body", "Where is my refund?"),
            ("email", "Ana@Example.com"),
        ],
    )
    .await;
    let json: Value = started.json().await.unwrap();
    let token = json["token"].as_str().unwrap().to_owned();
    assert_eq!(json["verdict"], Value::Null);
    let first = newest(&app);
    take_over_and_close(&app, first, "unresolved").await;

    let chat: Value = widget(&app, "/widget/api/chat", &[("token", &token)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(chat["verdict"], "ask");
    assert_eq!(chat["conversation"], Value::Null);
    assert!(
        !chat.to_string().contains("unresolved"),
        "never the outcome"
    );
    // Bad input is refused with a reason; nothing stored.
    let bad = widget(
        &app,
        "/widget/api/verdict",
        &[("token", &token), ("answer", "maybe")],
    )
    .await;
    assert_eq!(bad.status().as_u16(), 422);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["error"], "Choose Yes or No.");
    let answered = widget(
        &app,
        "/widget/api/verdict",
        &[("token", &token), ("answer", "yes")],
    )
    .await;
    assert_eq!(answered.status().as_u16(), 200);
    let answered: Value = answered.json().await.unwrap();
    assert_eq!(answered["verdict"], "answered");
    let again = widget(
        &app,
        "/widget/api/verdict",
        &[("token", &token), ("answer", "no")],
    )
    .await;
    assert_eq!(again.status().as_u16(), 409);
    // Without a token there is nothing to judge.
    let none = widget(&app, "/widget/api/verdict", &[("answer", "no")]).await;
    assert_eq!(none.status().as_u16(), 409);

    // Another browser, the same email: it came back.
    widget(
        &app,
        "/widget/api/messages",
        &[("body", "Me again"), ("email", "ana@example.com")],
    )
    .await;
    let second = newest(&app);
    assert_eq!(app.stored(second).follows_id, Some(first));

    // Outside the window (3 days by default) a new conversation follows nothing.
    widget(
        &app,
        "/widget/api/messages",
        &[("body", "Hello"), ("email", "ben@example.com")],
    )
    .await;
    let bens = newest(&app);
    take_over_and_close(&app, bens, "resolved").await;
    let long_ago = hearken::models::now() - chrono::Duration::days(3) - chrono::Duration::hours(1);
    diesel::update(conversations::table.find(bens))
        .set(conversations::closed_at.eq(long_ago))
        .execute(&mut app.db())
        .unwrap();
    widget(
        &app,
        "/widget/api/messages",
        &[("body", "Hello again"), ("email", "ben@example.com")],
    )
    .await;
    let later = newest(&app);
    assert_eq!(app.stored(later).follows_id, None);
    assert_eq!(app.stored(bens).came_back_at, None);
    counters_match_a_rebuild(&app);
}

on_both_backends!(
    the_customer_answers_once_and_comes_back_on_chat,
    the_widget_asks_and_the_same_email_counts_as_came_back,
);
