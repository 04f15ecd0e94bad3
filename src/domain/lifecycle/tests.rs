//! The rules for the bot, the jobs and the closure log; the role table is in
//! `domain::lifecycle_table`.

use chrono::Duration;

use super::*;

fn member(id: i64, role: Role) -> Actor {
    Actor::Member(Member {
        id,
        name: format!("Member {id}"),
        role,
    })
}

fn snapshot(state: ConversationState, assignee: Option<i64>) -> Snapshot {
    Snapshot {
        state,
        assignee_id: assignee,
        assignee_name: assignee.map(|id| format!("Member {id}")),
        outcome: (state == ConversationState::Closed).then_some(Outcome::Resolved),
        closed_by_id: (state == ConversationState::Closed).then_some(1),
        idle_for: Duration::hours(30),
        wait_noted: false,
    }
}

#[test]
fn changing_an_outcome_keeps_the_replaced_one() {
    let closed = snapshot(ConversationState::Closed, None);
    let change = decide(
        &closed,
        &member(1, Role::Agent),
        Action::Close {
            outcome: Outcome::Unresolved,
            reason: Some("Checked again".into()),
        },
    )
    .unwrap();
    assert_eq!(
        change.closure,
        Some(ClosureEntry {
            outcome: Outcome::Unresolved,
            replaced: Some(Outcome::Resolved),
            reason: Some("Checked again".into()),
        })
    );
    assert_eq!(change.note_outcome(), Some(Outcome::Unresolved));
}

#[test]
fn the_bot_and_the_jobs_have_their_own_rules() {
    use ConversationState::*;
    let escalate = Action::Escalate(SystemEvent::BotEscalated);
    let auto = Action::AutoClose {
        outcome: Outcome::Resolved,
        hours: 24,
    };
    // (who, state, action, resulting state or refusal)
    #[rustfmt::skip]
    let table: Vec<(Actor, Snapshot, Action, Result<ConversationState, Refusal>)> = vec![
        (Actor::Bot, snapshot(Bot, None), escalate.clone(), Ok(Waiting)),
        (Actor::Bot, snapshot(Waiting, None), escalate.clone(), Err(Refusal::NotWithBot)),
        (Actor::Bot, snapshot(Agent, Some(2)), escalate.clone(), Err(Refusal::NotWithBot)),
        (member(1, Role::Admin), snapshot(Bot, None), escalate, Err(Refusal::NotForThisActor("the bot"))),
        (Actor::System, snapshot(Bot, None), auto.clone(), Ok(Closed)),
        (Actor::System, snapshot(Waiting, None), auto.clone(), Ok(Closed)),
        (Actor::System, snapshot(Agent, Some(2)), auto.clone(), Err(Refusal::AlreadyTaken("Member 2".into()))),
        (Actor::System, snapshot(Closed, None), auto.clone(), Err(Refusal::Closed)),
        (Actor::System, Snapshot { idle_for: Duration::hours(23), ..snapshot(Bot, None) }, auto.clone(), Err(Refusal::RecentlyActive)),
        (Actor::Bot, snapshot(Bot, None), auto, Err(Refusal::NotForThisActor("automatic closing"))),
        (Actor::System, snapshot(Waiting, None), Action::NoteLongWait, Ok(Waiting)),
        (Actor::System, Snapshot { wait_noted: true, ..snapshot(Waiting, None) }, Action::NoteLongWait, Err(Refusal::AlreadyNoted)),
        (Actor::System, snapshot(Agent, Some(2)), Action::NoteLongWait, Err(Refusal::NotWaiting)),
        (Actor::System, snapshot(Bot, None), Action::TakeOver, Err(Refusal::NotForThisActor("a team member"))),
        // "That answered my question": only the customer, only while the bot has it.
        (Actor::Customer, snapshot(Bot, None), Action::ConfirmAnswer, Ok(Closed)),
        (Actor::Customer, snapshot(Waiting, None), Action::ConfirmAnswer, Err(Refusal::NotWithBot)),
        (Actor::Customer, snapshot(Agent, Some(2)), Action::ConfirmAnswer, Err(Refusal::NotWithBot)),
        (Actor::Customer, snapshot(Closed, None), Action::ConfirmAnswer, Err(Refusal::NotWithBot)),
        (Actor::Bot, snapshot(Bot, None), Action::ConfirmAnswer, Err(Refusal::NotForThisActor("the customer"))),
        (member(1, Role::Admin), snapshot(Bot, None), Action::ConfirmAnswer, Err(Refusal::NotForThisActor("the customer"))),
        (Actor::Customer, snapshot(Bot, None), Action::TakeOver, Err(Refusal::NotForThisActor("a team member"))),
        (Actor::Customer, snapshot(Bot, None), Action::Escalate(SystemEvent::BotEscalated), Err(Refusal::NotForThisActor("the bot"))),
    ];
    for (actor, snapshot, action, expected) in table {
        let got = decide(&snapshot, &actor, action.clone()).map(|t| t.state);
        assert_eq!(
            got, expected,
            "{actor:?} {action:?} on {:?}",
            snapshot.state
        );
    }
}

#[test]
fn a_lead_or_admin_releases_what_someone_else_holds() {
    use ConversationState::*;
    // (who, state, resulting state or refusal)
    #[rustfmt::skip]
    let table: Vec<(Actor, Snapshot, Result<ConversationState, Refusal>)> = vec![
        (member(1, Role::Admin), snapshot(Agent, Some(2)), Ok(Waiting)),
        (member(1, Role::Lead), snapshot(Agent, Some(2)), Ok(Waiting)),
        (member(1, Role::Agent), snapshot(Agent, Some(2)), Err(Refusal::OnlyLeadsRelease)),
        (member(1, Role::Admin), snapshot(Agent, Some(1)), Err(Refusal::AlreadyYours)),
        (member(1, Role::Admin), snapshot(Waiting, None), Err(Refusal::NotWithAgent)),
        (member(1, Role::Admin), snapshot(Bot, None), Err(Refusal::NotWithAgent)),
        (member(1, Role::Admin), snapshot(Closed, None), Err(Refusal::Closed)),
        (Actor::System, snapshot(Agent, Some(2)), Err(Refusal::NotForThisActor("a team member"))),
    ];
    for (actor, snapshot, expected) in table {
        let got = decide(&snapshot, &actor, Action::Release).map(|t| t.state);
        assert_eq!(got, expected, "{actor:?} on {:?}", snapshot.state);
    }
    let released = decide(
        &snapshot(Agent, Some(2)),
        &member(1, Role::Admin),
        Action::Release,
    )
    .unwrap();
    assert_eq!(released.assignee_id, None);
    assert_eq!(released.note, SystemEvent::Released);
    assert_eq!(
        released
            .note
            .note(released.note_names.as_deref(), released.note_hours),
        "Member 2 was deactivated; the conversation is waiting for the team again"
    );
}

#[test]
fn a_long_wait_is_only_a_note() {
    let noted = decide(
        &snapshot(ConversationState::Waiting, None),
        &Actor::System,
        Action::NoteLongWait,
    )
    .unwrap();
    assert!(noted.note_only);
    assert_eq!(noted.note, SystemEvent::WaitTimeExceeded);
}

#[test]
fn reasons_and_replies_are_checked() {
    assert_eq!(parse_reason("  "), Ok(None));
    assert!(parse_reason(&"x".repeat(501)).is_err());
    assert!(parse_reply(" \n ").is_err());
    assert_eq!(parse_reply(" hi "), Ok("hi".into()));
}
