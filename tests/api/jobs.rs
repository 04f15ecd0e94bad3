//! The background job that closes conversations left inactive.

use chrono::Duration;
use diesel::prelude::*;
use hearken::db::schema::{conversations, team_settings};
use hearken::domain::{ConversationState, Outcome, Role};
use hearken::jobs::auto_close::close_inactive;

use crate::helpers::{cells, csv_rows, spawn_app, Backend, TestApp};
use crate::on_both_backends;

fn inactive_for(app: &TestApp, id: i64, hours: i64) {
    diesel::update(conversations::table.find(id))
        .set(conversations::last_activity_at.eq(hearken::models::now() - Duration::hours(hours)))
        .execute(&mut app.db())
        .unwrap();
}

fn auto_close_after(app: &TestApp, hours: Option<i32>, outcome: &str) {
    diesel::update(team_settings::table)
        .set((
            team_settings::auto_close_enabled.eq(hours.is_some()),
            team_settings::auto_close_after_hours.eq(hours.unwrap_or(24)),
            team_settings::auto_close_outcome.eq(outcome),
        ))
        .execute(&mut app.db())
        .unwrap();
}

async fn inactive_bot_and_waiting_conversations_close_by_themselves(backend: Backend) {
    let app = spawn_app(backend).await;
    let priya = app.add_member(
        "Priya",
        "priya@example.com",
        Role::Agent,
        crate::helpers::PASSWORD,
    );
    auto_close_after(&app, Some(2), "resolved");
    let quiet_bot = app.conversation(None, ConversationState::Bot, None, "Thanks, that helped");
    let quiet_waiting = app.conversation(None, ConversationState::Waiting, None, "Hello?");
    let held = app.conversation(
        None,
        ConversationState::Agent,
        Some(priya.id),
        "Still there?",
    );
    let recent = app.conversation(None, ConversationState::Bot, None, "Just asked");
    for id in [quiet_bot, quiet_waiting, held] {
        inactive_for(&app, id, 3);
    }
    inactive_for(&app, recent, 1);

    let closed = close_inactive(&mut app.db(), hearken::models::now()).unwrap();

    assert_eq!(closed, 2);
    for id in [quiet_bot, quiet_waiting] {
        let stored = app.stored(id);
        assert_eq!(stored.state, ConversationState::Closed);
        assert_eq!(stored.outcome, Some(Outcome::Resolved));
        assert_eq!(stored.closed_by_id, None);
        assert_eq!(
            app.notes(id).last().unwrap(),
            &(
                "Closed automatically after 2 hours without activity".to_owned(),
                Some("resolved".to_owned())
            )
        );
        assert_eq!(
            app.closures(id),
            vec![("resolved".to_owned(), None, None, None)]
        );
    }
    assert_eq!(
        app.stored(held).state,
        ConversationState::Agent,
        "an agent's conversation is theirs to close"
    );
    assert_eq!(app.stored(recent).state, ConversationState::Bot);
    // A second run finds nothing more; the report counts them as closed automatically.
    assert_eq!(
        close_inactive(&mut app.db(), hearken::models::now()).unwrap(),
        0
    );
    app.member_signed_in(&app.visitor, "lead", Role::Lead).await;
    let members = app.get_html("/reports/members.csv?period=7").await;
    let rows = csv_rows(&members);
    let automatic = rows
        .iter()
        .find(|row| row["member"] == "Closed automatically")
        .unwrap_or_else(|| panic!("{members}"));
    assert_eq!(
        cells(automatic, ["closed", "resolved", "unresolved"]),
        ["2", "2", "0"].map(String::from),
        "{members}"
    );
}

async fn nothing_closes_when_auto_close_is_off(backend: Backend) {
    let app = spawn_app(backend).await;
    auto_close_after(&app, None, "unresolved");
    let quiet = app.conversation(None, ConversationState::Bot, None, "Hi");
    inactive_for(&app, quiet, 500);

    assert_eq!(
        close_inactive(&mut app.db(), hearken::models::now()).unwrap(),
        0
    );
    assert_eq!(app.stored(quiet).state, ConversationState::Bot);
}

on_both_backends!(
    inactive_bot_and_waiting_conversations_close_by_themselves,
    nothing_closes_when_auto_close_is_off,
);

async fn long_waits_get_one_note_and_stand_out_on_live_support(backend: Backend) {
    use hearken::jobs::wait_time::note_long_waits;
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let long = app.conversation(Some("Noor"), ConversationState::Waiting, None, "Hello?");
    let short = app.conversation(Some("Lukas"), ConversationState::Waiting, None, "Hi");
    diesel::update(conversations::table.find(long))
        .set(conversations::waiting_since.eq(hearken::models::now() - Duration::minutes(20)))
        .execute(&mut app.db())
        .unwrap();

    let noted = note_long_waits(&mut app.db(), hearken::models::now()).unwrap();

    assert_eq!(noted, 1);
    assert_eq!(
        app.notes(long),
        vec![("Agent wait time exceeded".to_owned(), None)]
    );
    assert!(app.notes(short).is_empty());
    assert_eq!(
        note_long_waits(&mut app.db(), hearken::models::now()).unwrap(),
        0,
        "once per wait"
    );
    let board = app.get_html("/live/board").await;
    let card = board
        .split(&format!("id=\"waiting-{long}\""))
        .nth(1)
        .unwrap()
        .split("</article>")
        .next()
        .unwrap();
    assert!(card.contains("Longer than the 15-minute target"));
    assert!(!board
        .split(&format!("id=\"waiting-{short}\""))
        .nth(1)
        .unwrap()
        .split("</article>")
        .next()
        .unwrap()
        .contains("target"));
    assert!(board.contains("conv-card overdue\" id=\"waiting-"));
}

on_both_backends!(long_waits_get_one_note_and_stand_out_on_live_support);

async fn instances_running_the_job_together_note_a_wait_once(backend: Backend) {
    use hearken::jobs::wait_time::note_long_waits;
    let app = spawn_app(backend).await;
    let long = app.conversation(None, ConversationState::Waiting, None, "Hello?");
    diesel::update(conversations::table.find(long))
        .set(conversations::waiting_since.eq(hearken::models::now() - Duration::minutes(30)))
        .execute(&mut app.db())
        .unwrap();

    // Four "instances", each with its own connection, at the same moment.
    let now = hearken::models::now();
    let noted: usize = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..4)
            .map(|_| {
                let mut conn = app.db();
                scope.spawn(move || note_long_waits(&mut conn, now).unwrap())
            })
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).sum()
    });

    assert_eq!(noted, 1);
    assert_eq!(app.notes(long).len(), 1);
}

on_both_backends!(instances_running_the_job_together_note_a_wait_once);
