//! The conversation lifecycle as pure rules: given a conversation, who acts and what they ask
//! for, either the change to make (state, note, closure-log row) or why it may not happen.

use chrono::Duration;

use super::text::free_of_control_characters;
use super::{ConversationState, Outcome, Role, SystemEvent};

/// What somebody asks to do with a conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    TakeOver,
    HandBack,
    Close {
        outcome: Outcome,
        reason: Option<String>,
    },
    Reopen,
    /// The bot passes the conversation to the team's queue: the customer asked for a person
    /// (`CustomerRequestedHuman`) or the bot had no answer (`BotEscalated`).
    Escalate(SystemEvent),
    /// The system closes a conversation nobody touched for `hours`.
    AutoClose {
        outcome: Outcome,
        hours: i32,
    },
    /// The system notes that a customer has waited longer than the team's target.
    NoteLongWait,
    /// A lead or admin deactivating the member who holds the conversation hands it back to the
    /// team's queue, so no customer is left with someone who can no longer answer.
    Release,
    /// The customer clicked "That answered my question" under the bot's answer: resolved by
    /// the bot.
    ConfirmAnswer,
}

/// Who acts on a conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    Member(Member),
    Bot,
    /// The background jobs.
    System,
    /// The customer, from the chat.
    Customer,
}

/// The team member acting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

impl Actor {
    pub fn member(&self) -> Option<&Member> {
        match self {
            Actor::Member(member) => Some(member),
            Actor::Bot | Actor::System | Actor::Customer => None,
        }
    }
}

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

fn holder_name(snapshot: &Snapshot) -> String {
    snapshot
        .assignee_name
        .clone()
        .unwrap_or_else(|| "Another team member".to_owned())
}

/// Decides what `actor` doing `action` to a conversation in `snapshot` changes.
pub fn decide(snapshot: &Snapshot, actor: &Actor, action: Action) -> Result<Transition, Refusal> {
    match (actor, action) {
        (Actor::Member(member), Action::TakeOver) => take_over(snapshot, member),
        (Actor::Member(member), Action::HandBack) => hand_back(snapshot, member),
        (Actor::Member(member), Action::Close { outcome, reason }) => {
            close(snapshot, member, outcome, reason)
        }
        (Actor::Member(member), Action::Reopen) => reopen(snapshot, member),
        (Actor::Member(member), Action::Release) => release(snapshot, member),
        (Actor::Bot, Action::Escalate(because)) => escalate(snapshot, because),
        (Actor::System, Action::AutoClose { outcome, hours }) => {
            auto_close(snapshot, outcome, hours)
        }
        (Actor::System, Action::NoteLongWait) => note_long_wait(snapshot),
        (Actor::Customer, Action::ConfirmAnswer) => confirm_answer(snapshot),
        (_, Action::ConfirmAnswer) => Err(Refusal::NotForThisActor("the customer")),
        (_, Action::Escalate(_)) => Err(Refusal::NotForThisActor("the bot")),
        (_, Action::AutoClose { .. } | Action::NoteLongWait) => {
            Err(Refusal::NotForThisActor("automatic closing"))
        }
        (Actor::Bot | Actor::System | Actor::Customer, _) => {
            Err(Refusal::NotForThisActor("a team member"))
        }
    }
}

fn take_over(snapshot: &Snapshot, member: &Member) -> Result<Transition, Refusal> {
    use ConversationState::*;
    match snapshot.state {
        Bot | Waiting => Ok(Transition {
            assignee_id: Some(member.id),
            marks_agent_involved: true,
            confirmation:
                "You took over this conversation. The bot stays quiet until you hand it back."
                    .into(),
            ..Transition::new(Agent, SystemEvent::Joined)
        }),
        Agent if snapshot.assignee_id == Some(member.id) => Err(Refusal::AlreadyYours),
        Agent => Err(Refusal::AlreadyTaken(holder_name(snapshot))),
        Closed => Err(Refusal::Closed),
    }
}

fn hand_back(snapshot: &Snapshot, member: &Member) -> Result<Transition, Refusal> {
    use ConversationState::*;
    match snapshot.state {
        Agent if snapshot.assignee_id == Some(member.id) => Ok(Transition {
            marks_agent_involved: true,
            confirmation: "You handed the conversation back to the bot.".into(),
            ..Transition::new(Bot, SystemEvent::Left)
        }),
        Agent => Err(Refusal::NotYours),
        Closed => Err(Refusal::Closed),
        Bot | Waiting => Err(Refusal::NotWithAgent),
    }
}

fn close(
    snapshot: &Snapshot,
    member: &Member,
    outcome: Outcome,
    reason: Option<String>,
) -> Result<Transition, Refusal> {
    use ConversationState::*;
    let leads = member.role.at_least(Role::Lead);
    let replaced = match snapshot.state {
        Agent if snapshot.assignee_id != Some(member.id) && !leads => {
            return Err(Refusal::HeldBySomeoneElse(holder_name(snapshot)))
        }
        Closed => {
            if snapshot.closed_by_id != Some(member.id) && !leads {
                return Err(Refusal::NotYourClosing);
            }
            if snapshot.outcome == Some(outcome) {
                return Err(Refusal::SameOutcome(outcome.label()));
            }
            snapshot.outcome
        }
        Bot | Waiting | Agent => None,
    };
    let confirmation = match replaced {
        Some(old) => format!(
            "Outcome changed from {} to {}.",
            old.label(),
            outcome.label()
        ),
        None => format!("Conversation closed as {}.", outcome.label()),
    };
    Ok(Transition {
        outcome: Some(outcome),
        closed_by_id: Some(member.id),
        closure: Some(ClosureEntry {
            outcome,
            replaced,
            reason,
        }),
        confirmation,
        ..Transition::new(Closed, SystemEvent::Closed)
    })
}

fn reopen(snapshot: &Snapshot, member: &Member) -> Result<Transition, Refusal> {
    if member.role != Role::Admin {
        return Err(Refusal::OnlyAdminsReopen);
    }
    if snapshot.state != ConversationState::Closed {
        return Err(Refusal::NotClosed);
    }
    Ok(Transition {
        confirmation: "Conversation reopened. It is back with the bot.".into(),
        ..Transition::new(ConversationState::Bot, SystemEvent::Reopened)
    })
}

/// A lead or admin hands a conversation someone else holds back to the team's queue; the note
/// names the holder, who is being deactivated.
fn release(snapshot: &Snapshot, member: &Member) -> Result<Transition, Refusal> {
    use ConversationState::*;
    if !member.role.at_least(Role::Lead) {
        return Err(Refusal::OnlyLeadsRelease);
    }
    match snapshot.state {
        Agent if snapshot.assignee_id == Some(member.id) => Err(Refusal::AlreadyYours),
        Agent => Ok(Transition {
            note_names: Some(holder_name(snapshot)),
            confirmation: "The conversation is waiting for the team again.".into(),
            ..Transition::new(Waiting, SystemEvent::Released)
        }),
        Closed => Err(Refusal::Closed),
        Bot | Waiting => Err(Refusal::NotWithAgent),
    }
}

/// An optional short reason given when closing.
pub fn parse_reason(raw: &str) -> Result<Option<String>, &'static str> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Ok(None);
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err("The reason can be at most 500 characters.");
    }
    if !free_of_control_characters(reason, true) {
        return Err("The reason cannot contain control characters.");
    }
    Ok(Some(reason.to_owned()))
}

pub const MAX_REASON_CHARS: usize = 500;
pub const MAX_MESSAGE_CHARS: usize = 5000;

/// The text of an agent's reply.
pub fn parse_reply(raw: &str) -> Result<String, &'static str> {
    let body = raw.trim();
    if body.is_empty() {
        return Err("Write a message before sending.");
    }
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err("Messages can be at most 5,000 characters.");
    }
    if !free_of_control_characters(body, true) {
        return Err("Messages cannot contain control characters.");
    }
    Ok(body.to_owned())
}

mod unattended;
use unattended::{auto_close, confirm_answer, escalate, note_long_wait};

#[cfg(test)]
mod tests;
