//! A conversation must agree with its own history: its state, holder, outcome and version follow
//! from the system notes the lifecycle's one door wrote. `hearken check`, the tests and the load
//! run read every conversation and say where that is not so.

use diesel::prelude::*;

use super::Conversation;
use crate::db::schema::{conversations, messages};
use crate::db::AnyConnection;
use crate::domain::{ConversationState, Outcome, SystemEvent};

/// What a conversation's notes say it is now.
#[derive(Debug, PartialEq, Eq)]
struct Standing {
    state: ConversationState,
    assignee_id: Option<i64>,
    outcome: Option<Outcome>,
    version: i64,
}

type Note = (i64, SystemEvent, Option<i64>, Option<Outcome>);

fn standing_from_notes<'a>(notes: impl Iterator<Item = &'a Note>) -> Standing {
    use ConversationState::*;
    let mut standing = Standing {
        state: Bot,
        assignee_id: None,
        outcome: None,
        version: 1,
    };
    for &(_, event, by, outcome) in notes {
        let (state, assignee_id, outcome) = match event {
            // A note that changes nothing but the history.
            SystemEvent::WaitTimeExceeded => continue,
            SystemEvent::CustomerRequestedHuman
            | SystemEvent::BotEscalated
            | SystemEvent::Released => (Waiting, None, None),
            SystemEvent::Joined => (Agent, by, None),
            SystemEvent::Left | SystemEvent::Reopened => (Bot, None, None),
            SystemEvent::Closed | SystemEvent::AutoClosed | SystemEvent::CustomerConfirmed => {
                (Closed, None, outcome)
            }
        };
        standing = Standing {
            state,
            assignee_id,
            outcome,
            version: standing.version + 1,
        };
    }
    standing
}

/// Each problem found in `conversation`, as a sentence.
fn problems_of(conversation: &Conversation, notes: &[Note]) -> Vec<String> {
    let id = conversation.id;
    let mut problems = Vec::new();
    let found = Standing {
        state: conversation.state,
        assignee_id: conversation.assignee_id,
        outcome: conversation.outcome,
        version: conversation.version,
    };
    let expected = standing_from_notes(notes.iter());
    if found != expected {
        problems.push(format!(
            "conversation #{id} is {found:?} but its notes say {expected:?}"
        ));
    }
    let closed = conversation.state == ConversationState::Closed;
    if conversation.closed_at.is_some() != closed || conversation.report_day.is_some() != closed {
        problems.push(format!(
            "conversation #{id}: closing time or report day does not match its state"
        ));
    }
    let confirmed_last = notes
        .iter()
        .rev()
        .find(|note| {
            matches!(
                note.1,
                SystemEvent::Closed
                    | SystemEvent::AutoClosed
                    | SystemEvent::CustomerConfirmed
                    | SystemEvent::Reopened
            )
        })
        .is_some_and(|note| note.1 == SystemEvent::CustomerConfirmed);
    if conversation.closed_by_customer != (closed && confirmed_last) {
        problems.push(format!(
            "conversation #{id}: closed by the customer or not, against its notes"
        ));
    }
    if conversation.waiting_since.is_some() != (conversation.state == ConversationState::Waiting) {
        problems.push(format!(
            "conversation #{id}: waiting time does not match its state"
        ));
    }
    problems
}

impl Conversation {
    /// Every conversation that disagrees with its notes, read in pages by id.
    pub fn audit(conn: &mut AnyConnection) -> QueryResult<Vec<String>> {
        const PAGE: i64 = 5_000;
        let mut problems = Vec::new();
        let mut after = 0i64;
        loop {
            let page: Vec<Conversation> = conversations::table
                .filter(conversations::id.gt(after))
                .order(conversations::id)
                .limit(PAGE)
                .load(conn)?;
            let Some(last) = page.last() else { break };
            let (first, last_id) = (page[0].id, last.id);
            let notes: Vec<Note> = messages::table
                .filter(messages::conversation_id.between(first, last_id))
                .filter(messages::system_event.is_not_null())
                .order((messages::conversation_id, messages::id))
                .select((
                    messages::conversation_id,
                    messages::system_event.assume_not_null(),
                    messages::author_user_id,
                    messages::event_outcome,
                ))
                .load(conn)?;
            for conversation in &page {
                let start = notes.partition_point(|n| n.0 < conversation.id);
                let end = notes.partition_point(|n| n.0 <= conversation.id);
                problems.extend(problems_of(conversation, &notes[start..end]));
            }
            after = last_id;
        }
        Ok(problems)
    }
}
