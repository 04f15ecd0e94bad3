//! The main pages as a person sees them, compared whole with insta snapshots
//! (`tests/api/snapshots/`). One known scene is arranged on each backend; what differs from run
//! to run (tokens, times, dates, the port) is replaced by a placeholder first, so SQLite and
//! PostgreSQL share each snapshot. A missing or different snapshot fails the test, in CI or not
//! (insta then writes a `.snap.new` beside it): review the change with `cargo insta review`, or
//! accept it with `INSTA_UPDATE=always`, which CI must never set.

use hearken::domain::{ConversationState, Role};
use hearken::models::article::{Article, NewArticle};

use crate::helpers::{spawn_app, Backend, TestApp, Visitor};
use crate::on_both_backends;

/// What changes from run to run, and what stands in for it in the snapshots. Applied in order.
const VARYING: &[(&str, &str)] = &[
    (
        r#"name="csrf_token" value="[^"]*""#,
        r#"name="csrf_token" value="[CSRF TOKEN]""#,
    ),
    (r"127\.0\.0\.1:\d+", "[HOST]"),
    // Exact times on hover ("2026-11-25 23:30 CET"), then dates alone.
    (
        r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} [A-Z][A-Za-z0-9+-]*",
        "[EXACT TIME]",
    ),
    (r"\d{4}-\d{2}-\d{2}", "[DATE]"),
    // Epoch milliseconds in data attributes, for the live "Waiting for" counter.
    (r"\b\d{13}\b", "[EPOCH MS]"),
    (r"just now|\b\d+ (minute|hour|day)s? ago", "[TIME AGO]"),
    (
        r"Waiting for (less than a minute|\d+ minutes?)",
        "Waiting for [MINUTES]",
    ),
    // Days in the report's table and chart ("Nov 25").
    (
        r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}\b",
        "[DAY]",
    ),
    // Response and resolution times measured as the scene is set up ("0 s", "1 min").
    (r"<td>\d+(\.\d)? (s|min|h|days)</td>", "<td>[DURATION]</td>"),
    // Not something anyone sees: the blank lines template tags leave behind.
    (r"(?m)^[ \t]*\n", ""),
];

/// Compares the page at `path`, as `visitor` sees it, with the snapshot `name`.
async fn assert_page(visitor: &Visitor, path: &str, name: &str) {
    let response = visitor.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let html = response.text().await.expect("body");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(format!("GET {path}"));
    settings.set_omit_expression(true);
    for (pattern, replacement) in VARYING {
        settings.add_filter(pattern, *replacement);
    }
    settings.bind(|| insta::assert_snapshot!(name, html));
}

/// The scene every snapshot shows.
struct Scene {
    app: TestApp,
    /// Lena's browser: she chats with the bot.
    lena: Visitor,
    /// Noor's conversation: bot answer with a citation, a person, a close and a changed outcome.
    noor: i64,
    /// The conversation Maya holds.
    ahmed: i64,
}

/// Maya (admin, this app's first browser), Jonas (lead), Priya and Tom (agents); three articles,
/// one a draft; four conversations, one in each state.
async fn arrange(backend: Backend) -> Scene {
    let app = spawn_app(backend).await;
    let maya = app
        .member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;
    let priya = app.new_visitor();
    app.member_signed_in(&priya, "priya", Role::Agent).await;
    let jonas = app.new_visitor();
    app.member_signed_in(&jonas, "jonas", Role::Lead).await;
    app.add_member(
        "Tom",
        "tom@example.com",
        Role::Agent,
        crate::helpers::PASSWORD,
    );
    let now = hearken::models::now();
    for (title, slug, body, published) in [
        (
            "Reset your password",
            "reset-password",
            "Forgot your password? Use the reset link on the sign-in page.",
            true,
        ),
        (
            "When will I get my refund?",
            "refund-timing",
            "Refunds reach your account within five working days.",
            true,
        ),
        (
            "Shipping to Norway",
            "shipping-norway",
            "We ship to Norway with customs paid.",
            false,
        ),
    ] {
        Article::create(
            &mut app.db(),
            &NewArticle {
                title,
                slug,
                body,
                also_asked: "",
                published,
                created_at: now,
                updated_at: now,
            },
        )
        .unwrap();
    }

    // Noor: the bot answers, she asks for a person, Priya helps and closes, Jonas changes the
    // outcome.
    let noor_chat = app.new_visitor();
    let said = noor_chat
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "I forgot my password"), ("name", "Noor Haddad")],
        )
        .await;
    assert_eq!(said.status().as_u16(), 303);
    noor_chat.submit("/chat", "/chat/person", &[]).await;
    let noor = latest_conversation(&app);
    act(&priya, &app, noor, "take-over", &[]).await;
    let replied = priya
        .act(
            noor,
            "messages",
            &[("body", "I have sent you a new reset link.")],
        )
        .await;
    assert_eq!(replied.status().as_u16(), 303);
    act(
        &priya,
        &app,
        noor,
        "close",
        &[("outcome", "resolved"), ("reason", "Sent a new reset link")],
    )
    .await;
    act(
        &jonas,
        &app,
        noor,
        "close",
        &[
            ("outcome", "unresolved"),
            ("reason", "She wrote back: the link had expired"),
        ],
    )
    .await;

    // Someone the bot cannot help: waiting for the team.
    app.new_visitor()
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "My bike light is broken after two months")],
        )
        .await;
    assert_eq!(
        app.stored(latest_conversation(&app)).state,
        ConversationState::Waiting
    );

    // Lena: the bot answers her, and she has not asked for more.
    let lena = app.new_visitor();
    lena.submit(
        "/chat",
        "/chat/messages",
        &[
            ("body", "When will I get my refund?"),
            ("name", "Lena Fischer"),
        ],
    )
    .await;
    assert_eq!(
        app.stored(latest_conversation(&app)).state,
        ConversationState::Bot
    );

    // Ahmed: Maya is helping him.
    let ahmed = app.conversation(
        Some("Ahmed Karimi"),
        ConversationState::Agent,
        Some(maya.id),
        "Can I change my delivery address?",
    );

    Scene {
        app,
        lena,
        noor,
        ahmed,
    }
}

/// The newest conversation.
fn latest_conversation(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use hearken::db::schema::conversations;
    conversations::table
        .select(conversations::id)
        .order(conversations::id.desc())
        .first(&mut app.db())
        .unwrap()
}

/// A conversation action at the conversation's current version, which must succeed; the page
/// after the redirect is read, so its confirmation does not show on a later page.
async fn act(visitor: &Visitor, app: &TestApp, id: i64, action: &str, fields: &[(&str, &str)]) {
    let version = app.stored(id).version.to_string();
    let mut form = vec![("version", version.as_str())];
    form.extend_from_slice(fields);
    let response = visitor.act(id, action, &form).await;
    assert_eq!(response.status().as_u16(), 303, "{action} {id}");
    visitor.get_html(&format!("/conversations/{id}")).await;
}

async fn the_main_pages_look_as_they_did(backend: Backend) {
    let scene = arrange(backend).await;
    let maya = &scene.app.visitor;

    assert_page(maya, "/", "live_support").await;
    assert_page(maya, "/conversations", "conversations_list").await;
    assert_page(
        maya,
        &format!("/conversations/{}", scene.noor),
        "conversation_closed_with_history",
    )
    .await;
    assert_page(
        maya,
        &format!("/conversations/{}/close", scene.ahmed),
        "close_conversation",
    )
    .await;
    assert_page(maya, "/reports", "reports").await;
    assert_page(maya, "/team", "team").await;
    assert_page(maya, "/settings", "settings").await;
    assert_page(maya, "/kb", "knowledge_base_list").await;
    assert_page(&scene.lena, "/chat", "visitor_chat").await;
}

on_both_backends!(the_main_pages_look_as_they_did);
