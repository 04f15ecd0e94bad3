//! The member table: for each state a conversation can be in, who holds it (or closed it), and
//! the role of the member acting, what each member action leads to.

use chrono::Duration;

use super::cells::{holders, priya, to, Cell, Expected, Who, TOM};
use crate::domain::lifecycle::{Action, Refusal};
use crate::domain::{ConversationState, Outcome, Role, SystemEvent};

/// One line of the member table: a conversation, the role of the member acting, and the result
/// of each member action.
pub(super) struct Line {
    pub(super) state: ConversationState,
    pub(super) who: Who,
    pub(super) role: Role,
    pub(super) take_over: Expected,
    pub(super) hand_back: Expected,
    pub(super) close_as_resolved: Expected,
    pub(super) close_as_unresolved: Expected,
    pub(super) reopen: Expected,
    pub(super) release: Expected,
}

const AGENT: Role = Role::Agent;
const LEAD: Role = Role::Lead;
const ADMIN: Role = Role::Admin;

#[rustfmt::skip]
pub(super) fn the_member_table() -> Vec<Line> {
    use ConversationState as S;
    use Refusal as R;
    use SystemEvent as N;
    use Who::*;
    let line = |state, who, role, take_over, hand_back, close_as_resolved, close_as_unresolved, reopen, release| Line {
        state, who, role, take_over, hand_back, close_as_resolved, close_as_unresolved, reopen, release,
    };
    let tom = || TOM.to_owned();
    // by: who holds the conversation (agent) or closed it (closed); me is the member acting.
    // Closed rows were closed as Resolved, so on them "close as Resolved" asks for the same
    // outcome again and "close as Unresolved" changes the outcome.
    vec![
        //   state       by         role   take over                    hand back             close as Resolved                 close as Unresolved               reopen                    release
        line(S::Bot,     Nobody,    AGENT, to(S::Agent, N::Joined),     Err(R::NotWithAgent), to(S::Closed, N::Closed),         to(S::Closed, N::Closed),         Err(R::OnlyAdminsReopen), Err(R::OnlyLeadsRelease)),
        line(S::Bot,     Nobody,    LEAD,  to(S::Agent, N::Joined),     Err(R::NotWithAgent), to(S::Closed, N::Closed),         to(S::Closed, N::Closed),         Err(R::OnlyAdminsReopen), Err(R::NotWithAgent)),
        line(S::Bot,     Nobody,    ADMIN, to(S::Agent, N::Joined),     Err(R::NotWithAgent), to(S::Closed, N::Closed),         to(S::Closed, N::Closed),         Err(R::NotClosed),        Err(R::NotWithAgent)),

        line(S::Waiting, Nobody,    AGENT, to(S::Agent, N::Joined),     Err(R::NotWithAgent), to(S::Closed, N::Closed),         to(S::Closed, N::Closed),         Err(R::OnlyAdminsReopen), Err(R::OnlyLeadsRelease)),
        line(S::Waiting, Nobody,    LEAD,  to(S::Agent, N::Joined),     Err(R::NotWithAgent), to(S::Closed, N::Closed),         to(S::Closed, N::Closed),         Err(R::OnlyAdminsReopen), Err(R::NotWithAgent)),
        line(S::Waiting, Nobody,    ADMIN, to(S::Agent, N::Joined),     Err(R::NotWithAgent), to(S::Closed, N::Closed),         to(S::Closed, N::Closed),         Err(R::NotClosed),        Err(R::NotWithAgent)),

        // held by the member acting
        line(S::Agent,   Me,        AGENT, Err(R::AlreadyYours),        to(S::Bot, N::Left),  to(S::Closed, N::Closed),         to(S::Closed, N::Closed),         Err(R::OnlyAdminsReopen), Err(R::OnlyLeadsRelease)),
        line(S::Agent,   Me,        LEAD,  Err(R::AlreadyYours),        to(S::Bot, N::Left),  to(S::Closed, N::Closed),         to(S::Closed, N::Closed),         Err(R::OnlyAdminsReopen), Err(R::AlreadyYours)),
        line(S::Agent,   Me,        ADMIN, Err(R::AlreadyYours),        to(S::Bot, N::Left),  to(S::Closed, N::Closed),         to(S::Closed, N::Closed),         Err(R::NotClosed),        Err(R::AlreadyYours)),
        // held by another member: only a lead or an admin may close it or take it away; only Tom
        // hands it back
        line(S::Agent,   Tom,       AGENT, Err(R::AlreadyTaken(tom())), Err(R::NotYours),     Err(R::HeldBySomeoneElse(tom())), Err(R::HeldBySomeoneElse(tom())), Err(R::OnlyAdminsReopen), Err(R::OnlyLeadsRelease)),
        line(S::Agent,   Tom,       LEAD,  Err(R::AlreadyTaken(tom())), Err(R::NotYours),     to(S::Closed, N::Closed),         to(S::Closed, N::Closed),         Err(R::OnlyAdminsReopen), to(S::Waiting, N::Released)),
        line(S::Agent,   Tom,       ADMIN, Err(R::AlreadyTaken(tom())), Err(R::NotYours),     to(S::Closed, N::Closed),         to(S::Closed, N::Closed),         Err(R::NotClosed),        to(S::Waiting, N::Released)),

        // closed (as Resolved) by the member acting: they may change the outcome
        line(S::Closed,  Me,        AGENT, Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  to(S::Closed, N::Closed),         Err(R::OnlyAdminsReopen), Err(R::OnlyLeadsRelease)),
        line(S::Closed,  Me,        LEAD,  Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  to(S::Closed, N::Closed),         Err(R::OnlyAdminsReopen), Err(R::Closed)),
        line(S::Closed,  Me,        ADMIN, Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  to(S::Closed, N::Closed),         to(S::Bot, N::Reopened),  Err(R::Closed)),
        // closed (as Resolved) by another member: only a lead or an admin may change the outcome
        line(S::Closed,  Tom,       AGENT, Err(R::Closed),              Err(R::Closed),       Err(R::NotYourClosing),           Err(R::NotYourClosing),           Err(R::OnlyAdminsReopen), Err(R::OnlyLeadsRelease)),
        line(S::Closed,  Tom,       LEAD,  Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  to(S::Closed, N::Closed),         Err(R::OnlyAdminsReopen), Err(R::Closed)),
        line(S::Closed,  Tom,       ADMIN, Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  to(S::Closed, N::Closed),         to(S::Bot, N::Reopened),  Err(R::Closed)),
        // closed (as Resolved) automatically: nobody's closing, so as for another member's
        line(S::Closed,  Automatic, AGENT, Err(R::Closed),              Err(R::Closed),       Err(R::NotYourClosing),           Err(R::NotYourClosing),           Err(R::OnlyAdminsReopen), Err(R::OnlyLeadsRelease)),
        line(S::Closed,  Automatic, LEAD,  Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  to(S::Closed, N::Closed),         Err(R::OnlyAdminsReopen), Err(R::Closed)),
        line(S::Closed,  Automatic, ADMIN, Err(R::Closed),              Err(R::Closed),       Err(R::SameOutcome("Resolved")),  to(S::Closed, N::Closed),         to(S::Bot, N::Reopened),  Err(R::Closed)),
    ]
}

/// The member table's cells of `line`, the member acting (Priya) having the line's role.
pub(super) fn member_cells(line: &Line) -> Vec<Cell<'_>> {
    let close = |outcome| Action::Close {
        outcome,
        reason: None,
    };
    let cell = |column, action, expected| Cell {
        column,
        actor: priya(line.role),
        action,
        idle_for: Duration::zero(),
        wait_noted: false,
        expected,
    };
    vec![
        cell("take over", Action::TakeOver, &line.take_over),
        cell("hand back", Action::HandBack, &line.hand_back),
        cell(
            "close as Resolved",
            close(Outcome::Resolved),
            &line.close_as_resolved,
        ),
        cell(
            "close as Unresolved",
            close(Outcome::Unresolved),
            &line.close_as_unresolved,
        ),
        cell("reopen", Action::Reopen, &line.reopen),
        cell("release", Action::Release, &line.release),
    ]
}

#[test]
fn the_member_table_lists_every_state_holder_and_role_once() {
    let mut expected = Vec::new();
    for &state in ConversationState::ALL {
        for &who in holders(state) {
            for &role in Role::ALL {
                expected.push((state, who, role));
            }
        }
    }
    let listed: Vec<_> = the_member_table()
        .iter()
        .map(|l| (l.state, l.who, l.role))
        .collect();
    assert_eq!(listed, expected);
}
