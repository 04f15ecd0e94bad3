//! The visitor's message and a change by the team at the same moment: the message waits for the
//! change, then sees it, so the bot never answers in a conversation that has left it.

use std::sync::mpsc;
use std::time::Duration;

use diesel::prelude::*;
use hearken::db::schema::messages;
use hearken::domain::lifecycle::{Action, Actor, Member};
use hearken::domain::{Outcome, Role};
use hearken::models::article::{Article, NewArticle};
use hearken::models::conversation::{Acted, Conversation};

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;

async fn a_message_written_while_the_team_closes_is_not_answered_in_the_closed_conversation(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let now = hearken::models::now();
    Article::create(
        &mut app.db(),
        &NewArticle {
            title: "Reset your password",
            slug: "reset-password",
            body: "Forgot your password? Use the reset link on the sign-in page.",
            also_asked: "",
            published: true,
            created_at: now,
            updated_at: now,
        },
    )
    .unwrap();
    let admin = app.add_member(
        "Maya",
        "maya@example.com",
        Role::Admin,
        crate::helpers::PASSWORD,
    );
    let visitor = app.new_visitor();
    visitor
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "I forgot my password")],
        )
        .await;
    let id: i64 = messages::table
        .select(messages::conversation_id)
        .first(&mut app.db())
        .unwrap();
    let token = crate::helpers::csrf_token_in(&visitor.get_html("/chat").await);

    // Maya closes the conversation in a transaction that commits a moment later.
    let (closing, closed) = mpsc::channel();
    let mut conn = app.db();
    let closer = std::thread::spawn(move || {
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            let maya = Actor::Member(Member {
                id: admin.id,
                name: admin.name,
                role: Role::Admin,
            });
            let close = Action::Close {
                outcome: Outcome::Resolved,
                reason: None,
            };
            let zone = crate::helpers::team_zone(conn);
            let acted = Conversation::act(conn, id, 1, &maya, close, hearken::models::now(), zone)?;
            assert!(matches!(acted, Acted::Done { .. }), "{acted:?}");
            closing.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(800));
            Ok(())
        })
        .unwrap();
    });
    closed.recv().unwrap();
    let asked = visitor
        .post_raw(
            "/chat/messages",
            &[
                ("csrf_token", &token),
                ("body", "How do I reset my password?"),
            ],
        )
        .await;
    closer.join().unwrap();

    assert_eq!(asked.status().as_u16(), 303);
    let after_close: Vec<(String, String)> = messages::table
        .filter(messages::conversation_id.eq(id))
        .filter(messages::system_event.is_null())
        .order(messages::id)
        .select((messages::author, messages::body))
        .load(&mut app.db())
        .unwrap()
        .into_iter()
        .skip(2)
        .collect();
    assert_eq!(
        after_close,
        vec![],
        "nothing was added to the closed conversation"
    );
    let page = visitor.get_html("/chat").await;
    assert!(
        page.contains("How do I reset my password?"),
        "the message went to a new conversation"
    );
    crate::consistency::assert_every_conversation_agrees_with_its_notes(&mut app.db());
}

on_both_backends!(
    a_message_written_while_the_team_closes_is_not_answered_in_the_closed_conversation
);
