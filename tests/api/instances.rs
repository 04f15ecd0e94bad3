//! Two Hearken instances on one database, as behind a load balancer: a session from one is valid
//! on the other, a change made on one is what the other shows, and background jobs running on
//! both at the same moment act once.

use chrono::Duration;
use diesel::prelude::*;
use hearken::db::schema::{closure_log, conversations, team_settings};
use hearken::domain::{ConversationState, Role};
use hearken::jobs::auto_close::close_inactive;

use crate::helpers::{
    location, new_client, spawn_app, start_server, test_config, Backend, Visitor, PASSWORD,
};
use crate::on_both_backends;

async fn a_session_and_a_change_made_on_one_instance_hold_on_the_other(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Priya", "priya@example.com", Role::Agent, PASSWORD);
    let id = app.conversation(Some("Noor"), ConversationState::Waiting, None, "Hello?");
    // Both instances read the session key from the database, as production instances do.
    let (first_url, first) = start_server(test_config(&app.database_url, None)).await;
    let (second_url, second) = start_server(test_config(&app.database_url, None)).await;
    let browser = new_client();
    let on_first = Visitor {
        address: first_url,
        client: browser.clone(),
    };
    let on_second = Visitor {
        address: second_url,
        client: browser,
    };

    let signed_in = on_first.sign_in("priya@example.com", PASSWORD).await;
    assert_eq!(location(&signed_in), "/");
    // The same browser, now sent to the other instance, is still signed in and can act there.
    let taken = on_second.act(id, "take-over", &[("version", "1")]).await;
    assert_eq!(location(&taken), format!("/conversations/{id}"));
    let seen_on_first = on_first.get_html(&format!("/conversations/{id}")).await;
    assert!(seen_on_first.contains("Priya joined the conversation"));
    assert!(seen_on_first.contains("Hand back conversation"));
    // Signing out on one instance ends the session on both.
    on_second.sign_out().await;
    assert_eq!(location(&on_first.get("/").await), "/sign-in");
    first.stop(true).await;
    second.stop(true).await;
}

on_both_backends!(a_session_and_a_change_made_on_one_instance_hold_on_the_other);

async fn instances_closing_inactive_conversations_together_close_each_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let ids: Vec<i64> = (0..6)
        .map(|n| {
            let state = if n % 2 == 0 {
                ConversationState::Bot
            } else {
                ConversationState::Waiting
            };
            app.conversation(None, state, None, "Anyone?")
        })
        .collect();
    diesel::update(conversations::table)
        .set(conversations::last_activity_at.eq(hearken::models::now() - Duration::hours(30)))
        .execute(&mut app.db())
        .unwrap();
    diesel::update(team_settings::table)
        .set(team_settings::auto_close_enabled.eq(true))
        .execute(&mut app.db())
        .unwrap();

    // Four "instances", each with its own connection, at the same moment.
    let now = hearken::models::now();
    let closed: usize = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..4)
            .map(|_| {
                let mut conn = app.db();
                scope.spawn(move || close_inactive(&mut conn, now).unwrap())
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).sum()
    });

    assert_eq!(
        closed,
        ids.len(),
        "each conversation closed by exactly one run"
    );
    let logged: i64 = closure_log::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(logged, ids.len() as i64, "one closure-log row each");
    for id in ids {
        assert_eq!(app.notes(id).len(), 1, "one note on #{id}");
    }
    crate::consistency::assert_every_conversation_agrees_with_its_notes(&mut app.db());
}

on_both_backends!(instances_closing_inactive_conversations_together_close_each_once);

/// The widget's greeting as an instance at `address` answers it (its copy of the settings).
async fn greeting_on(address: &str) -> String {
    let answer: serde_json::Value = new_client()
        .post(format!("{address}/widget/api/chat"))
        .form(&[("token", "")])
        .send()
        .await
        .expect("widget API call")
        .json()
        .await
        .expect("JSON");
    answer["settings"]["greeting"]
        .as_str()
        .expect("a greeting")
        .to_owned()
}

/// Each instance keeps a copy of the team's settings. Saved on one instance, they are what the
/// other shows within seconds: PostgreSQL announces the change to every instance.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_saved_on_one_instance_are_what_the_other_shows() {
    if crate::helpers::postgres_admin_url().is_none() {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    app.member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;
    let other = hearken::startup::Application::build(test_config(&app.database_url, None))
        .await
        .expect("second instance");
    let other_url = format!("http://127.0.0.1:{}", other.port());
    let (other_statements, other_handle) = (other.statements(), other.handle());
    tokio::spawn(other.run_until_stopped());
    let before = greeting_on(&other_url).await;
    // Until the other instance keeps its copy (its listener is connected): then a widget
    // request without a conversation sends no statement at all.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let sent = other_statements.sent();
        assert_eq!(greeting_on(&other_url).await, before);
        if other_statements.sent() == sent {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the copy is never kept"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let saved = app
        .submit(
            "/settings",
            "/settings",
            &[
                ("human_support", "on"),
                ("wait_time_minutes", "15"),
                ("came_back_days", "3"),
                ("auto_close_after_hours", "24"),
                ("auto_close_outcome", "resolved"),
                ("time_zone", "UTC"),
                ("widget_colour", "#2557d6"),
                ("widget_greeting", "Hello from the other instance"),
                ("widget_launcher_text", "Chat with us"),
                ("widget_origins", ""),
                ("bot_min_confidence", "0.5"),
            ],
        )
        .await;

    assert_eq!(location(&saved), "/settings");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while greeting_on(&other_url).await != "Hello from the other instance" {
        assert!(
            std::time::Instant::now() < deadline,
            "still the old greeting"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    other_handle.stop(true).await;
}

/// Each instance keeps the bot's index of the articles. Saved on one instance, an article is
/// announced to the other, which builds its index again by itself (its pool reads the articles
/// with no request made to it) and answers from the new article.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_saved_on_one_instance_is_indexed_by_the_other() {
    if crate::helpers::postgres_admin_url().is_none() {
        return;
    }
    let app = spawn_app(Backend::Postgres).await;
    app.member_signed_in(&app.visitor, "jonas", Role::Lead)
        .await;
    let other = hearken::startup::Application::build(test_config(&app.database_url, None))
        .await
        .expect("second instance");
    let other_url = format!("http://127.0.0.1:{}", other.port());
    let (other_statements, other_handle) = (other.statements(), other.handle());
    tokio::spawn(other.run_until_stopped());
    // Until the other instance's listener is connected (it then keeps the settings' copy, and a
    // widget request without a conversation sends no statement).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let sent = other_statements.sent();
        greeting_on(&other_url).await;
        if other_statements.sent() == sent {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never listening");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let before = other_statements.sent();

    let saved = app
        .submit(
            "/kb/new",
            "/kb",
            &[
                ("title", "Bike rental"),
                ("slug", "bike-rental"),
                (
                    "body",
                    "You can rent a city bike or an e-bike in our showroom for 25 euros a day.",
                ),
                ("published", "on"),
            ],
        )
        .await;

    assert_eq!(location(&saved), "/kb/bike-rental");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while other_statements.sent() == before {
        assert!(
            std::time::Instant::now() < deadline,
            "the other instance did not hear of the article"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let visitor = Visitor {
        address: other_url,
        client: new_client(),
    };
    visitor
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "can i rent a bike from you")],
        )
        .await;
    assert!(visitor
        .get_html("/chat")
        .await
        .contains("href=\"/help/bike-rental\""));
    other_handle.stop(true).await;
}
