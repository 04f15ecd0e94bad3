//! Races that only PostgreSQL lets happen (SQLite has one writer at a time): two admins demoting
//! each other, and opposite outcome changes moving the same counters at once.

use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use hearken::db::schema::users;
use hearken::domain::lifecycle::{Action, Actor, Member};
use hearken::domain::{Author, ConversationState, Outcome, Role};
use hearken::models::article::{Article, NewArticle};
use hearken::models::conversation::{Acted, Conversation};
use hearken::models::message::{Message, NewMessage};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both_backends;

async fn two_admins_demoting_each_other_leave_an_admin(backend: Backend) {
    let app = spawn_app(backend).await;
    let maya = app
        .member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;
    let jonas_browser = app.new_visitor();
    let jonas = app
        .member_signed_in(&jonas_browser, "jonas", Role::Admin)
        .await;
    for round in 0..8 {
        diesel::update(users::table)
            .set(users::role.eq("admin"))
            .execute(&mut app.db())
            .unwrap();
        let maya_page = app.get_html("/team").await;
        let jonas_page = jonas_browser.get_html("/team").await;
        let token = crate::helpers::csrf_token_in;
        let (maya_token, jonas_token) = (token(&maya_page), token(&jonas_page));
        let demote_jonas = format!("/team/{}/role", jonas.id);
        let demote_maya = format!("/team/{}/role", maya.id);
        let by_maya = [("csrf_token", maya_token.as_str()), ("role", "lead")];
        let by_jonas = [("csrf_token", jonas_token.as_str()), ("role", "lead")];
        let (a, b) = tokio::join!(
            app.post_raw(&demote_jonas, &by_maya),
            jonas_browser.post_raw(&demote_maya, &by_jonas),
        );
        let statuses = [a.status().as_u16(), b.status().as_u16()];
        assert!(
            statuses.iter().all(|s| *s == 303 || *s == 409 || *s == 403),
            "{statuses:?}"
        );
        let admins: i64 = users::table
            .filter(users::role.eq("admin"))
            .filter(users::active.eq(true))
            .count()
            .get_result(&mut app.db())
            .unwrap();
        assert_eq!(admins, 1, "round {round}: {statuses:?}");
    }
}

/// A closed conversation citing `article`, closed as `outcome` by `closer`.
fn closed_citing(app: &TestApp, article: i64, outcome: Outcome, closer: &Actor) -> i64 {
    let id = app.conversation(None, ConversationState::Waiting, None, "Hi");
    let mut conn = app.db();
    let message = Message::create(
        &mut conn,
        &NewMessage {
            conversation_id: id,
            author: Author::Bot,
            author_user_id: None,
            body: "This article should help.",
            system_event: None,
            event_outcome: None,
            created_at: hearken::models::now(),
        },
    )
    .unwrap();
    Message::cite(&mut conn, message.id, article).unwrap();
    let close = Action::Close {
        outcome,
        reason: None,
    };
    let zone = crate::helpers::team_zone(&mut conn);
    let acted = Conversation::act(
        &mut conn,
        id,
        1,
        closer,
        close,
        zone.at(hearken::models::now()),
    );
    assert!(matches!(acted, Ok(Acted::Done { .. })), "{acted:?}");
    id
}

async fn opposite_outcome_changes_at_once_never_fail(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.add_member(
        "Maya",
        "maya@example.com",
        Role::Admin,
        crate::helpers::PASSWORD,
    );
    let closer = Actor::Member(Member {
        id: admin.id,
        name: admin.name.clone(),
        role: Role::Admin,
    });
    let now = hearken::models::now();
    let article = Article::create(
        &mut app.db(),
        &NewArticle {
            title: "Refunds",
            slug: "refunds",
            body: "…",
            also_asked: "",
            published: true,
            created_at: now,
            updated_at: now,
        },
    )
    .unwrap()
    .id;
    // The counters are split into slots by conversation id: the two must share a slot (and
    // their day and cited article) for their changes to move the same counter rows.
    let first = closed_citing(&app, article, Outcome::Resolved, &closer);
    let slot = |id: i64| id.rem_euclid(hearken::models::report_count::SLOTS);
    loop {
        let filler = app.conversation(None, ConversationState::Bot, None, "Filler");
        if slot(filler + 1) == slot(first) {
            break;
        }
    }
    let second = closed_citing(&app, article, Outcome::Unresolved, &closer);
    assert_eq!(
        slot(second),
        slot(first),
        "#{first} and #{second} share a slot"
    );
    let rounds = 12;
    let barrier = Arc::new(Barrier::new(2));
    let zone = crate::helpers::team_zone(&mut app.db());
    let workers: Vec<_> = [(first, Outcome::Resolved), (second, Outcome::Unresolved)]
        .into_iter()
        .map(|(id, start)| {
            let (barrier, closer, mut conn) = (barrier.clone(), closer.clone(), app.db());
            std::thread::spawn(move || {
                let mut outcome = start;
                // A failed change is noted, not panicked on: the other thread would wait at
                // the barrier for ever.
                let mut failed = Vec::new();
                for round in 0..rounds {
                    outcome = outcome.other();
                    let version = Conversation::find(&mut conn, id).unwrap().unwrap().version;
                    let change = Action::Close {
                        outcome,
                        reason: None,
                    };
                    barrier.wait();
                    let acted = Conversation::act(
                        &mut conn,
                        id,
                        version,
                        &closer,
                        change,
                        zone.at(hearken::models::now()),
                    );
                    if !matches!(acted, Ok(Acted::Done { .. })) {
                        failed.push(format!("conversation #{id}, round {round}: {acted:?}"));
                    }
                }
                failed
            })
        })
        .collect();
    let failed: Vec<String> = workers
        .into_iter()
        .flat_map(|worker| worker.join().unwrap())
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    crate::consistency::assert_every_conversation_agrees_with_its_notes(&mut app.db());
    crate::consistency::assert_counters_equal_a_recount(&mut app.db());
}

on_both_backends!(
    two_admins_demoting_each_other_leave_an_admin,
    opposite_outcome_changes_at_once_never_fail,
);
