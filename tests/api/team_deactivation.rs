//! Deactivating a member who holds conversations hands them back to the team's queue, and two
//! admins demoting each other at once still leave the team an admin.

use diesel::prelude::*;
use hearken::db::schema::users;
use hearken::domain::{ConversationState, Role};

use crate::helpers::{location, spawn_app, Backend};
use crate::on_both_backends;

async fn deactivating_an_agent_hands_their_conversations_back_to_waiting(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;
    let tom_browser = app.new_visitor();
    let tom = app.member_signed_in(&tom_browser, "tom", Role::Agent).await;
    let first = app.conversation(Some("Noor Haddad"), ConversationState::Waiting, None, "Hi");
    let second = app.conversation(Some("Ana Lima"), ConversationState::Waiting, None, "Hello");
    for id in [first, second] {
        let taken = tom_browser.act(id, "take-over", &[("version", "1")]).await;
        assert_eq!(location(&taken), format!("/conversations/{id}"));
    }

    let response = app
        .submit("/team", &format!("/team/{}/deactivate", tom.id), &[])
        .await;

    assert_eq!(location(&response), "/team");
    for id in [first, second] {
        let stored = app.stored(id);
        assert_eq!(stored.state, ConversationState::Waiting, "#{id}");
        assert_eq!(stored.assignee_id, None);
        assert!(stored.waiting_since.is_some());
        let notes = app.notes(id);
        assert_eq!(
            notes.last().map(|(text, _)| text.as_str()),
            Some("Tom was deactivated; the conversation is waiting for the team again")
        );
    }
    let board = app.get_html("/live/board").await;
    let waiting = board.split("My conversations").next().unwrap();
    assert!(waiting.contains("Noor Haddad") && waiting.contains("Ana Lima"));
    crate::consistency::assert_every_conversation_agrees_with_its_notes(&mut app.db());
    crate::consistency::assert_counters_equal_a_recount(&mut app.db());
    let active: bool = users::table
        .find(tom.id)
        .select(users::active)
        .first(&mut app.db())
        .unwrap();
    assert!(!active);
}

on_both_backends!(deactivating_an_agent_hands_their_conversations_back_to_waiting);
