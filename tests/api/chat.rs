//! The visitor's chat: the bot answers from the knowledge base, escalates, and stays quiet while
//! the team holds the conversation.

use diesel::prelude::*;
use hearken::db::schema::{conversations, messages};
use hearken::domain::{ConversationState, Outcome, Role};
use hearken::models::article::{Article, NewArticle};

use crate::helpers::{location, spawn_app, Backend, TestApp, Visitor};
use crate::on_both_backends;

fn knowledge_base(app: &TestApp) {
    let now = hearken::models::now();
    for (title, slug, body) in [
        (
            "Reset your password",
            "reset-password",
            "Forgot your password? Use the reset link on the sign-in page.",
        ),
        (
            "When will I get my refund?",
            "refund-timing",
            "Refunds reach your account within five working days.",
        ),
    ] {
        Article::create(
            &mut app.db(),
            &NewArticle {
                title,
                slug,
                body,
                also_asked: "",
                published: true,
                created_at: now,
                updated_at: now,
            },
        )
        .unwrap();
    }
}

async fn say(visitor: &Visitor, text: &str) -> reqwest::Response {
    visitor
        .submit("/chat", "/chat/messages", &[("body", text)])
        .await
}

/// The visitor's conversation (the latest one).
fn latest(app: &TestApp) -> hearken::models::conversation::Conversation {
    let id: i64 = conversations::table
        .select(conversations::id)
        .order(conversations::id.desc())
        .first(&mut app.db())
        .unwrap();
    app.stored(id)
}

fn bodies(app: &TestApp, id: i64, author: &str) -> Vec<String> {
    messages::table
        .filter(messages::conversation_id.eq(id))
        .filter(messages::author.eq(author))
        .order(messages::id.asc())
        .select(messages::body)
        .load(&mut app.db())
        .unwrap()
}

async fn the_bot_answers_with_a_link_to_the_article(backend: Backend) {
    let app = spawn_app(backend).await;
    knowledge_base(&app);
    let visitor = app.new_visitor();

    let response = visitor
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "I forgot my password"), ("name", "Noor")],
        )
        .await;

    assert_eq!(location(&response), "/chat#latest");
    let page = visitor.get_html("/chat").await;
    assert!(page.contains("I forgot my password"));
    assert!(page.contains("href=\"/help/reset-password\""));
    let conversation = latest(&app);
    assert_eq!(conversation.state, ConversationState::Bot);
    assert_eq!(bodies(&app, conversation.id, "bot").len(), 1);
    let article = visitor.get_html("/help/reset-password").await;
    assert!(article.contains("Use the reset link"));
}

async fn the_bot_escalates_what_it_cannot_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    knowledge_base(&app);
    let visitor = app.new_visitor();

    say(&visitor, "My bike light is broken after two months").await;

    let conversation = latest(&app);
    assert_eq!(conversation.state, ConversationState::Waiting);
    assert!(conversation.waiting_since.is_some());
    assert_eq!(
        app.notes(conversation.id)[0].0,
        "The bot couldn't answer and escalated to a human"
    );
    assert!(visitor
        .get_html("/chat")
        .await
        .contains("A person from the team will join shortly."));
    // It is now a card on Live support.
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    assert!(app
        .get_html("/live/board")
        .await
        .contains("My bike light is broken"));
}

async fn asking_for_a_person_puts_the_conversation_in_the_queue(backend: Backend) {
    let app = spawn_app(backend).await;
    knowledge_base(&app);
    let visitor = app.new_visitor();
    say(&visitor, "When will I get my refund?").await;
    assert!(visitor.get_html("/chat").await.contains("Talk to a person"));

    let response = visitor.submit("/chat", "/chat/person", &[]).await;

    assert_eq!(response.status().as_u16(), 303);
    let conversation = latest(&app);
    assert_eq!(conversation.state, ConversationState::Waiting);
    assert_eq!(
        app.notes(conversation.id)[0].0,
        "Customer requested to speak to a human"
    );
    // Typing it works too, in a new conversation's words.
    let other = app.new_visitor();
    say(&other, "Can I speak to someone please").await;
    assert_eq!(latest(&app).state, ConversationState::Waiting);
}

async fn the_bot_is_quiet_while_an_agent_holds_the_conversation(backend: Backend) {
    let app = spawn_app(backend).await;
    knowledge_base(&app);
    let visitor = app.new_visitor();
    say(&visitor, "I want to talk to a human").await;
    let id = latest(&app).id;
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    app.act(id, "take-over", &[("version", "2")]).await;
    app.act(
        id,
        "messages",
        &[("body", "Hi, Priya here. How can I help?")],
    )
    .await;

    say(&visitor, "I forgot my password").await;

    assert_eq!(bodies(&app, id, "bot").len(), 0, "the bot stayed quiet");
    let chat = visitor.get_html("/chat").await;
    assert!(chat.contains("Hi, Priya here. How can I help?"));
    assert!(chat.contains("Priya joined the conversation"));
    // Handed back, the bot answers again.
    app.act(id, "hand-back", &[("version", "3")]).await;
    say(&visitor, "I forgot my password").await;
    assert_eq!(bodies(&app, id, "bot").len(), 1);
}

async fn after_closing_the_customer_starts_a_new_conversation(backend: Backend) {
    let app = spawn_app(backend).await;
    knowledge_base(&app);
    let visitor = app.new_visitor();
    say(&visitor, "I forgot my password").await;
    let first = latest(&app).id;
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    app.act(first, "close", &[("version", "1"), ("outcome", "resolved")])
        .await;

    let page = visitor.get_html("/chat").await;
    assert!(
        !page.contains("closed the conversation"),
        "closing shows nothing to the customer"
    );
    say(&visitor, "When will I get my refund?").await;

    let second = latest(&app);
    assert_ne!(second.id, first);
    assert_eq!(
        app.stored(first).outcome,
        Some(Outcome::Resolved),
        "the closed outcome stays"
    );
    assert_eq!(bodies(&app, first, "customer").len(), 1);
}

async fn without_human_support_there_is_no_queue(backend: Backend) {
    let app = spawn_app(backend).await;
    knowledge_base(&app);
    diesel::update(hearken::db::schema::team_settings::table)
        .set(hearken::db::schema::team_settings::human_support_enabled.eq(false))
        .execute(&mut app.db())
        .unwrap();
    let visitor = app.new_visitor();

    say(&visitor, "Can I talk to a person about my bike light").await;

    let conversation = latest(&app);
    assert_eq!(conversation.state, ConversationState::Bot);
    assert!(!visitor.get_html("/chat").await.contains("Talk to a person"));
}

async fn empty_visitor_messages_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let visitor = app.new_visitor();

    let response = say(&visitor, "   ").await;

    assert_eq!(response.status().as_u16(), 422);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Write a message before sending."));
    let count: i64 = conversations::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(count, 0);
}

on_both_backends!(
    the_bot_answers_with_a_link_to_the_article,
    the_bot_escalates_what_it_cannot_answer,
    asking_for_a_person_puts_the_conversation_in_the_queue,
    the_bot_is_quiet_while_an_agent_holds_the_conversation,
    after_closing_the_customer_starts_a_new_conversation,
    without_human_support_there_is_no_queue,
    empty_visitor_messages_are_refused,
);
