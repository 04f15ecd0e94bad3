//! What the lifecycle rules read and what they answer: the conversation as they see it
//! (`Snapshot`), the change to write (`Transition`, with its closure-log row) or why not
//! (`Refusal`).

use chrono::Duration;

use crate::domain::{ConversationState, Outcome, SystemEvent};

/// The parts of a conversation the rules look at.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub state: ConversationState,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub outcome: Option<Outcome>,
    pub closed_by_id: Option<i64>,
    /// How long ago the last activity was.
    pub idle_for: Duration,
    /// Whether the current wait already has its "wait time exceeded" note.
    pub wait_noted: bool,
}

/// A row for the closure log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosureEntry {
    pub outcome: Outcome,
    /// The outcome this close replaced, when it changed one.
    pub replaced: Option<Outcome>,
    pub reason: Option<String>,
}

/// The change to write, all in one transaction. Closing sets the closing time and leaving
/// `Waiting` clears the waiting time; both follow from `state`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    pub state: ConversationState,
    pub assignee_id: Option<i64>,
    pub outcome: Option<Outcome>,
    pub closed_by_id: Option<i64>,
    /// Whether this change means an agent took part (never unset once true).
    pub marks_agent_involved: bool,
    pub note: SystemEvent,
    /// The member the note names when it is not the one acting (the deactivated holder).
    pub note_names: Option<String>,
    /// For automatic closing: the hours of inactivity the note mentions.
    pub note_hours: Option<i32>,
    /// Closed because the customer confirmed the bot's answer.
    pub closed_by_customer: bool,
    pub closure: Option<ClosureEntry>,
    /// Only the note is written: the conversation itself, its version and its last activity
    /// stay as they are (a wait noted as too long must not look like activity).
    pub note_only: bool,
    /// The short confirmation shown after the redirect.
    pub confirmation: String,
}

impl Transition {
    /// A move to `state` noted as `note`; everything else cleared or left out.
    pub fn new(state: ConversationState, note: SystemEvent) -> Transition {
        Transition {
            state,
            assignee_id: None,
            outcome: None,
            closed_by_id: None,
            marks_agent_involved: false,
            note,
            note_names: None,
            note_hours: None,
            closed_by_customer: false,
            closure: None,
            note_only: false,
            confirmation: String::new(),
        }
    }

    /// The outcome shown beside the note (closing notes only).
    pub fn note_outcome(&self) -> Option<Outcome> {
        self.outcome
            .filter(|_| self.state == ConversationState::Closed)
    }
}

/// Why an action cannot happen. Each reads as a sentence for the page.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Only an admin can reopen a conversation.")]
    OnlyAdminsReopen,
    #[error("{0} is handling this conversation. Only they, a team lead or an admin can close it.")]
    HeldBySomeoneElse(String),
    #[error("{0} is already handling this conversation.")]
    AlreadyTaken(String),
    #[error("You are already handling this conversation.")]
    AlreadyYours,
    #[error("Only the person handling this conversation can hand it back.")]
    NotYours,
    #[error("This conversation is closed. An admin can reopen it.")]
    Closed,
    #[error("This conversation is not closed, so there is nothing to reopen.")]
    NotClosed,
    #[error("This conversation is not with an agent, so there is nothing to hand back.")]
    NotWithAgent,
    #[error("Only the person who closed this conversation, a team lead or an admin can change its outcome.")]
    NotYourClosing,
    #[error("This conversation is already closed as {0}. Nothing changed.")]
    SameOutcome(&'static str),
    #[error("This conversation is not with the bot, so it cannot be passed to the team.")]
    NotWithBot,
    #[error("This conversation had activity too recently to be closed automatically.")]
    RecentlyActive,
    #[error("This conversation is not waiting for the team.")]
    NotWaiting,
    #[error("This wait already has its note.")]
    AlreadyNoted,
    #[error("Only {0} does this.")]
    NotForThisActor(&'static str),
    #[error(
        "Only a team lead or an admin can take a conversation away from the person handling it."
    )]
    OnlyLeadsRelease,
}

impl Refusal {
    /// Whether the refusal is about who may act (403) rather than the conversation's state (409).
    pub fn is_permission(&self) -> bool {
        matches!(
            self,
            Refusal::OnlyAdminsReopen
                | Refusal::HeldBySomeoneElse(_)
                | Refusal::NotYours
                | Refusal::NotYourClosing
                | Refusal::NotForThisActor(_)
                | Refusal::OnlyLeadsRelease
        )
    }
}

pub(super) fn holder_name(snapshot: &Snapshot) -> String {
    snapshot
        .assignee_name
        .clone()
        .unwrap_or_else(|| "Another team member".to_owned())
}
