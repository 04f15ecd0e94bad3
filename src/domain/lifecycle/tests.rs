//! What the lifecycle tables (`domain::lifecycle_table`) do not show: the closure-log row, the
//! note's wording, a note-only change, the reason and reply checks.

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
fn a_release_names_the_deactivated_holder() {
    use ConversationState::*;
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
