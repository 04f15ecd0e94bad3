//! The demo's customer side: verdicts on some closed conversations (a few disagreeing with the
//! team), customers who came back within the window (and some just after it), and an article
//! edited in the middle of the last month, so every figure of Reports has something to show.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::dice::Dice;
use crate::db::schema::{articles, conversations};
use crate::db::AnyConnection;
use crate::domain::lifecycle::{Action, Actor};
use crate::domain::outcomes::Verdict;
use crate::domain::{Author, ConversationState, Outcome};
use crate::models::conversation::{Acted, Conversation, NewConversation};
use crate::models::message::{Message, NewMessage};
use crate::models::team_settings::TeamSettings;
use crate::models::verdict::VerdictRow;

/// Verdicts, returns and an article edit on the demo's closed conversations.
pub fn play(conn: &mut AnyConnection, dice: &mut Dice, now: NaiveDateTime) -> anyhow::Result<()> {
    let closed: Vec<(i64, i64, Option<NaiveDateTime>, Option<Outcome>)> = conversations::table
        .filter(conversations::state.eq(ConversationState::Closed))
        .order(conversations::id.asc())
        .select((
            conversations::id,
            conversations::customer_id,
            conversations::closed_at,
            conversations::outcome,
        ))
        .load(conn)?;
    for (id, customer_id, closed_at, outcome) in closed {
        let (Some(closed_at), Some(outcome)) = (closed_at, outcome) else {
            continue;
        };
        // The customer's browser, as the widget would have kept it.
        let hash = format!("demo-visitor-{id}");
        diesel::update(conversations::table.find(id))
            .set(conversations::visitor_token_hash.eq(&hash))
            .execute(conn)?;
        let answered = closed_at + Duration::minutes(1 + dice.below(90) as i64);
        if dice.percent(35) && answered < now {
            // Mostly in line with the team's outcome; some customers see it otherwise.
            let agrees = !dice.percent(15);
            let answer = match (outcome, agrees) {
                (Outcome::Resolved, true) | (Outcome::Unresolved, false) => Verdict::Yes,
                _ => Verdict::No,
            };
            let comment = (answer == Verdict::No && dice.percent(50))
                .then_some("The problem is still there.");
            VerdictRow::give(conn, &hash, answer, comment, answered)?;
        }
        // Some write again: most within the 3-day window, a few just after it.
        let back_after = match dice.below(100) {
            0..=9 => Duration::hours(2 + dice.below(60) as i64),
            10..=12 => Duration::hours(80 + dice.below(40) as i64),
            _ => continue,
        };
        let back_at = closed_at + back_after;
        // Left for the automatic close a day later, which must be over by now.
        if back_at + Duration::hours(26) >= now {
            continue;
        }
        let again = Conversation::create(
            conn,
            &NewConversation::with_bot(customer_id, back_at, Some(format!("{hash}-again"))),
        )?;
        Message::create(
            conn,
            &NewMessage {
                conversation_id: again.id,
                author: Author::Customer,
                author_user_id: None,
                body: "Hello again: about my earlier question.",
                system_event: None,
                event_outcome: None,
                created_at: back_at,
            },
        )?;
        if let Some(earlier) = Conversation::returning_from(conn, Some(&hash), None, back_at, 3)? {
            Conversation::record_return(conn, again.id, &earlier, back_at)?;
        }
        let close = Action::AutoClose {
            outcome: Outcome::Resolved,
            hours: 24,
        };
        let closed_at = back_at + Duration::hours(25);
        let closed_at = TeamSettings::get(conn)?.time_zone.at(closed_at);
        match Conversation::act(
            conn,
            again.id,
            again.version,
            &Actor::System,
            close,
            closed_at,
        )? {
            Acted::Done { .. } => {}
            other => anyhow::bail!(
                "the demo's returning conversation #{} broke the rules: {other:?}",
                again.id
            ),
        }
    }
    // The first article was improved about two weeks ago.
    let edited = now - Duration::days(15);
    let first: Option<i64> = articles::table
        .order(articles::id.asc())
        .select(articles::id)
        .first(conn)
        .optional()?;
    if let Some(id) = first {
        diesel::update(articles::table.find(id))
            .set(articles::updated_at.eq(edited))
            .execute(conn)?;
    }
    Ok(())
}
