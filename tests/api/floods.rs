//! The public chat cannot be flooded: one visitor token gets one open conversation and a limited
//! pace, one address a limited number of new conversations, and a flooding tab does not lock
//! out the other people behind the same address. Over a limit: 429, a sentence, nothing created.

use diesel::prelude::*;
use hearken::db::schema::{conversations, customers};

use crate::helpers::{csrf_token_in, spawn_app, Backend, TestApp};
use crate::on_both_backends;

fn count_conversations(app: &TestApp) -> i64 {
    conversations::table
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

async fn one_flooding_visitor_gets_one_conversation_and_429s(backend: Backend) {
    let app = spawn_app(backend).await;
    let flooder = app.new_visitor();
    let token = csrf_token_in(&flooder.get_html("/chat").await);
    let mut statuses = Vec::new();
    for n in 0..200 {
        let body = format!("Message number {n}");
        let response = flooder
            .post_raw(
                "/chat/messages",
                &[("csrf_token", token.as_str()), ("body", body.as_str())],
            )
            .await;
        let status = response.status().as_u16();
        if status == 429 {
            let page = response.text().await.unwrap();
            assert!(page.contains("faster than we can read them"), "{page}");
            assert!(page.contains(&body), "what was typed is kept");
        }
        statuses.push(status);
    }
    let accepted = statuses.iter().filter(|&&s| s == 303).count();
    let limited = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!(accepted + limited, 200, "{statuses:?}");
    assert!((1..=20).contains(&accepted), "{accepted} accepted");
    assert_eq!(count_conversations(&app), 1, "one token, one conversation");

    // Someone else in the same office (same address) is served right away.
    let colleague = app.new_visitor();
    let answered = colleague
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "Hello, I have a question")],
        )
        .await;
    assert_eq!(answered.status(), 303);
    assert_eq!(count_conversations(&app), 2);
}

async fn many_new_visitors_from_one_address_are_capped(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut limited = 0;
    for n in 0..150 {
        let visitor = app.new_visitor();
        let response = visitor
            .submit("/chat", "/chat/messages", &[("body", &format!("Hi {n}"))])
            .await;
        match response.status().as_u16() {
            303 => {}
            429 => {
                limited += 1;
                assert!(response
                    .text()
                    .await
                    .unwrap()
                    .contains("Too many new chats have started from your network"));
            }
            other => panic!("visitor {n}: {other}"),
        }
    }
    let created = count_conversations(&app);
    assert!(created <= 30, "{created} conversations from one address");
    assert_eq!(created + limited, 150);
    let people: i64 = customers::table.count().get_result(&mut app.db()).unwrap();
    assert_eq!(
        people, created,
        "a refused visitor leaves no customer behind"
    );
}

on_both_backends!(
    one_flooding_visitor_gets_one_conversation_and_429s,
    many_new_visitors_from_one_address_are_capped,
);
