//! What happens when a customer writes: the message is stored, then the bot answers, or the
//! conversation escalates to the team, or (while the team has it) the bot stays quiet.

use diesel::QueryResult;

use super::{reply, wants_a_person, Candidate, Reply};
use crate::db::AnyConnection;
use crate::domain::lifecycle::{Action, Actor};
use crate::domain::{Author, ConversationState, SystemEvent};
use crate::models::article::Article;
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

fn say(
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
fn escalate_to_team(
    conn: &mut AnyConnection,
    conversation: &Conversation,
    because: SystemEvent,
) -> QueryResult<bool> {
    let acted = Conversation::act(
        conn,
        conversation.id,
        conversation.version,
        &Actor::Bot,
        Action::Escalate(because),
        crate::models::now(),
    )?;
    Ok(matches!(acted, Acted::Done { .. }))
}

/// Stores the customer's message on an open conversation and lets the bot respond. Call inside
/// a write transaction, with `conversation` read under its lock
/// (`Conversation::find_for_visitor_to_write`), so the bot only speaks while it has the
/// conversation.
pub fn receive(
    conn: &mut AnyConnection,
    conversation: &Conversation,
    body: &str,
) -> QueryResult<Handled> {
    say(conn, conversation.id, Author::Customer, body)?;
    Conversation::touch(conn, conversation.id, crate::models::now())?;
    if conversation.state != ConversationState::Bot {
        return Ok(Handled::LeftToTheTeam);
    }
    let settings = TeamSettings::get(conn)?;
    if settings.human_support_enabled && wants_a_person(body) {
        escalate_to_team(conn, conversation, SystemEvent::CustomerRequestedHuman)?;
        return Ok(Handled::Escalated(SystemEvent::CustomerRequestedHuman));
    }
    let candidates: Vec<Candidate> = Article::published(conn)?
        .into_iter()
        .map(|a| Candidate {
            id: a.id,
            title: a.title,
            body: a.body,
        })
        .collect();
    match reply(body, &candidates) {
        Reply::Answer { body, cited } => {
            let message = say(conn, conversation.id, Author::Bot, &body)?;
            for article_id in cited {
                Message::cite(conn, message.id, article_id)?;
            }
            Ok(Handled::Answered)
        }
        Reply::NoAnswer if settings.human_support_enabled => {
            say(
                conn,
                conversation.id,
                Author::Bot,
                "I couldn't find an answer to that. I've asked the team to join; someone will be with you shortly.",
            )?;
            escalate_to_team(conn, conversation, SystemEvent::BotEscalated)?;
            Ok(Handled::Escalated(SystemEvent::BotEscalated))
        }
        Reply::NoAnswer => {
            say(
                conn,
                conversation.id,
                Author::Bot,
                "Sorry, I couldn't find an answer to that. Could you put it another way?",
            )?;
            Ok(Handled::Apologised)
        }
    }
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
