//! Checks that every conversation agrees with its own history: the state, holder, outcome and
//! version each follow from the system notes written by the lifecycle's one door.

use diesel::prelude::*;
use hearken::db::schema::{conversations, messages};
use hearken::db::AnyConnection;
use hearken::domain::{ConversationState, Outcome, SystemEvent};
use hearken::models::conversation::Conversation;

/// What a conversation's notes say it should be now.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    state: ConversationState,
    assignee_id: Option<i64>,
    outcome: Option<Outcome>,
    version: i64,
}

fn expected_from_notes(notes: &[(SystemEvent, Option<i64>, Option<Outcome>)]) -> Expected {
    use ConversationState::*;
    let mut expected = Expected {
        state: Bot,
        assignee_id: None,
        outcome: None,
        version: 1,
    };
    for &(event, by, outcome) in notes {
        let (state, assignee_id, outcome) = match event {
            // A note that changes nothing but the history.
            SystemEvent::WaitTimeExceeded => continue,
            SystemEvent::CustomerRequestedHuman
            | SystemEvent::BotEscalated
            | SystemEvent::Released => (Waiting, None, None),
            SystemEvent::Joined => (Agent, by, None),
            SystemEvent::Left | SystemEvent::Reopened => (Bot, None, None),
            SystemEvent::Closed | SystemEvent::AutoClosed => (Closed, None, outcome),
        };
        expected = Expected {
            state,
            assignee_id,
            outcome,
            version: expected.version + 1,
        };
    }
    expected
}

/// Panics with the first conversation whose row disagrees with its notes.
pub fn assert_every_conversation_agrees_with_its_notes(conn: &mut AnyConnection) {
    let all: Vec<Conversation> = conversations::table
        .order(conversations::id)
        .load(conn)
        .unwrap();
    assert!(!all.is_empty());
    for conversation in all {
        let notes: Vec<(SystemEvent, Option<i64>, Option<Outcome>)> = messages::table
            .filter(messages::conversation_id.eq(conversation.id))
            .filter(messages::system_event.is_not_null())
            .order(messages::id)
            .select((
                messages::system_event.assume_not_null(),
                messages::author_user_id,
                messages::event_outcome,
            ))
            .load(conn)
            .unwrap();
        let found = Expected {
            state: conversation.state,
            assignee_id: conversation.assignee_id,
            outcome: conversation.outcome,
            version: conversation.version,
        };
        assert_eq!(
            found,
            expected_from_notes(&notes),
            "conversation #{} disagrees with its notes {notes:?}",
            conversation.id
        );
        let closed = conversation.state == ConversationState::Closed;
        assert_eq!(conversation.closed_at.is_some(), closed);
        assert_eq!(conversation.report_day.is_some(), closed);
        assert_eq!(
            conversation.waiting_since.is_some(),
            conversation.state == ConversationState::Waiting,
            "conversation #{}",
            conversation.id
        );
    }
}
