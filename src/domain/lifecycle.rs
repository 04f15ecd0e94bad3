//! The conversation lifecycle as pure rules: given a conversation, who acts and what they ask
//! for, either the change to make (state, note, closure-log row) or why it may not happen.

mod facts;
mod unattended;

use super::text::free_of_control_characters;
use super::{ConversationState, Outcome, Role, SystemEvent};
use facts::holder_name;
pub use facts::{ClosureEntry, Refusal, Snapshot, Transition};
use unattended::{auto_close, confirm_answer, escalate, note_long_wait};

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

#[cfg(test)]
mod tests;
