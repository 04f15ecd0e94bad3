//! Every transition with its note and closure-log row, bad close input, and the server enforcing
//! the role table.

use hearken::domain::{ConversationState, Outcome, Role};

use crate::helpers::{location, spawn_app, Backend};
use crate::on_both_backends;

async fn an_agent_takes_over_a_waiting_conversation(backend: Backend) {
    let app = spawn_app(backend).await;
    let priya = app
        .member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let id = app.conversation(
        Some("Noor Haddad"),
        ConversationState::Waiting,
        None,
        "Where is my parcel?",
    );

    let response = app.act(id, "take-over", &[("version", "1")]).await;

    assert_eq!(location(&response), format!("/conversations/{id}"));
    let stored = app.stored(id);
    assert_eq!(stored.state, ConversationState::Agent);
    assert_eq!(stored.assignee_id, Some(priya.id));
    assert_eq!(stored.waiting_since, None);
    assert!(stored.agent_involved);
    assert_eq!(stored.version, 2);
    assert_eq!(
        app.notes(id),
        vec![("Priya joined the conversation".to_owned(), None)]
    );
    let page = app.get_html(&format!("/conversations/{id}")).await;
    assert!(page.contains("You took over this conversation."));
    assert!(page.contains("Priya joined the conversation"));
    assert!(page.contains("Hand back conversation"));
    assert!(page.contains("name=\"body\""), "the reply box is there");
}

async fn handing_back_returns_the_conversation_to_the_bot(backend: Backend) {
    let app = spawn_app(backend).await;
    let priya = app
        .member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let id = app.conversation(None, ConversationState::Agent, Some(priya.id), "Hello?");

    let response = app.act(id, "hand-back", &[("version", "1")]).await;

    assert_eq!(response.status().as_u16(), 303);
    let stored = app.stored(id);
    assert_eq!(stored.state, ConversationState::Bot);
    assert_eq!(stored.assignee_id, None);
    assert!(stored.agent_involved, "the agent's part is remembered");
    assert_eq!(
        app.notes(id),
        vec![("Priya left the conversation".to_owned(), None)]
    );
}

async fn closing_writes_outcome_note_and_closure_log_together(backend: Backend) {
    let app = spawn_app(backend).await;
    let priya = app
        .member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let id = app.conversation(
        Some("Noor"),
        ConversationState::Agent,
        Some(priya.id),
        "Hello?",
    );

    let response = app
        .act(
            id,
            "close",
            &[
                ("version", "1"),
                ("outcome", "resolved"),
                ("reason", "Sent the tracking link"),
            ],
        )
        .await;

    assert_eq!(location(&response), format!("/conversations/{id}"));
    let stored = app.stored(id);
    assert_eq!(stored.state, ConversationState::Closed);
    assert_eq!(stored.outcome, Some(Outcome::Resolved));
    assert_eq!(stored.closed_by_id, Some(priya.id));
    assert!(stored.closed_at.is_some());
    assert_eq!(stored.assignee_id, None);
    assert_eq!(
        app.notes(id),
        vec![(
            "Priya closed the conversation".to_owned(),
            Some("resolved".to_owned())
        )]
    );
    assert_eq!(
        app.closures(id),
        vec![(
            "resolved".to_owned(),
            None,
            Some(priya.id),
            Some("Sent the tracking link".to_owned())
        )]
    );
    let page = app.get_html(&format!("/conversations/{id}")).await;
    assert!(page.contains("Conversation closed as Resolved."));
    // It leaves Live support and the active list.
    let board = app.get_html("/live/board").await;
    assert!(!board.contains(&format!("/conversations/{id}\"")));
    let active = app.get_html("/conversations?state=active").await;
    assert!(!active.contains(&format!("/conversations/{id}\"")));
}

async fn the_closer_changes_the_outcome_and_the_log_keeps_both(backend: Backend) {
    let app = spawn_app(backend).await;
    let priya = app
        .member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let id = app.conversation(None, ConversationState::Waiting, None, "Hi");
    app.act(id, "close", &[("version", "1"), ("outcome", "resolved")])
        .await;

    let form = app.get_html(&format!("/conversations/{id}/close")).await;
    assert!(form.contains("It is closed as <strong>Resolved</strong> now."));
    let response = app
        .act(id, "close", &[("version", "2"), ("outcome", "unresolved")])
        .await;

    assert_eq!(response.status().as_u16(), 303);
    let stored = app.stored(id);
    assert_eq!(stored.outcome, Some(Outcome::Unresolved));
    assert_eq!(stored.version, 3);
    assert_eq!(
        app.notes(id),
        vec![
            (
                "Priya closed the conversation".to_owned(),
                Some("resolved".to_owned())
            ),
            (
                "Priya closed the conversation".to_owned(),
                Some("unresolved".to_owned())
            ),
        ]
    );
    assert_eq!(
        app.closures(id),
        vec![
            ("resolved".to_owned(), None, Some(priya.id), None),
            (
                "unresolved".to_owned(),
                Some("resolved".to_owned()),
                Some(priya.id),
                None
            ),
        ]
    );
    assert!(app
        .get_html(&format!("/conversations/{id}"))
        .await
        .contains("Outcome changed from Resolved to Unresolved."));
}

async fn another_agent_cannot_change_an_outcome_but_a_lead_can(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let id = app.conversation(None, ConversationState::Waiting, None, "Hi");
    app.act(id, "close", &[("version", "1"), ("outcome", "resolved")])
        .await;
    let tom = app.new_visitor();
    app.member_signed_in(&tom, "tom", Role::Agent).await;
    let jonas = app.new_visitor();
    let lead = app.member_signed_in(&jonas, "jonas", Role::Lead).await;

    let refused = tom
        .act(id, "close", &[("version", "2"), ("outcome", "unresolved")])
        .await;
    assert_eq!(refused.status().as_u16(), 403);
    assert!(refused.text().await.unwrap().contains("Only the person who closed this conversation, a team lead or an admin can change its outcome."));
    assert_eq!(app.closures(id).len(), 1);
    let changed = jonas
        .act(
            id,
            "close",
            &[
                ("version", "2"),
                ("outcome", "unresolved"),
                ("reason", "Customer wrote back: still broken"),
            ],
        )
        .await;

    assert_eq!(changed.status().as_u16(), 303);
    assert_eq!(app.stored(id).closed_by_id, Some(lead.id));
    assert_eq!(app.closures(id).len(), 2);
    assert_eq!(
        app.notes(id).last().unwrap().0,
        "Jonas closed the conversation"
    );
}

async fn an_admin_reopens_and_the_conversation_goes_back_to_the_bot(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;
    let id = app.conversation(None, ConversationState::Waiting, None, "Hi");
    app.act(id, "close", &[("version", "1"), ("outcome", "unresolved")])
        .await;

    let response = app.act(id, "reopen", &[("version", "2")]).await;

    assert_eq!(response.status().as_u16(), 303);
    let stored = app.stored(id);
    assert_eq!(stored.state, ConversationState::Bot);
    assert_eq!(
        (stored.outcome, stored.closed_by_id, stored.closed_at),
        (None, None, None)
    );
    assert_eq!(
        app.notes(id).last().unwrap().0,
        "Maya reopened the conversation"
    );
    assert_eq!(app.closures(id).len(), 1, "the closure log is append-only");
}

/// Every role, state and action is checked against the rules themselves in
/// `src/domain/lifecycle_table.rs`; these prove the server asks those rules, one refusal of each
/// kind, and changes nothing when it refuses. (A stale version: the next test.)
async fn the_server_enforces_the_role_table(backend: Backend) {
    let app = spawn_app(backend).await;
    let agent = app.new_visitor();
    let priya = app.member_signed_in(&agent, "priya", Role::Agent).await;
    let other = app.new_visitor();
    let tom = app.member_signed_in(&other, "tom", Role::Agent).await;
    let anonymous = app.new_visitor();

    // Not signed in: sent to sign in.
    let id = app.conversation(None, ConversationState::Waiting, None, "Hi");
    let token = crate::helpers::csrf_token_in(&anonymous.get_html("/sign-in").await);
    let refused = anonymous
        .post_raw(
            &format!("/conversations/{id}/take-over"),
            &[("csrf_token", &token), ("version", "1")],
        )
        .await;
    assert_eq!(location(&refused), "/sign-in");
    assert_eq!(app.stored(id).version, 1);

    // An agent closing a conversation another agent holds: 403, and it says why.
    let held = app.conversation(None, ConversationState::Agent, Some(tom.id), "Hi");
    let refused = agent
        .act(held, "close", &[("version", "1"), ("outcome", "resolved")])
        .await;
    assert_eq!(refused.status().as_u16(), 403);
    assert!(refused.text().await.unwrap().contains(
        "Tom is handling this conversation. Only they, a team lead or an admin can close it."
    ));
    assert_eq!(app.stored(held).version, 1);

    // A reply from someone who does not hold the conversation is not sent.
    let reply = agent
        .act(held, "messages", &[("body", "Let me help")])
        .await;
    assert_eq!(reply.status().as_u16(), 409);
    assert_eq!(app.message_count(held), 1);

    // An agent reopening: 403, and no button for it either.
    let closed = app.conversation(None, ConversationState::Agent, Some(priya.id), "Hi");
    agent
        .act(
            closed,
            "close",
            &[("version", "1"), ("outcome", "resolved")],
        )
        .await;
    let refused = agent.act(closed, "reopen", &[("version", "2")]).await;
    assert_eq!(refused.status().as_u16(), 403);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("Your role does not allow this."));
    assert_eq!(app.stored(closed).state, ConversationState::Closed);
    let page = agent.get_html(&format!("/conversations/{closed}")).await;
    assert!(!page.contains("Reopen conversation"));
}

async fn a_stale_version_changes_nothing_and_says_why(backend: Backend) {
    let app = spawn_app(backend).await;
    let priya = app
        .member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let tom = app.new_visitor();
    app.member_signed_in(&tom, "tom", Role::Agent).await;
    let id = app.conversation(None, ConversationState::Waiting, None, "Hi");

    // Both opened the conversation at version 1; Priya is quicker.
    assert_eq!(
        app.act(id, "take-over", &[("version", "1")])
            .await
            .status()
            .as_u16(),
        303
    );
    let late = tom.act(id, "take-over", &[("version", "1")]).await;

    assert_eq!(late.status().as_u16(), 409);
    let page = late.text().await.unwrap();
    assert!(page.contains("Nothing changed: the conversation had already changed"));
    assert!(
        page.contains("Priya joined the conversation"),
        "the page shows the current state"
    );
    assert_eq!(app.stored(id).assignee_id, Some(priya.id));
    assert_eq!(app.notes(id).len(), 1);
}

async fn a_double_click_on_confirm_closes_once(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let id = app.conversation(None, ConversationState::Waiting, None, "Hi");
    let token = crate::helpers::csrf_token_in(&app.get_html(&format!("/conversations/{id}")).await);
    let form = [
        ("csrf_token", token.as_str()),
        ("version", "1"),
        ("outcome", "resolved"),
    ];

    let action = format!("/conversations/{id}/close");
    // Four submissions in flight at once: one wins, the others are told nothing changed.
    let (a, b, c, d) = tokio::join!(
        app.post_raw(&action, &form),
        app.post_raw(&action, &form),
        app.post_raw(&action, &form),
        app.post_raw(&action, &form),
    );

    let mut statuses = [a, b, c, d].map(|r| r.status().as_u16());
    statuses.sort();
    assert_eq!(statuses, [303, 409, 409, 409]);
    assert_eq!(app.closures(id).len(), 1);
    assert_eq!(app.notes(id).len(), 1);
    assert_eq!(app.stored(id).version, 2);
}

async fn bad_close_input_gets_a_clear_4xx_and_writes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let id = app.conversation(None, ConversationState::Waiting, None, "Hi");
    let long_reason = "r".repeat(501);

    let unknown = app
        .act(id, "close", &[("version", "1"), ("outcome", "solved")])
        .await;
    assert_eq!(unknown.status().as_u16(), 422);
    assert!(unknown
        .text()
        .await
        .unwrap()
        .contains("the form sent an outcome Hearken does not know"));
    let missing = app
        .act(id, "close", &[("version", "1"), ("reason", "Kept text")])
        .await;
    assert_eq!(missing.status().as_u16(), 422);
    let page = missing.text().await.unwrap();
    assert!(page.contains("Choose Resolved or Unresolved."));
    assert!(page.contains(">Kept text</textarea>"), "the reason is kept");
    let too_long = app
        .act(
            id,
            "close",
            &[
                ("version", "1"),
                ("outcome", "resolved"),
                ("reason", &long_reason),
            ],
        )
        .await;
    assert_eq!(too_long.status().as_u16(), 422);
    assert!(too_long
        .text()
        .await
        .unwrap()
        .contains("The reason can be at most 500 characters."));
    let no_version = app.act(id, "close", &[("outcome", "resolved")]).await;
    assert_eq!(no_version.status().as_u16(), 400);
    let same_outcome_twice = {
        app.act(id, "close", &[("version", "1"), ("outcome", "resolved")])
            .await;
        app.act(id, "close", &[("version", "2"), ("outcome", "resolved")])
            .await
    };
    assert_eq!(same_outcome_twice.status().as_u16(), 409);
    assert!(same_outcome_twice
        .text()
        .await
        .unwrap()
        .contains("already closed as Resolved. Nothing changed."));

    assert_eq!(app.closures(id).len(), 1);
    assert_eq!(app.notes(id).len(), 1);
}

on_both_backends!(
    an_agent_takes_over_a_waiting_conversation,
    handing_back_returns_the_conversation_to_the_bot,
    closing_writes_outcome_note_and_closure_log_together,
    the_closer_changes_the_outcome_and_the_log_keeps_both,
    another_agent_cannot_change_an_outcome_but_a_lead_can,
    an_admin_reopens_and_the_conversation_goes_back_to_the_bot,
    the_server_enforces_the_role_table,
    a_stale_version_changes_nothing_and_says_why,
    a_double_click_on_confirm_closes_once,
    bad_close_input_gets_a_clear_4xx_and_writes_nothing,
);
