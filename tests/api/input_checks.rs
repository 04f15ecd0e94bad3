//! Input that the database would refuse (a NUL character in a field or an address, years far
//! outside any report) is refused with a 4xx and a message, never a 500.

use hearken::domain::{ConversationState, Role};

use crate::helpers::{spawn_app, Backend, PASSWORD};
use crate::on_both_backends;
use crate::widget::SHOP;

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

/// The settings form as saved by default, with `field` set to `value`.
fn settings_with<'a>(field: &'a str, value: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("human_support", "on"),
        ("wait_time_minutes", "15"),
        ("auto_close_after_hours", "24"),
        ("auto_close_outcome", "resolved"),
        ("time_zone", "UTC"),
        ("came_back_days", "3"),
        ("bot_min_confidence", "0.5"),
        ("widget_colour", "#2557d6"),
        ("widget_greeting", "Hello"),
        ("widget_launcher_text", "Chat with us"),
        ("widget_origins", ""),
    ];
    fields.retain(|(f, _)| *f != field);
    fields.push((field, value));
    fields
}

async fn a_nul_character_is_refused_in_every_text_field(backend: Backend) {
    let app = spawn_app(backend).await;
    // The first admin's setup form: name and email (while the team is empty).
    let code = app.setup_code().expect("a setup code");
    let setup = format!("/setup?code={code}");
    for (field, value) in [("name", "Maya\0"), ("email", "maya\0@example.com")] {
        let mut fields = vec![
            ("code", code.as_str()),
            ("name", "Maya"),
            ("email", "maya@example.com"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ];
        fields.retain(|(f, _)| *f != field);
        fields.push((field, value));
        let refused = app.submit(&setup, "/setup", &fields).await;
        assert_refused(refused, &format!("setup {field}"), CONTROL_MESSAGE).await;
    }
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
    // The verdict's comment (checked before anything else is looked at).
    let comment = visitor
        .submit(
            "/chat",
            "/chat/verdict",
            &[("answer", "no"), ("comment", "c\0")],
        )
        .await;
    assert_refused(comment, "chat verdict comment", CONTROL_MESSAGE).await;
    // The widget's JSON API, from a website that may show the chat: the message, the name, the
    // email and the verdict's comment.
    let widget = |path: &'static str, fields: Vec<(&'static str, &'static str)>| {
        let app = &app;
        async move { crate::widget::call(app, Some(SHOP), path, Some(fields.as_slice())).await }
    };
    for (field, value, sentence) in [
        ("body", "a\0", CONTROL_MESSAGE),
        ("name", "N\0", CONTROL_MESSAGE),
        (
            "email",
            "n\0@example.com",
            "That email address does not look right",
        ),
    ] {
        let mut fields = vec![("body", "hi")];
        fields.retain(|(f, _)| *f != field);
        fields.push((field, value));
        let refused = widget("/widget/api/messages", fields).await;
        assert_refused(refused, &format!("widget {field}"), sentence).await;
    }
    let refused = widget(
        "/widget/api/verdict",
        vec![("token", "t"), ("answer", "no"), ("comment", "c\0")],
    )
    .await;
    assert_refused(refused, "widget verdict comment", CONTROL_MESSAGE).await;
    assert_eq!(
        hearken::models::conversation::Conversation::count(&mut app.db()).unwrap(),
        0,
        "nothing was created"
    );
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
    // Articles: title and body, new or edited.
    app.article("Refunds");
    for action in ["/kb", "/kb/refunds"] {
        for (title, body) in [("Title\0", "Text"), ("Title", "Text\0")] {
            let article = app
                .submit(
                    "/kb/new",
                    action,
                    &[("title", title), ("slug", ""), ("body", body)],
                )
                .await;
            assert_refused(article, action, CONTROL_MESSAGE).await;
        }
    }
    // Settings → Chat widget: the greeting, the launcher text and the list of websites.
    for (field, value, sentence) in [
        ("widget_greeting", "Hi\0", CONTROL_MESSAGE),
        (
            "widget_launcher_text",
            "Chat\0",
            "without control characters",
        ),
        (
            "widget_origins",
            "https://shop\0.example",
            "is not a website",
        ),
    ] {
        let saved = app
            .submit("/settings", "/settings", &settings_with(field, value))
            .await;
        assert_refused(saved, field, sentence).await;
    }
    // Your account: a NUL in the current password is a wrong password.
    let account = app
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", "wrong\0password"),
                ("new_password", "a new password 1"),
                ("new_password_again", "a new password 1"),
            ],
        )
        .await;
    assert_refused(
        account,
        "current password",
        "Your current password is not right",
    )
    .await;
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

/// A NUL in an address: every route whose path holds text answers "not found" (the text could
/// name nothing), to visitors and members alike, never a 500.
async fn a_nul_character_in_an_address_is_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let not_found = "There is nothing at this address";
    for path in [
        "/help/a%00",
        "/static/a%00",
        "/widget/app-a%00.js",
        "/kb/a%00",
    ] {
        let response = app.get(path).await;
        if path.starts_with("/kb/") {
            assert_eq!(response.status().as_u16(), 303, "{path}: sign in first");
        } else {
            assert_refused(response, path, not_found).await;
        }
    }
    app.signed_in_as(Role::Admin).await;
    for path in [
        "/help/a%00",
        "/kb/a%00",
        "/kb/a%00/edit",
        "/reports/a%00.csv",
    ] {
        assert_refused(app.get(path).await, path, not_found).await;
    }
    let edited = app
        .submit(
            "/kb/new",
            "/kb/a%00",
            &[("title", "Title"), ("slug", "title"), ("body", "Text")],
        )
        .await;
    assert_refused(edited, "POST /kb/a%00", not_found).await;
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
    a_nul_character_in_an_address_is_not_found,
    years_outside_1970_to_9999_are_refused,
);
