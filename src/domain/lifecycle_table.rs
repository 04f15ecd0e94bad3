//! The lifecycle rules as literal tables, read like the role table in the README. Each cell is
//! what `decide` answers: the state the conversation moves to with the note written, or the
//! exact refusal.
//!
//! - `who_may_ask` (here): which kind of actor each action is for; anyone else is refused,
//!   whatever the conversation.
//! - `members.rs`: for each state a conversation can be in, who holds it (or closed it), and the
//!   role of the member acting, what each member action leads to.
//! - `unattended.rs`: the same for the bot, the background jobs and the customer.
//!
//! `column` names the column of every kind of action with a match that has no wildcard, so a
//! new action does not compile until it has a column. Every call goes through `result_of` in
//! `cells.rs`, so a change to the signature of `decide` means editing that one function, never
//! the tables.

mod cells;
mod members;
mod unattended;

use chrono::Duration;

use crate::domain::lifecycle::{Action, Actor, Refusal};
use crate::domain::{ConversationState, Role};
use cells::{holders, kind_of, priya, result_of, Cell, Kind, AUTO_CLOSE_HOURS};
use members::{member_cells, the_member_table};
use unattended::{the_unattended_table, unattended_cells};

/// Whether an actor may ask for an action at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum May {
    /// Theirs to ask for: what happens depends on the conversation, as their state table says.
    Yes,
    /// Refused whatever the conversation: "Only {0} does this."
    No(&'static str),
}

/// The columns of `who_may_ask`, one per kind of action (`column` names each action's).
const ACTIONS: [&str; 9] = [
    "take over",
    "hand back",
    "close",
    "reopen",
    "release",
    "escalate",
    "close automatically",
    "note the long wait",
    "confirm the answer",
];

/// The column of `who_may_ask` for `action`. No wildcard on purpose: a new kind of action does
/// not compile until it is named here, and the tests then fail until it is in `ACTIONS` (which
/// makes every line of `who_may_ask` need a cell) and has a column in the state table of
/// whoever may ask for it.
fn column(action: &Action) -> &'static str {
    match action {
        Action::TakeOver => "take over",
        Action::HandBack => "hand back",
        Action::Close { .. } => "close",
        Action::Reopen => "reopen",
        Action::Release => "release",
        Action::Escalate(_) => "escalate",
        Action::AutoClose { .. } => "close automatically",
        Action::NoteLongWait => "note the long wait",
        Action::ConfirmAnswer => "confirm the answer",
    }
}

#[rustfmt::skip]
fn who_may_ask() -> [(Kind, [May; ACTIONS.len()]); 4] {
    use May::Yes;
    let team = May::No("a team member");
    let bot = May::No("the bot");
    let jobs = May::No("automatic closing");
    let customer = May::No("the customer");
    [
        //               take over  hand back  close  reopen  release  escalate  close automatically  note the long wait  confirm the answer
        (Kind::Member,   [Yes,       Yes,       Yes,   Yes,    Yes,     bot,      jobs,                jobs,               customer]),
        (Kind::Bot,      [team,      team,      team,  team,   team,    Yes,      jobs,                jobs,               customer]),
        (Kind::System,   [team,      team,      team,  team,   team,    bot,      Yes,                 Yes,                customer]),
        (Kind::Customer, [team,      team,      team,  team,   team,    bot,      jobs,                jobs,               Yes]),
    ]
}

#[test]
fn every_action_has_the_result_the_tables_give() {
    let members = the_member_table();
    let unattended = the_unattended_table();
    let lines = members
        .iter()
        .map(|l| (l.state, l.who, member_cells(l)))
        .chain(
            unattended
                .iter()
                .map(|l| (l.state, l.who, unattended_cells(l))),
        );
    let mut wrong = Vec::new();
    for (state, who, cells) in lines {
        for cell in cells {
            let actual = result_of(state, who, &cell);
            if &actual != cell.expected {
                wrong.push(format!(
                    "{state:?} conversation, {who:?}, {:?} acting, {}: expected {:?}, got {actual:?}",
                    cell.actor, cell.column, cell.expected
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// Every action the state tables ask for, each with the kind of actor asking.
fn every_asked_action() -> Vec<(Kind, Action)> {
    let members = the_member_table();
    let unattended = the_unattended_table();
    let member_cells = members.iter().flat_map(member_cells);
    let unattended_cells = unattended.iter().flat_map(unattended_cells);
    member_cells
        .chain(unattended_cells)
        .map(|cell| (kind_of(&cell.actor), cell.action))
        .collect()
}

#[test]
fn every_kind_of_action_has_a_column_in_the_table_of_whoever_may_ask() {
    let asked = every_asked_action();
    for (kind, mays) in who_may_ask() {
        for (name, may) in ACTIONS.iter().zip(mays) {
            let in_their_table = asked
                .iter()
                .any(|(by, action)| *by == kind && column(action) == *name);
            assert_eq!(
                in_their_table,
                may == May::Yes,
                "{kind:?} may ask to {name}: {may:?}, but their state table {} it",
                if in_their_table { "has" } else { "lacks" }
            );
        }
    }
    for (_, action) in &asked {
        assert!(
            ACTIONS.contains(&column(action)),
            "{action:?} has no column"
        );
    }
}

#[test]
fn nobody_may_ask_for_what_is_not_theirs() {
    let asked = every_asked_action();
    let one_of = |name: &str| {
        asked
            .iter()
            .map(|(_, action)| action)
            .find(|action| column(action) == name)
            .cloned()
            .expect("every column is asked for in a state table")
    };
    let mut wrong = Vec::new();
    for (kind, mays) in who_may_ask() {
        for (name, may) in ACTIONS.iter().zip(mays) {
            let May::No(only) = may else { continue };
            for &state in ConversationState::ALL {
                for &who in holders(state) {
                    for &role in Role::ALL {
                        let actor = match kind {
                            Kind::Member => priya(role),
                            Kind::Bot => Actor::Bot,
                            Kind::System => Actor::System,
                            Kind::Customer => Actor::Customer,
                        };
                        let cell = Cell {
                            column: name,
                            actor,
                            action: one_of(name),
                            idle_for: Duration::hours(i64::from(AUTO_CLOSE_HOURS) + 1),
                            wait_noted: false,
                            expected: &Err(Refusal::NotForThisActor(only)),
                        };
                        let actual = result_of(state, who, &cell);
                        if &actual != cell.expected {
                            wrong.push(format!(
                                "{kind:?} asking to {name} on {state:?}, {who:?}: got {actual:?}"
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
