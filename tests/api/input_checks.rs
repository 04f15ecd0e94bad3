//! Input that the database would refuse (a NUL character, years far outside any report) is
//! refused with a 4xx and a message, never a 500.

use hearken::domain::{ConversationState, Role};

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;

const CONTROL_MESSAGE: &str = "cannot contain control characters";

async fn assert_refused(response: reqwest::Response, what: &str, message: &str) {
    let status = response.status().as_u16();
    let page = response.text().await.unwrap();
    assert!((400..500).contains(&status), "{what}: status {status}");
    assert!(
        page.contains(message),
        "{what}: no \"{message}\" in the page"
    );
}

async fn a_nul_character_is_refused_in_every_text_field(backend: Backend) {
    let app = spawn_app(backend).await;
    // Customers: the chat message and the name.
    let visitor = app.new_visitor();
    let body = visitor
        .submit("/chat", "/chat/messages", &[("body", "a\0")])
        .await;
    assert_refused(body, "chat message", CONTROL_MESSAGE).await;
    let name = visitor
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "hi"), ("name", "N\0")],
        )
        .await;
    assert_refused(name, "chat name", CONTROL_MESSAGE).await;
    // Signing in (once there is a team, so the page is not the first-run setup).
    app.signed_in_as(Role::Admin).await;
    let stranger = app.new_visitor();
    let sign_in = stranger
        .sign_in("a\0@example.com", "whatever password")
        .await;
    assert_refused(sign_in, "sign-in email", CONTROL_MESSAGE).await;
    // Team members: names and emails.
    for (field, value) in [("name", "Tom\0"), ("email", "tom\0@example.com")] {
        let mut fields = vec![
            ("name", "Tom"),
            ("email", "tom@example.com"),
            ("role", "agent"),
            ("password", "first password 1"),
        ];
        fields.retain(|(f, _)| *f != field);
        fields.push((field, value));
        let added = app.submit("/team", "/team", &fields).await;
        assert_refused(added, field, CONTROL_MESSAGE).await;
    }
    // Articles: title and body.
    for (title, body) in [("Title\0", "Text"), ("Title", "Text\0")] {
        let article = app
            .submit(
                "/kb/new",
                "/kb",
                &[("title", title), ("slug", ""), ("body", body)],
            )
            .await;
        assert_refused(article, "article", CONTROL_MESSAGE).await;
    }
    // Conversations: replies and closing reasons.
    let id = app.conversation(None, ConversationState::Waiting, None, "Hello");
    app.act(id, "take-over", &[("version", "1")]).await;
    let reply = app
        .act(id, "messages", &[("version", "2"), ("body", "ok\0")])
        .await;
    assert_refused(reply, "reply", CONTROL_MESSAGE).await;
    let close = app
        .act(
            id,
            "close",
            &[("version", "2"), ("outcome", "resolved"), ("reason", "r\0")],
        )
        .await;
    assert_refused(close, "reason", CONTROL_MESSAGE).await;
    // Search text.
    let search = app.get("/conversations?q=a%00").await;
    assert_refused(search, "search", CONTROL_MESSAGE).await;
}

async fn years_outside_1970_to_9999_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signed_in_as(Role::Admin).await;
    for path in [
        "/reports?period=custom&from=2026-01-01&to=%2B262142-12-31",
        "/reports?period=custom&from=-200000-01-01&to=2026-01-01",
        "/reports/outcomes.csv?period=custom&from=2026-01-01&to=%2B262142-12-31",
        "/conversations?from=-200000-01-01",
        "/conversations?to=%2B262142-12-31",
        "/conversations?closed_from=1969-12-31",
        "/conversations?escalated_from=2026-01-01&escalated_to=10000-01-01",
    ] {
        let response = app.get(path).await;
        assert_refused(response, path, "between 1970 and 9999").await;
    }
}

on_both_backends!(
    a_nul_character_is_refused_in_every_text_field,
    years_outside_1970_to_9999_are_refused,
);
