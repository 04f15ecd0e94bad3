//! The customer and the team (or the background jobs) at the same moment: whoever comes second
//! waits for the first under the conversation's lock, then sees what it did. The visitor's message
//! never gets a bot answer in a conversation that has left the bot, the bot's planned answer is
//! not written once an agent took the conversation, and automatic closing leaves a conversation
//! the customer just wrote in open. The report counters equal a recount afterwards.

use std::sync::{mpsc, Arc};
use std::time::Duration;

use diesel::prelude::*;
use hearken::bot::intake::{self, Handled, Plan};
use hearken::bot::Bot;
use hearken::db::schema::{conversations, messages, team_settings};
use hearken::domain::lifecycle::{Action, Actor, Member};
use hearken::domain::{ConversationState, Outcome, Role};
use hearken::jobs::auto_close::close_inactive;
use hearken::models::article::{Article, NewArticle};
use hearken::models::conversation::{Acted, Conversation};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both_backends;

/// How long the first transaction keeps its lock after the second one was started.
const HELD_FOR: Duration = Duration::from_millis(800);

fn password_article(app: &TestApp) {
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
}

/// Runs `work` in a transaction on its own connection and thread, and returns once `work` is
/// done but not committed: the commit comes `HELD_FOR` later, when the thread is joined.
fn in_a_transaction_committed_later(
    app: &TestApp,
    work: impl FnOnce(&mut hearken::db::AnyConnection) -> QueryResult<()> + Send + 'static,
) -> std::thread::JoinHandle<()> {
    let (done, worked) = mpsc::channel();
    let mut conn = app.db();
    let thread = std::thread::spawn(move || {
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            work(conn)?;
            done.send(()).unwrap();
            std::thread::sleep(HELD_FOR);
            Ok(())
        })
        .unwrap();
    });
    worked.recv().expect("the first transaction did its work");
    thread
}

async fn a_message_written_while_the_team_closes_is_not_answered_in_the_closed_conversation(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    password_article(&app);
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
    let closer = in_a_transaction_committed_later(&app, move |conn| {
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
        let acted = Conversation::act(conn, id, 1, &maya, close, zone.at(hearken::models::now()))?;
        assert!(matches!(acted, Acted::Done { .. }), "{acted:?}");
        Ok(())
    });
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
    crate::consistency::assert_counters_equal_a_recount(&mut app.db());
}

async fn a_take_over_between_the_bots_plan_and_its_answer_keeps_the_bot_quiet(backend: Backend) {
    let app = spawn_app(backend).await;
    password_article(&app);
    let priya = app.add_member(
        "Priya",
        "priya@example.com",
        Role::Agent,
        crate::helpers::PASSWORD,
    );
    let question = "I forgot my password";
    let id = app.conversation(Some("Noor"), ConversationState::Bot, None, question);
    // The bot works out its answer with no transaction open, as after a visitor's message.
    let bot = Bot {
        knowledge: Arc::default(),
        llm: None,
    };
    let plan = intake::plan(&mut app.db(), &bot, question).unwrap();
    assert!(
        matches!(plan, Plan::Quote(_)),
        "the bot means to answer: {plan:?}"
    );
    let plan = intake::write_reply(&bot, question, plan);

    // Priya takes the conversation over in a transaction that commits a moment later.
    let zone = crate::helpers::team_zone(&mut app.db());
    let taker = in_a_transaction_committed_later(&app, move |conn| {
        let priya = Actor::Member(Member {
            id: priya.id,
            name: priya.name,
            role: Role::Agent,
        });
        let acted = Conversation::act(
            conn,
            id,
            1,
            &priya,
            Action::TakeOver,
            zone.at(hearken::models::now()),
        )?;
        assert!(matches!(acted, Acted::Done { .. }), "{acted:?}");
        Ok(())
    });
    let handled = intake::carry_out(&mut app.db(), id, plan).unwrap();
    taker.join().unwrap();

    assert_eq!(handled, Handled::LeftToTheTeam);
    let bot_messages: i64 = messages::table
        .filter(messages::conversation_id.eq(id))
        .filter(messages::author.eq("bot"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(bot_messages, 0, "the bot wrote nothing");
    let stored = app.stored(id);
    assert_eq!(
        (stored.state, stored.assignee_id),
        (ConversationState::Agent, Some(priya.id)),
        "Priya holds it"
    );
    crate::consistency::assert_every_conversation_agrees_with_its_notes(&mut app.db());
    crate::consistency::assert_counters_equal_a_recount(&mut app.db());
}

async fn a_customer_writing_while_automatic_closing_runs_keeps_the_conversation_open(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    diesel::update(team_settings::table)
        .set((
            team_settings::auto_close_enabled.eq(true),
            team_settings::auto_close_after_hours.eq(2),
        ))
        .execute(&mut app.db())
        .unwrap();
    let id = app.conversation(Some("Noor"), ConversationState::Bot, None, "Hello?");
    let three_hours_ago = hearken::models::now() - chrono::Duration::hours(3);
    diesel::update(conversations::table.find(id))
        .set(conversations::last_activity_at.eq(three_hours_ago))
        .execute(&mut app.db())
        .unwrap();

    // The customer writes, in a transaction that commits a moment later: automatic closing
    // still reads the conversation as inactive, then waits for its lock.
    let customer = in_a_transaction_committed_later(&app, move |conn| {
        let conversation = Conversation::find_locked(conn, id)?.expect("the conversation");
        intake::store(conn, &conversation, "Are you still there?")?;
        Ok(())
    });
    let now = hearken::models::now();
    let cutoff = now - chrono::Duration::hours(2);
    let candidates = Conversation::inactive_since(&mut app.db(), cutoff, 10).unwrap();
    assert!(
        candidates.iter().any(|c| c.id == id),
        "automatic closing reads it as a candidate"
    );
    let closed = close_inactive(&mut app.db(), now).unwrap();
    customer.join().unwrap();

    assert_eq!(closed, 0);
    assert_eq!(app.stored(id).state, ConversationState::Bot, "still open");
    assert!(
        app.notes(id).is_empty(),
        "no closing note: {:?}",
        app.notes(id)
    );
    assert!(app.closures(id).is_empty());
    assert_eq!(app.message_count(id), 2, "the customer's message is kept");
    crate::consistency::assert_every_conversation_agrees_with_its_notes(&mut app.db());
    crate::consistency::assert_counters_equal_a_recount(&mut app.db());
}

on_both_backends!(
    a_message_written_while_the_team_closes_is_not_answered_in_the_closed_conversation,
    a_take_over_between_the_bots_plan_and_its_answer_keeps_the_bot_quiet,
    a_customer_writing_while_automatic_closing_runs_keeps_the_conversation_open,
);
