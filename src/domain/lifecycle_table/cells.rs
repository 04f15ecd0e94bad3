//! How a cell of the lifecycle tables is checked: the conversation its line and column describe,
//! who acts, and the one call to `decide`.

use chrono::Duration;

use crate::domain::lifecycle::{decide, Action, Actor, Member, Refusal, Snapshot};
use crate::domain::{ConversationState, Outcome, Role, SystemEvent};

/// Who holds the conversation (agent state) or closed it (closed state).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Who {
    /// Bot and waiting conversations belong to nobody.
    Nobody,
    /// The member acting (Priya).
    Me,
    /// Another team member (Tom).
    Tom,
    /// Nobody in person: the conversation was closed automatically.
    Automatic,
}

/// What one cell of a table expects: the new state and the note written, or the refusal.
pub(super) type Expected = Result<(ConversationState, SystemEvent), Refusal>;

pub(super) fn to(state: ConversationState, note: SystemEvent) -> Expected {
    Ok((state, note))
}

/// The name of the other team member, as refusals quote it.
pub(super) const TOM: &str = "Tom";

/// Closed conversations in the tables were closed as Resolved: on them "close as Resolved" asks
/// for the outcome they already have, and "close as Unresolved" changes the outcome.
pub(super) const CLOSED_AS: Outcome = Outcome::Resolved;

/// The hours of inactivity after which the table's team closes conversations automatically.
pub(super) const AUTO_CLOSE_HOURS: i32 = 24;

/// The kinds of actor: one line each in the table of who may ask for what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Member,
    Bot,
    System,
    Customer,
}

pub(super) fn kind_of(actor: &Actor) -> Kind {
    match actor {
        Actor::Member(_) => Kind::Member,
        Actor::Bot => Kind::Bot,
        Actor::System => Kind::System,
        Actor::Customer => Kind::Customer,
    }
}

/// One cell of a state table: what is asked and by whom, how the conversation stands besides its
/// state and holder, and what the cell expects.
pub(super) struct Cell<'a> {
    pub(super) column: &'static str,
    pub(super) actor: Actor,
    pub(super) action: Action,
    pub(super) idle_for: Duration,
    pub(super) wait_noted: bool,
    pub(super) expected: &'a Expected,
}

/// Who can hold a conversation in each state, as the member table must list them (the
/// unattended table leaves out "me": nobody on the team is acting).
pub(super) fn holders(state: ConversationState) -> &'static [Who] {
    match state {
        ConversationState::Bot | ConversationState::Waiting => &[Who::Nobody],
        ConversationState::Agent => &[Who::Me, Who::Tom],
        ConversationState::Closed => &[Who::Me, Who::Tom, Who::Automatic],
    }
}

const PRIYA_ID: i64 = 1;
const TOM_ID: i64 = 2;

/// The member acting: Priya, with `role`.
pub(super) fn priya(role: Role) -> Actor {
    Actor::Member(Member {
        id: PRIYA_ID,
        name: "Priya".to_owned(),
        role,
    })
}

/// The one place that knows how to call `decide`: builds the conversation (Priya is id 1, Tom id
/// 2) and returns the state the conversation would move to with its note, or the refusal.
pub(super) fn result_of(state: ConversationState, who: Who, cell: &Cell) -> Expected {
    let (id, name) = match who {
        Who::Me => (Some(PRIYA_ID), Some("Priya")),
        Who::Tom => (Some(TOM_ID), Some(TOM)),
        Who::Nobody | Who::Automatic => (None, None),
    };
    let held = state == ConversationState::Agent;
    let closed = state == ConversationState::Closed;
    let snapshot = Snapshot {
        state,
        assignee_id: id.filter(|_| held),
        assignee_name: name.filter(|_| held).map(str::to_owned),
        outcome: closed.then_some(CLOSED_AS),
        closed_by_id: id.filter(|_| closed),
        idle_for: cell.idle_for,
        wait_noted: cell.wait_noted,
    };
    decide(&snapshot, &cell.actor, cell.action.clone())
        .map(|transition| (transition.state, transition.note))
}
