//! Under each of the bot's answers the customer may say "That answered my question" (the
//! conversation closes as Resolved by the bot, noted "Customer confirmed the answer") or "I
//! still need help" (as "Talk to a person": the conversation waits for the team; with human
//! support off, the bot says how else to reach the team). Only the latest answer, while the bot
//! has the conversation, can be answered so: an older button does nothing.

use diesel::QueryResult;

use super::answer::{self, Quoted};
use super::intake::{escalate_to_team, find_quotes, say};
use super::Bot;
use crate::db::AnyConnection;
use crate::domain::lifecycle::{Action, Actor};
use crate::domain::{Author, ConversationState, SystemEvent};
use crate::models::conversation::{Acted, Conversation};
use crate::models::message::Message;
use crate::models::team_settings::TeamSettings;

/// What the customer's click did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Feedback {
    /// Closed as Resolved by the bot.
    Confirmed,
    /// Passed to the team's queue.
    Escalated,
    /// Human support is off: the bot said how else to reach the team.
    Redirected,
    /// Not the latest answer, or the bot no longer has the conversation: nothing changed.
    Unchanged,
}

/// What the customer writes when asking for more help.
pub const STILL_NEED_HELP: &str = "I still need help.";

/// What the bot asks its index when human support is off and the customer still needs help.
const HOW_TO_REACH: &str = "How can I call or email the team?";

/// How the bot says the team cannot join the chat now, worked out with no transaction open
/// (searching the index is slow work): the help center's contact passage when it has one.
pub fn plan_redirect(conn: &mut AnyConnection, bot: &Bot) -> QueryResult<(String, Vec<i64>)> {
    let min_confidence = TeamSettings::get(conn)?.bot_min_confidence;
    let quotes: Vec<Quoted> = find_quotes(conn, bot, HOW_TO_REACH, min_confidence)?;
    let Some(contact) = quotes.first() else {
        return Ok((
            "Sorry that didn't help. The team isn't available in this chat right now; please \
             use the contact details on this website to reach them."
                .to_owned(),
            Vec::new(),
        ));
    };
    Ok((
        format!(
            "Sorry that didn't help. The team isn't available in this chat right now. {}",
            answer::compose(std::slice::from_ref(contact))
        ),
        vec![contact.article_id],
    ))
}

fn applies(
    conn: &mut AnyConnection,
    conversation: &Conversation,
    message_id: i64,
) -> QueryResult<bool> {
    Ok(conversation.state == ConversationState::Bot
        && Message::is_latest_answer(conn, conversation.id, message_id)?)
}

/// "That answered my question" for answer `message_id`. Call inside a write transaction, with
/// `conversation` read under its lock.
pub fn confirm(
    conn: &mut AnyConnection,
    conversation: &Conversation,
    message_id: i64,
) -> QueryResult<Feedback> {
    if !applies(conn, conversation, message_id)? {
        return Ok(Feedback::Unchanged);
    }
    let now = TeamSettings::get(conn)?.time_zone.at(crate::models::now());
    let acted = Conversation::act(
        conn,
        conversation.id,
        conversation.version,
        &Actor::Customer,
        Action::ConfirmAnswer,
        now,
    )?;
    Ok(match acted {
        Acted::Done { .. } => Feedback::Confirmed,
        _ => Feedback::Unchanged,
    })
}

/// "I still need help" for answer `message_id`; `redirect` is what the bot says when human
/// support is off ([`plan_redirect`]). Call inside a write transaction, with `conversation`
/// read under its lock.
pub fn still_need_help(
    conn: &mut AnyConnection,
    conversation: &Conversation,
    message_id: i64,
    redirect: &(String, Vec<i64>),
) -> QueryResult<Feedback> {
    if !applies(conn, conversation, message_id)? {
        return Ok(Feedback::Unchanged);
    }
    say(conn, conversation.id, Author::Customer, STILL_NEED_HELP)?;
    if TeamSettings::get(conn)?.human_support_enabled {
        let escalated = escalate_to_team(conn, conversation, SystemEvent::CustomerRequestedHuman)?;
        return Ok(if escalated {
            Feedback::Escalated
        } else {
            Feedback::Unchanged
        });
    }
    let (body, cited) = redirect;
    let message = say(conn, conversation.id, Author::Bot, body)?;
    for article_id in cited {
        Message::cite(conn, message.id, *article_id)?;
    }
    Conversation::touch(conn, conversation.id, crate::models::now())?;
    Ok(Feedback::Redirected)
}
