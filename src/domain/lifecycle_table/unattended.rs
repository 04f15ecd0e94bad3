//! The unattended table: for each state a conversation can be in and who holds (or closed) it,
//! what the bot, the background jobs and the customer may ask for leads to.

use chrono::Duration;

use super::cells::{holders, to, Cell, Expected, Who, AUTO_CLOSE_HOURS, TOM};
use crate::domain::lifecycle::{Action, Actor, Refusal};
use crate::domain::{ConversationState, Outcome, SystemEvent};

/// One line of the unattended table: a conversation and the result of what the bot, the
/// background jobs and the customer may do to it.
pub(super) struct Unattended {
    pub(super) state: ConversationState,
    pub(super) who: Who,
    pub(super) escalate: Expected,
    pub(super) close_automatically: Expected,
    pub(super) close_automatically_too_soon: Expected,
    pub(super) note_the_long_wait: Expected,
    pub(super) note_the_long_wait_again: Expected,
    pub(super) confirm_the_answer: Expected,
}

#[rustfmt::skip]
pub(super) fn the_unattended_table() -> Vec<Unattended> {
    use ConversationState as S;
    use Refusal as R;
    use SystemEvent as N;
    use Who::*;
    let line = |state, who, escalate, close_automatically, close_automatically_too_soon, note_the_long_wait, note_the_long_wait_again, confirm_the_answer| Unattended {
        state, who, escalate, close_automatically, close_automatically_too_soon, note_the_long_wait, note_the_long_wait_again, confirm_the_answer,
    };
    let tom = || TOM.to_owned();
    // Closing automatically: after 24 hours without activity, or (second column) an hour after
    // the last. The long wait: not noted yet, or (second column) noted already for this wait.
    vec![
        //                          the bot                          the background jobs                                                                                                   the customer
        //   state       by         escalate                         close automatically           (active an hour ago)         note the long wait                   (noted already)       confirm the answer
        line(S::Bot,     Nobody,    to(S::Waiting, N::BotEscalated), to(S::Closed, N::AutoClosed), Err(R::RecentlyActive),      Err(R::NotWaiting),                  Err(R::NotWaiting),   to(S::Closed, N::CustomerConfirmed)),
        line(S::Waiting, Nobody,    Err(R::NotWithBot),              to(S::Closed, N::AutoClosed), Err(R::RecentlyActive),      to(S::Waiting, N::WaitTimeExceeded), Err(R::AlreadyNoted), Err(R::NotWithBot)),
        // held by a member: theirs to close
        line(S::Agent,   Tom,       Err(R::NotWithBot),              Err(R::AlreadyTaken(tom())),  Err(R::AlreadyTaken(tom())), Err(R::NotWaiting),                  Err(R::NotWaiting),   Err(R::NotWithBot)),

        line(S::Closed,  Tom,       Err(R::NotWithBot),              Err(R::Closed),               Err(R::Closed),              Err(R::NotWaiting),                  Err(R::NotWaiting),   Err(R::NotWithBot)),
        line(S::Closed,  Automatic, Err(R::NotWithBot),              Err(R::Closed),               Err(R::Closed),              Err(R::NotWaiting),                  Err(R::NotWaiting),   Err(R::NotWithBot)),
    ]
}

/// The unattended table's cells of `line`: who acts, what they ask for and how long the
/// conversation has been idle (a day and an hour, or an hour in the "too soon" column).
pub(super) fn unattended_cells(line: &Unattended) -> Vec<Cell<'_>> {
    let auto_close = || Action::AutoClose {
        outcome: Outcome::Resolved,
        hours: AUTO_CLOSE_HOURS,
    };
    let cell = |column, actor, action, expected| Cell {
        column,
        actor,
        action,
        idle_for: Duration::hours(i64::from(AUTO_CLOSE_HOURS) + 1),
        wait_noted: false,
        expected,
    };
    let escalate = Action::Escalate(SystemEvent::BotEscalated);
    vec![
        cell("escalate", Actor::Bot, escalate, &line.escalate),
        cell(
            "close automatically",
            Actor::System,
            auto_close(),
            &line.close_automatically,
        ),
        Cell {
            idle_for: Duration::hours(1),
            ..cell(
                "close automatically, active an hour ago",
                Actor::System,
                auto_close(),
                &line.close_automatically_too_soon,
            )
        },
        cell(
            "note the long wait",
            Actor::System,
            Action::NoteLongWait,
            &line.note_the_long_wait,
        ),
        Cell {
            wait_noted: true,
            ..cell(
                "note the long wait, noted already",
                Actor::System,
                Action::NoteLongWait,
                &line.note_the_long_wait_again,
            )
        },
        cell(
            "confirm the answer",
            Actor::Customer,
            Action::ConfirmAnswer,
            &line.confirm_the_answer,
        ),
    ]
}

#[test]
fn the_unattended_table_lists_every_state_and_holder_once() {
    let mut expected = Vec::new();
    for &state in ConversationState::ALL {
        for &who in holders(state).iter().filter(|&&who| who != Who::Me) {
            expected.push((state, who));
        }
    }
    let listed: Vec<_> = the_unattended_table()
        .iter()
        .map(|l| (l.state, l.who))
        .collect();
    assert_eq!(listed, expected);
}
