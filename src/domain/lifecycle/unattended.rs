//! The rules for those who act without a team member's click: the bot passing a conversation
//! to the team, the background jobs (automatic closing, the long-wait note) and the customer
//! confirming the bot's answer.

use chrono::Duration;

use super::facts::{holder_name, ClosureEntry, Refusal, Snapshot, Transition};
use crate::domain::{ConversationState, Outcome, SystemEvent};

/// Only a conversation with the bot can escalate to the team's queue.
pub(super) fn escalate(snapshot: &Snapshot, because: SystemEvent) -> Result<Transition, Refusal> {
    if snapshot.state != ConversationState::Bot {
        return Err(Refusal::NotWithBot);
    }
    Ok(Transition::new(ConversationState::Waiting, because))
}

/// Only a conversation with the bot or waiting, untouched for `hours`, closes automatically (one
/// an agent holds is theirs to close), by the system, with the team's outcome.
pub(super) fn auto_close(
    snapshot: &Snapshot,
    outcome: Outcome,
    hours: i32,
) -> Result<Transition, Refusal> {
    use ConversationState::*;
    match snapshot.state {
        Agent => return Err(Refusal::AlreadyTaken(holder_name(snapshot))),
        Closed => return Err(Refusal::Closed),
        Bot | Waiting => {}
    }
    if snapshot.idle_for < Duration::hours(i64::from(hours)) {
        return Err(Refusal::RecentlyActive);
    }
    Ok(Transition {
        outcome: Some(outcome),
        note_hours: Some(hours),
        closure: Some(ClosureEntry {
            outcome,
            replaced: None,
            reason: None,
        }),
        ..Transition::new(Closed, SystemEvent::AutoClosed)
    })
}

/// Only an answer the bot gave while it has the conversation can be confirmed: resolved by the
/// bot, by nobody on the team.
pub(super) fn confirm_answer(snapshot: &Snapshot) -> Result<Transition, Refusal> {
    if snapshot.state != ConversationState::Bot {
        return Err(Refusal::NotWithBot);
    }
    Ok(Transition {
        outcome: Some(Outcome::Resolved),
        closed_by_customer: true,
        closure: Some(ClosureEntry {
            outcome: Outcome::Resolved,
            replaced: None,
            reason: None,
        }),
        confirmation: "Thanks! We're glad that helped. Write again any time.".into(),
        ..Transition::new(ConversationState::Closed, SystemEvent::CustomerConfirmed)
    })
}

/// One note per wait.
pub(super) fn note_long_wait(snapshot: &Snapshot) -> Result<Transition, Refusal> {
    if snapshot.state != ConversationState::Waiting {
        return Err(Refusal::NotWaiting);
    }
    if snapshot.wait_noted {
        return Err(Refusal::AlreadyNoted);
    }
    Ok(Transition {
        note_only: true,
        ..Transition::new(ConversationState::Waiting, SystemEvent::WaitTimeExceeded)
    })
}
