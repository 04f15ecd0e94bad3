//! What happens when a customer writes: the message is stored, then the bot answers, or the
//! conversation escalates to the team, or (while the team has it) the bot stays quiet.

use diesel::QueryResult;

use super::answer::{self, Quoted};
use super::knowledge::KnowledgeError;
use super::{llm, wants_a_person, Bot};
use crate::db::AnyConnection;
use crate::domain::lifecycle::{Action, Actor};
use crate::domain::{Author, ConversationState, SystemEvent};
use crate::models::conversation::{Acted, Conversation};
use crate::models::message::{Message, NewMessage};
use crate::models::team_settings::TeamSettings;

/// What the bot did with a customer's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handled {
    Answered,
    Escalated(SystemEvent),
    /// Human support is off and the bot had nothing: it said so.
    Apologised,
    /// A team member holds or is about to take the conversation: the bot stays quiet.
    LeftToTheTeam,
}

pub(super) fn say(
    conn: &mut AnyConnection,
    conversation_id: i64,
    author: Author,
    body: &str,
) -> QueryResult<Message> {
    Message::create(
        conn,
        &NewMessage {
            conversation_id,
            author,
            author_user_id: None,
            body,
            system_event: None,
            event_outcome: None,
            created_at: crate::models::now(),
        },
    )
}

/// The bot passes the conversation to the team's queue, through the lifecycle's one door.
pub(super) fn escalate_to_team(
    conn: &mut AnyConnection,
    conversation: &Conversation,
    because: SystemEvent,
) -> QueryResult<bool> {
    // Escalating is rarer than closing: the settings are read here rather than passed down.
    let now = TeamSettings::get(conn)?.time_zone.at(crate::models::now());
    let acted = Conversation::act(
        conn,
        conversation.id,
        conversation.version,
        &Actor::Bot,
        Action::Escalate(because),
        now,
    )?;
    Ok(matches!(acted, Acted::Done { .. }))
}

/// Stores the customer's message on an open conversation. Call inside a write transaction, with
/// `conversation` read under its lock (`Conversation::find_for_visitor_to_write`). Answers
/// whether it is the bot's turn to answer (`plan`, `write_reply`, `carry_out`, after this
/// transaction commits).
pub fn store(
    conn: &mut AnyConnection,
    conversation: &Conversation,
    body: &str,
) -> QueryResult<bool> {
    say(conn, conversation.id, Author::Customer, body)?;
    Conversation::touch(conn, conversation.id, crate::models::now())?;
    Ok(conversation.state == ConversationState::Bot)
}

/// What the bot means to do about a message, worked out with no transaction open: scoring the
/// articles is the slow part, and on SQLite a write transaction would hold the only write lock.
#[derive(Clone, Debug)]
pub enum Plan {
    Escalate(SystemEvent),
    /// The passages to answer with, before the language model (if any) writes the reply.
    Quote(Vec<Quoted>),
    Answer {
        body: String,
        cited: Vec<i64>,
    },
    SayAndEscalate(&'static str),
    Apologise(&'static str),
}

/// The passages that answer `question`, or none when the bot is less sure than
/// `min_confidence` (the team's setting) or its index cannot be built (then the team is asked,
/// as for a question it cannot answer).
pub fn find_quotes(
    conn: &mut AnyConnection,
    bot: &Bot,
    question: &str,
    min_confidence: f32,
) -> QueryResult<Vec<Quoted>> {
    let index = match bot.knowledge.current(conn) {
        Ok(index) => index,
        Err(KnowledgeError::Database(error)) => return Err(error),
        Err(KnowledgeError::Index(error)) => {
            tracing::error!(%error, "the bot's search index could not be built");
            return Ok(Vec::new());
        }
    };
    match answer::find(&index, question, min_confidence) {
        Ok(found) => Ok(answer::quotes(&index, &found)),
        Err(error) => {
            tracing::error!(%error, "the bot's search failed");
            Ok(Vec::new())
        }
    }
}

/// The reply to send for `quotes`: the language model's, when one is set and its reply cites
/// them, else the passages themselves.
fn reply_for(bot: &Bot, question: &str, quotes: Vec<Quoted>) -> (String, Vec<i64>) {
    if let Some(config) = &bot.llm {
        match llm::write(config, question, &quotes) {
            Ok(written) => {
                let cited = written.cited.iter().map(|q| q.article_id).collect();
                return (written.body, cited);
            }
            Err(unused) => tracing::warn!(%unused, "sending the quoted passages instead"),
        }
    }
    (
        answer::compose(&quotes),
        quotes.iter().map(|q| q.article_id).collect(),
    )
}

/// What to do about the customer's message `body` (reads the settings and the index: call with
/// no transaction open).
pub fn plan(conn: &mut AnyConnection, bot: &Bot, body: &str) -> QueryResult<Plan> {
    let settings = TeamSettings::get(conn)?;
    if settings.human_support_enabled && wants_a_person(body) {
        return Ok(Plan::Escalate(SystemEvent::CustomerRequestedHuman));
    }
    let quotes = find_quotes(conn, bot, body, settings.bot_min_confidence)?;
    Ok(if !quotes.is_empty() {
        Plan::Quote(quotes)
    } else if settings.human_support_enabled {
        Plan::SayAndEscalate(
            "I couldn't find an answer to that. I've asked the team to join; someone will be with you shortly.",
        )
    } else {
        Plan::Apologise("Sorry, I couldn't find an answer to that. Could you put it another way?")
    })
}

/// The reply for a plan that quotes passages: the language model's when one is set (this may
/// take up to its timeout, so call it holding no database connection), else the passages.
pub fn write_reply(bot: &Bot, question: &str, plan: Plan) -> Plan {
    match plan {
        Plan::Quote(quotes) => {
            let (body, cited) = reply_for(bot, question, quotes);
            Plan::Answer { body, cited }
        }
        other => other,
    }
}

/// Writes what the bot planned, in a short transaction, and only if it still has the
/// conversation (the team may have taken it meanwhile: then it stays quiet). Call with no
/// transaction open.
pub fn carry_out(
    conn: &mut AnyConnection,
    conversation_id: i64,
    plan: Plan,
) -> QueryResult<Handled> {
    crate::db::write_transaction_retrying(conn, |conn| {
        let Some(conversation) = Conversation::find_locked(conn, conversation_id)? else {
            return Ok(Handled::LeftToTheTeam);
        };
        if conversation.state != ConversationState::Bot {
            return Ok(Handled::LeftToTheTeam);
        }
        Ok(match plan.clone() {
            Plan::Escalate(because) => {
                escalate_to_team(conn, &conversation, because)?;
                Handled::Escalated(because)
            }
            Plan::Answer { body, cited } => {
                let message = say(conn, conversation.id, Author::Bot, &body)?;
                for article_id in cited {
                    Message::cite(conn, message.id, article_id)?;
                }
                Handled::Answered
            }
            Plan::Quote(quotes) => {
                let message = say(
                    conn,
                    conversation.id,
                    Author::Bot,
                    &answer::compose(&quotes),
                )?;
                for quote in quotes {
                    Message::cite(conn, message.id, quote.article_id)?;
                }
                Handled::Answered
            }
            Plan::SayAndEscalate(words) => {
                say(conn, conversation.id, Author::Bot, words)?;
                escalate_to_team(conn, &conversation, SystemEvent::BotEscalated)?;
                Handled::Escalated(SystemEvent::BotEscalated)
            }
            Plan::Apologise(words) => {
                say(conn, conversation.id, Author::Bot, words)?;
                Handled::Apologised
            }
        })
    })
}

/// The customer pressed "Talk to a person".
pub fn request_person(conn: &mut AnyConnection, conversation: &Conversation) -> QueryResult<bool> {
    if !TeamSettings::get(conn)?.human_support_enabled {
        return Ok(false);
    }
    say(
        conn,
        conversation.id,
        Author::Customer,
        "I'd like to talk to a person.",
    )?;
    escalate_to_team(conn, conversation, SystemEvent::CustomerRequestedHuman)
}
