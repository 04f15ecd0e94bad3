//! The conversation lifecycle as pure rules: given a conversation, who acts and what they ask
//! for, either the change to make (state, note, closure-log row) or why it may not happen.

use super::{ConversationState, Outcome, Role, SystemEvent};

/// What somebody asks to do with a conversation from the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    TakeOver,
    HandBack,
    Close {
        outcome: Outcome,
        reason: Option<String>,
    },
    Reopen,
}

/// The team member acting.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// The parts of a conversation the rules look at.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub state: ConversationState,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub outcome: Option<Outcome>,
    pub closed_by_id: Option<i64>,
}

/// The closing time of a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClosedAt {
    Now,
    Cleared,
}

/// The change to write, all in one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    pub state: ConversationState,
    pub assignee_id: Option<i64>,
    pub outcome: Option<Outcome>,
    pub closed_by_id: Option<i64>,
    pub closed_at: ClosedAt,
    pub waiting_since_cleared: bool,
    /// Whether this change means an agent took part (never unset once true).
    pub marks_agent_involved: bool,
    pub note: SystemEvent,
    pub note_outcome: Option<Outcome>,
    /// `Some((outcome, replaced outcome, reason))` when the closure log gets a row.
    pub closure: Option<(Outcome, Option<Outcome>, Option<String>)>,
    /// The short confirmation shown after the redirect.
    pub confirmation: String,
    /// For automatic closing: the hours of inactivity the note mentions.
    pub note_hours: Option<i32>,
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
    use ConversationState::*;
    let is_mine = snapshot.assignee_id == Some(actor.id);
    let leads = actor.role.at_least(Role::Lead);
    match action {
        Action::TakeOver => match snapshot.state {
            Bot | Waiting => Ok(Transition {
                state: Agent,
                assignee_id: Some(actor.id),
                outcome: None,
                closed_by_id: None,
                closed_at: ClosedAt::Cleared,
                waiting_since_cleared: true,
                marks_agent_involved: true,
                note: SystemEvent::Joined,
                note_outcome: None,
                closure: None,
                confirmation:
                    "You took over this conversation. The bot stays quiet until you hand it back."
                        .into(),
                note_hours: None,
            }),
            Agent if is_mine => Err(Refusal::AlreadyYours),
            Agent => Err(Refusal::AlreadyTaken(holder_name(snapshot))),
            Closed => Err(Refusal::Closed),
        },
        Action::HandBack => match snapshot.state {
            Agent if is_mine => Ok(Transition {
                state: Bot,
                assignee_id: None,
                outcome: None,
                closed_by_id: None,
                closed_at: ClosedAt::Cleared,
                waiting_since_cleared: true,
                marks_agent_involved: true,
                note: SystemEvent::Left,
                note_outcome: None,
                closure: None,
                confirmation: "You handed the conversation back to the bot.".into(),
                note_hours: None,
            }),
            Agent => Err(Refusal::NotYours),
            Closed => Err(Refusal::Closed),
            Bot | Waiting => Err(Refusal::NotWithAgent),
        },
        Action::Close { outcome, reason } => {
            let replaced = match snapshot.state {
                Agent if !is_mine && !leads => {
                    return Err(Refusal::HeldBySomeoneElse(holder_name(snapshot)))
                }
                Closed => {
                    if snapshot.closed_by_id != Some(actor.id) && !leads {
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
                state: Closed,
                assignee_id: None,
                outcome: Some(outcome),
                closed_by_id: Some(actor.id),
                closed_at: ClosedAt::Now,
                waiting_since_cleared: true,
                marks_agent_involved: false,
                note: SystemEvent::Closed,
                note_outcome: Some(outcome),
                closure: Some((outcome, replaced, reason)),
                confirmation,
                note_hours: None,
            })
        }
        Action::Reopen => {
            if actor.role != Role::Admin {
                return Err(Refusal::OnlyAdminsReopen);
            }
            if snapshot.state != Closed {
                return Err(Refusal::NotClosed);
            }
            Ok(Transition {
                state: Bot,
                assignee_id: None,
                outcome: None,
                closed_by_id: None,
                closed_at: ClosedAt::Cleared,
                waiting_since_cleared: true,
                marks_agent_involved: false,
                note: SystemEvent::Reopened,
                note_outcome: None,
                closure: None,
                confirmation: "Conversation reopened. It is back with the bot.".into(),
                note_hours: None,
            })
        }
    }
}

/// The conversation leaves the bot for the team's queue: the customer asked for a person, or the
/// bot could not answer. Only a conversation with the bot can escalate; `None` otherwise.
pub fn escalate(snapshot: &Snapshot, because: SystemEvent) -> Option<Transition> {
    (snapshot.state == ConversationState::Bot).then(|| Transition {
        state: ConversationState::Waiting,
        assignee_id: None,
        outcome: None,
        closed_by_id: None,
        closed_at: ClosedAt::Cleared,
        waiting_since_cleared: false,
        marks_agent_involved: false,
        note: because,
        note_outcome: None,
        closure: None,
        confirmation: String::new(),
        note_hours: None,
    })
}

/// Closes a conversation nobody has touched for `hours`: only one with the bot or waiting (a
/// conversation an agent holds is theirs to close), by the system, with the team's outcome.
pub fn auto_close(snapshot: &Snapshot, outcome: Outcome, hours: i32) -> Option<Transition> {
    matches!(
        snapshot.state,
        ConversationState::Bot | ConversationState::Waiting
    )
    .then(|| Transition {
        state: ConversationState::Closed,
        assignee_id: None,
        outcome: Some(outcome),
        closed_by_id: None,
        closed_at: ClosedAt::Now,
        waiting_since_cleared: true,
        marks_agent_involved: false,
        note: SystemEvent::AutoClosed,
        note_outcome: Some(outcome),
        closure: Some((outcome, None, None)),
        confirmation: String::new(),
        note_hours: Some(hours),
    })
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
    Ok(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(id: i64, role: Role) -> Actor {
        Actor {
            id,
            name: format!("Member {id}"),
            role,
        }
    }

    fn snapshot(state: ConversationState, assignee: Option<i64>) -> Snapshot {
        Snapshot {
            state,
            assignee_id: assignee,
            assignee_name: assignee.map(|id| format!("Member {id}")),
            outcome: (state == ConversationState::Closed).then_some(Outcome::Resolved),
            closed_by_id: (state == ConversationState::Closed).then_some(1),
        }
    }

    #[test]
    fn closing_someone_elses_conversation_needs_a_lead() {
        let held = snapshot(ConversationState::Agent, Some(1));
        let close = Action::Close {
            outcome: Outcome::Resolved,
            reason: None,
        };
        assert_eq!(
            decide(&held, &actor(2, Role::Agent), close.clone()),
            Err(Refusal::HeldBySomeoneElse("Member 1".into()))
        );
        assert!(decide(&held, &actor(3, Role::Lead), close).is_ok());
    }

    #[test]
    fn changing_an_outcome_keeps_the_replaced_one() {
        let closed = snapshot(ConversationState::Closed, None);
        let change = decide(
            &closed,
            &actor(1, Role::Agent),
            Action::Close {
                outcome: Outcome::Unresolved,
                reason: None,
            },
        )
        .unwrap();
        assert_eq!(
            change.closure,
            Some((Outcome::Unresolved, Some(Outcome::Resolved), None))
        );
        assert_eq!(
            decide(
                &closed,
                &actor(2, Role::Agent),
                Action::Close {
                    outcome: Outcome::Unresolved,
                    reason: None
                }
            ),
            Err(Refusal::NotYourClosing)
        );
    }

    #[test]
    fn reasons_and_replies_are_checked() {
        assert_eq!(parse_reason("  "), Ok(None));
        assert!(parse_reason(&"x".repeat(501)).is_err());
        assert!(parse_reply(" \n ").is_err());
        assert_eq!(parse_reply(" hi "), Ok("hi".into()));
    }
}
