//! The lifecycle rules as one literal table, read like the role table in the README: for each
//! state a conversation can be in, who holds it (or closed it), and the role of the member
//! acting, what each action leads to: the new state, or the exact refusal.
//!
//! Every call goes through `result_of` at the bottom of the file, so a change to the signature of
//! `decide` means editing that one function, never the table.

use super::lifecycle::{decide, Action, Actor, Member, Refusal, Snapshot};
use super::{ConversationState, Outcome, Role};

/// Who holds the conversation (agent state) or closed it (closed state).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    /// Bot and waiting conversations belong to nobody.
    Nobody,
    /// The member acting (Priya).
    Me,
    /// Another team member (Tom).
    Tom,
    /// Nobody in person: the conversation was closed automatically.
    Automatic,
}

/// What one cell of the table expects.
type Expected = Result<ConversationState, Refusal>;

/// One line of the table: a conversation, the role of the member acting, and the result of each
/// action.
struct Line {
    state: ConversationState,
    who: Who,
    role: Role,
    take_over: Expected,
    hand_back: Expected,
    close_as_resolved: Expected,
    close_as_unresolved: Expected,
    reopen: Expected,
}

const AGENT: Role = Role::Agent;
const LEAD: Role = Role::Lead;
const ADMIN: Role = Role::Admin;

/// The name of the other team member, as refusals quote it.
const TOM: &str = "Tom";

/// Closed conversations in the table were closed as Resolved: on them "close as Resolved" asks
/// for the outcome they already have, and "close as Unresolved" changes the outcome.
const CLOSED_AS: Outcome = Outcome::Resolved;

#[rustfmt::skip]
fn the_table() -> Vec<Line> {
    use ConversationState as S;
    use Refusal as R;
    use Who::*;
    let line = |state, who, role, take_over, hand_back, close_as_resolved, close_as_unresolved, reopen| Line {
        state, who, role, take_over, hand_back, close_as_resolved, close_as_unresolved, reopen,
    };
    let tom = || TOM.to_owned();
    // by: who holds the conversation (agent) or closed it (closed); me is the member acting.
    // Closed rows were closed as Resolved, so on them "close as Resolved" asks for the same
    // outcome again and "close as Unresolved" changes the outcome.
    vec![
        //   state       by         role   take over                    hand back             close as Resolved                 close as Unresolved               reopen
        line(S::Bot,     Nobody,    AGENT, Ok(S::Agent),                Err(R::NotWithAgent), Ok(S::Closed),                    Ok(S::Closed),                    Err(R::OnlyAdminsReopen)),
        line(S::Bot,     Nobody,    LEAD,  Ok(S::Agent),                Err(R::NotWithAgent), Ok(S::Closed),                    Ok(S::Closed),                    Err(R::OnlyAdminsReopen)),
        line(S::Bot,     Nobody,    ADMIN, Ok(S::Agent),                Err(R::NotWithAgent), Ok(S::Closed),                    Ok(S::Closed),                    Err(R::NotClosed)),

        line(S::Waiting, Nobody,    AGENT, Ok(S::Agent),                Err(R::NotWithAgent), Ok(S::Closed),                    Ok(S::Closed),                    Err(R::OnlyAdminsReopen)),
        line(S::Waiting, Nobody,    LEAD,  Ok(S::Agent),                Err(R::NotWithAgent), Ok(S::Closed),                    Ok(S::Closed),                    Err(R::OnlyAdminsReopen)),
        line(S::Waiting, Nobody,    ADMIN, Ok(S::Agent),                Err(R::NotWithAgent), Ok(S::Closed),                    Ok(S::Closed),                    Err(R::NotClosed)),

        // held by the member acting
        line(S::Agent,   Me,        AGENT, Err(R::AlreadyYours),        Ok(S::Bot),           Ok(S::Closed),                    Ok(S::Closed),                    Err(R::OnlyAdminsReopen)),
        line(S::Agent,   Me,        LEAD,  Err(R::AlreadyYours),        Ok(S::Bot),           Ok(S::Closed),                    Ok(S::Closed),                    Err(R::OnlyAdminsReopen)),
        line(S::Agent,   Me,        ADMIN, Err(R::AlreadyYours),        Ok(S::Bot),           Ok(S::Closed),                    Ok(S::Closed),                    Err(R::NotClosed)),
        // held by another member: only a lead or an admin may close it; only Tom hands it back
        line(S::Agent,   Tom,       AGENT, Err(R::AlreadyTaken(tom())), Err(R::NotYours),     Err(R::HeldBySomeoneElse(tom())), Err(R::HeldBySomeoneElse(tom())), Err(R::OnlyAdminsReopen)),
        line(S::Agent,   Tom,       LEAD,  Err(R::AlreadyTaken(tom())), Err(R::NotYours),     Ok(S::Closed),                    Ok(S::Closed),                    Err(R::OnlyAdminsReopen)),
        line(S::Agent,   Tom,       ADMIN, Err(R::AlreadyTaken(tom())), Err(R::NotYours),     Ok(S::Closed),                    Ok(S::Closed),                    Err(R::NotClosed)),

        // closed (as Resolved) by the member acting: they may change the outcome
        line(S::Closed,  Me,        AGENT, Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  Ok(S::Closed),                    Err(R::OnlyAdminsReopen)),
        line(S::Closed,  Me,        LEAD,  Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  Ok(S::Closed),                    Err(R::OnlyAdminsReopen)),
        line(S::Closed,  Me,        ADMIN, Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  Ok(S::Closed),                    Ok(S::Bot)),
        // closed (as Resolved) by another member: only a lead or an admin may change the outcome
        line(S::Closed,  Tom,       AGENT, Err(R::Closed),              Err(R::Closed),       Err(R::NotYourClosing),           Err(R::NotYourClosing),           Err(R::OnlyAdminsReopen)),
        line(S::Closed,  Tom,       LEAD,  Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  Ok(S::Closed),                    Err(R::OnlyAdminsReopen)),
        line(S::Closed,  Tom,       ADMIN, Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  Ok(S::Closed),                    Ok(S::Bot)),
        // closed (as Resolved) automatically: nobody's closing, so as for another member's
        line(S::Closed,  Automatic, AGENT, Err(R::Closed),              Err(R::Closed),       Err(R::NotYourClosing),           Err(R::NotYourClosing),           Err(R::OnlyAdminsReopen)),
        line(S::Closed,  Automatic, LEAD,  Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  Ok(S::Closed),                    Err(R::OnlyAdminsReopen)),
        line(S::Closed,  Automatic, ADMIN, Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  Ok(S::Closed),                    Ok(S::Bot)),
    ]
}

/// Who can hold a conversation in each state, as the table must list them.
fn holders(state: ConversationState) -> &'static [Who] {
    match state {
        ConversationState::Bot | ConversationState::Waiting => &[Who::Nobody],
        ConversationState::Agent => &[Who::Me, Who::Tom],
        ConversationState::Closed => &[Who::Me, Who::Tom, Who::Automatic],
    }
}

#[test]
fn the_table_lists_every_state_holder_and_role_once() {
    let table = the_table();
    let mut expected = Vec::new();
    for &state in ConversationState::ALL {
        for &who in holders(state) {
            for &role in Role::ALL {
                expected.push((state, who, role));
            }
        }
    }
    let listed: Vec<_> = table.iter().map(|l| (l.state, l.who, l.role)).collect();
    assert_eq!(listed, expected);
}

#[test]
fn every_action_has_the_result_the_table_gives() {
    let close = |outcome| Action::Close {
        outcome,
        reason: None,
    };
    let mut wrong = Vec::new();
    for line in the_table() {
        let columns = [
            ("take over", Action::TakeOver, &line.take_over),
            ("hand back", Action::HandBack, &line.hand_back),
            (
                "close as Resolved",
                close(Outcome::Resolved),
                &line.close_as_resolved,
            ),
            (
                "close as Unresolved",
                close(Outcome::Unresolved),
                &line.close_as_unresolved,
            ),
            ("reopen", Action::Reopen, &line.reopen),
        ];
        for (column, action, expected) in columns {
            let actual = result_of(line.state, line.who, line.role, action);
            if &actual != expected {
                wrong.push(format!(
                    "{:?} conversation, {:?}, {:?} acting, {column}: expected {expected:?}, got {actual:?}",
                    line.state, line.who, line.role
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// The one place that knows how to call `decide`: builds the conversation and the member acting
/// (Priya, id 1; Tom is id 2) and returns the state the conversation would move to.
fn result_of(
    state: ConversationState,
    who: Who,
    role: Role,
    action: Action,
) -> Result<ConversationState, Refusal> {
    const PRIYA_ID: i64 = 1;
    const TOM_ID: i64 = 2;
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
        idle_for: chrono::Duration::zero(),
        wait_noted: false,
    };
    let actor = Actor::Member(Member {
        id: PRIYA_ID,
        name: "Priya".to_owned(),
        role,
    });
    decide(&snapshot, &actor, action).map(|transition| transition.state)
}
