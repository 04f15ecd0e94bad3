//! What a visitor may do, wherever they write from (the `/chat` page or the widget): read their
//! conversation, write a message, ask for a person. Input is checked and the limits applied
//! before any write; the message is stored in one short transaction, and the bot works out its
//! answer after that transaction, never while holding the write lock.

use actix_web::http::StatusCode;
use chrono::NaiveDateTime;

use std::sync::Arc;

use crate::bot::{intake, Bot};
use crate::db::{self, AnyConnection, Pool};
use crate::domain::lifecycle::parse_reply;
use crate::domain::text::free_of_control_characters;
use crate::domain::{time, ConversationState, SystemEvent};
use crate::error::AppError;
use crate::models::conversation::{Conversation, NewConversation};
use crate::models::customer::{Customer, NewCustomer};
use crate::models::message::{HistoryEntry, Message};
use crate::models::team_settings::TeamSettings;
use crate::models::verdict::VerdictRow;
use crate::session::{random_token, token_hash};

use super::limits::VisitorGuard;

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_EMAIL_CHARS: usize = 254;

/// What the visitor sees: their messages, the bot's and agents' replies, and when a person
/// joins or leaves. Internal notes (closing, outcomes) are never shown to customers.
pub struct VisitorView {
    /// The open conversation, if any (a closed one is over for the visitor).
    pub conversation_id: Option<i64>,
    pub entries: Vec<HistoryEntry>,
    pub state: Option<ConversationState>,
    pub human_support: bool,
    pub now: NaiveDateTime,
    /// After a close: whether to ask "Did we solve your problem?", or thank them for answering.
    pub judging: Judging,
}

/// Where the visitor is with the one question asked after a close.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judging {
    /// Their conversation is open, or they have none.
    Nothing,
    Ask,
    Answered,
}

impl VisitorView {
    pub fn shows(&self, entry: &HistoryEntry) -> bool {
        SystemEvent::customer_sees(entry.message.system_event)
    }

    pub fn ago(&self, at: &NaiveDateTime) -> String {
        time::ago(*at, self.now)
    }

    pub fn waiting(&self) -> bool {
        self.state == Some(ConversationState::Waiting)
    }

    pub fn may_ask_for_person(&self) -> bool {
        self.human_support && self.state == Some(ConversationState::Bot)
    }

    /// Whether the buttons under an answer go under message `id`.
    pub fn asks_about(&self, id: &i64) -> bool {
        self.answer_to_confirm() == Some(*id)
    }

    /// The bot's answer the customer may confirm: the latest thing said, while the bot has the
    /// conversation, if it is an answer citing an article.
    pub fn answer_to_confirm(&self) -> Option<i64> {
        if self.state != Some(ConversationState::Bot) {
            return None;
        }
        let latest = self
            .entries
            .iter()
            .rev()
            .find(|entry| entry.message.system_event.is_none())?;
        (latest.message.author == crate::domain::Author::Bot && !latest.citations.is_empty())
            .then_some(latest.message.id)
    }
}

/// Who is writing: their token (none before their first message) and their address.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub token: Option<String>,
    pub address: String,
}

/// A message as typed, with the optional name and email.
#[derive(Clone, Debug, Default)]
pub struct VisitorMessage {
    pub body: String,
    pub name: String,
    pub email: String,
}

/// What came of a visitor's request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    /// Done; the token to keep (new when a conversation started).
    Done { token: String },
    /// Not accepted: the sentence says why (422).
    Refused(&'static str),
    /// Over a limit: nothing was created (429).
    Limited(&'static str),
}

impl Sent {
    /// The status to answer with, on the chat page and in the widget alike.
    pub fn status(&self) -> StatusCode {
        match self {
            Sent::Done { .. } => StatusCode::OK,
            Sent::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Sent::Limited(_) => StatusCode::TOO_MANY_REQUESTS,
        }
    }
}

#[derive(Clone)]
struct Checked {
    body: String,
    name: Option<String>,
    email: Option<String>,
}

fn check(message: &VisitorMessage) -> Result<Checked, &'static str> {
    let body = parse_reply(&message.body)?;
    let name = message.name.trim();
    if name.chars().count() > MAX_NAME_CHARS {
        return Err("Names can be at most 100 characters.");
    }
    if !free_of_control_characters(name, false) {
        return Err("Names cannot contain control characters.");
    }
    let email = message.email.trim();
    let looks_like_email = email
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !email.is_empty() && (!looks_like_email || email.chars().count() > MAX_EMAIL_CHARS) {
        return Err("That email address does not look right: check it, or leave it empty.");
    }
    Ok(Checked {
        body,
        name: (!name.is_empty()).then(|| name.to_owned()),
        email: (!email.is_empty()).then(|| email.to_lowercase()),
    })
}

/// The visitor's open conversation, locked; or, if `may_start`, a new one with a new token.
fn open_conversation(
    conn: &mut AnyConnection,
    token: Option<&str>,
    checked: &Checked,
    may_start: bool,
) -> Result<Option<(Conversation, String)>, AppError> {
    if let Some(token) = token {
        if let Some(conversation) =
            Conversation::find_for_visitor_to_write(conn, &token_hash(token))?
        {
            if conversation.state.is_open() {
                Customer::add_contact(
                    conn,
                    conversation.customer_id,
                    checked.name.as_deref(),
                    checked.email.as_deref(),
                )?;
                return Ok(Some((conversation, token.to_owned())));
            }
        }
    }
    if !may_start {
        return Ok(None);
    }
    let now = crate::models::now();
    let customer = Customer::create(
        conn,
        &NewCustomer {
            name: checked.name.as_deref(),
            email: checked.email.as_deref(),
            notes: "",
            created_at: now,
        },
    )?;
    let new_token = random_token();
    let conversation = Conversation::create(
        conn,
        &NewConversation::with_bot(customer.id, now, Some(token_hash(&new_token))),
    )?;
    // The same customer (same browser, or same email) writing again soon after a close.
    let days = TeamSettings::get(conn)?.came_back_days;
    let earlier_hash = token.map(token_hash);
    if let Some(earlier) = Conversation::returning_from(
        conn,
        earlier_hash.as_deref(),
        checked.email.as_deref(),
        now,
        days,
    )? {
        Conversation::record_return(conn, conversation.id, &earlier, now)?;
    }
    Ok(Some((conversation, new_token)))
}

/// Whether this token has a conversation still open (its next message continues it).
fn has_open_conversation(conn: &mut AnyConnection, token: Option<&str>) -> Result<bool, AppError> {
    let Some(token) = token else {
        return Ok(false);
    };
    Ok(Conversation::find_for_visitor(conn, &token_hash(token))?
        .is_some_and(|conversation| conversation.state.is_open()))
}

/// Stores the message: in the open conversation, or a new one if `may_start`. `None`: the
/// conversation closed since it was looked at, and starting one was not allowed. Then the bot
/// answers if it has the conversation: it plans with a connection but no transaction, lets the
/// language model (if any) write the reply holding no connection at all, and writes it in a
/// short transaction.
async fn store(
    pool: &Pool,
    bot: Arc<Bot>,
    token: Option<String>,
    checked: Checked,
    may_start: bool,
) -> Result<Option<String>, AppError> {
    let question = checked.body.clone();
    let planner = bot.clone();
    let stored = db::run(pool, move |conn| {
        let stored = db::write_transaction::<_, AppError, _>(conn, |conn| {
            let Some((conversation, token)) =
                open_conversation(conn, token.as_deref(), &checked, may_start)?
            else {
                return Ok(None);
            };
            let bots_turn = intake::store(conn, &conversation, &checked.body)?;
            Ok(Some((conversation, token, bots_turn)))
        })?;
        let Some((conversation, token, bots_turn)) = stored else {
            return Ok(None);
        };
        // The message is kept whatever happens next: the visitor must get their token (a new
        // conversation's) back, or their next message would start another one.
        let plan = if bots_turn {
            intake::plan(conn, &planner, &checked.body)
                .map_err(|error| {
                    tracing::error!(%error, conversation = conversation.id, "the bot could not answer");
                })
                .ok()
        } else {
            None
        };
        Ok(Some((token, conversation.id, plan)))
    })
    .await?;
    let Some((token, conversation_id, plan)) = stored else {
        return Ok(None);
    };
    if let Some(plan) = plan {
        let writer = bot.clone();
        let plan = actix_web::web::block(move || intake::write_reply(&writer, &question, plan))
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the bot's reply was lost")))?;
        let carried = db::run(pool, move |conn| {
            Ok::<_, AppError>(intake::carry_out(conn, conversation_id, plan))
        })
        .await?;
        if let Err(error) = carried {
            tracing::error!(%error, conversation = conversation_id, "the bot could not answer");
        }
    }
    Ok(Some(token))
}

/// The visitor writes: checked, limited, stored, then answered by the bot if it has the
/// conversation.
pub async fn write(
    pool: &Pool,
    bot: &Arc<Bot>,
    guard: &VisitorGuard,
    visitor: Visitor,
    message: VisitorMessage,
) -> Result<Sent, AppError> {
    let checked = match check(&message) {
        Ok(checked) => checked,
        Err(reason) => return Ok(Sent::Refused(reason)),
    };
    if let Err(limited) = guard.visitor_message(visitor.token.as_deref()) {
        return Ok(Sent::Limited(limited));
    }
    // Before the database is asked anything: made-up tokens cost a read each.
    if let Err(limited) = guard.read(&visitor.address) {
        return Ok(Sent::Limited(limited));
    }
    let token = visitor.token.clone();
    let mut continues = db::run(pool, move |conn| {
        has_open_conversation(conn, token.as_deref())
    })
    .await?;
    if !continues {
        if let Err(limited) = guard.new_conversation(&visitor.address) {
            return Ok(Sent::Limited(limited));
        }
    }
    if let Err(limited) = guard.address_message(&visitor.address) {
        return Ok(Sent::Limited(limited));
    }
    let kept = loop {
        match store(
            pool,
            bot.clone(),
            visitor.token.clone(),
            checked.clone(),
            !continues,
        )
        .await?
        {
            Some(token) => break token,
            // Closed in the meantime: this message starts a new conversation, counted as one.
            None => {
                continues = false;
                if let Err(limited) = guard.new_conversation(&visitor.address) {
                    return Ok(Sent::Limited(limited));
                }
            }
        }
    };
    if !continues {
        // The message that started the conversation counts against its new token too.
        let _ = guard.visitor_message(Some(&kept));
    }
    Ok(Sent::Done { token: kept })
}

/// "Talk to a person": the conversation goes to the team's queue, if the bot has it and human
/// support is on. Counted as a message.
pub async fn ask_for_person(
    pool: &Pool,
    guard: &VisitorGuard,
    visitor: Visitor,
) -> Result<Sent, AppError> {
    let Some(token) = visitor.token else {
        return Ok(Sent::Refused(
            "Write your question first: a person joins an open conversation.",
        ));
    };
    if let Err(limited) = guard.message(Some(&token), &visitor.address) {
        return Ok(Sent::Limited(limited));
    }
    let hash = token_hash(&token);
    db::run(pool, move |conn| {
        db::write_transaction::<_, AppError, _>(conn, |conn| {
            if let Some(conversation) = Conversation::find_for_visitor_to_write(conn, &hash)? {
                if conversation.state == ConversationState::Bot {
                    intake::request_person(conn, &conversation)?;
                }
            }
            Ok(())
        })
    })
    .await?;
    Ok(Sent::Done { token })
}

/// What the visitor with this token sees: their open conversation's history (a closed one is
/// over for them: their next message starts a new one) and whether a person may be asked for
/// (`human_support`, from the team's settings).
pub async fn view(
    pool: &Pool,
    token: Option<String>,
    human_support: bool,
) -> Result<VisitorView, AppError> {
    let hash = token.map(|t| token_hash(&t));
    db::run(pool, move |conn| {
        let conversation = match hash {
            Some(hash) => Conversation::find_for_visitor(conn, &hash)?,
            None => None,
        };
        let judging = match &conversation {
            Some(c) if !c.state.is_open() => match VerdictRow::answer_of(conn, c.id)? {
                None => Judging::Ask,
                Some(_) => Judging::Answered,
            },
            _ => Judging::Nothing,
        };
        let conversation = conversation.filter(|c| c.state.is_open());
        let entries = match &conversation {
            Some(c) => Message::history(conn, c.id)?,
            None => Vec::new(),
        };
        Ok(VisitorView {
            conversation_id: conversation.as_ref().map(|c| c.id),
            entries,
            state: conversation.map(|c| c.state),
            human_support,
            now: crate::models::now(),
            judging,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(body: &str, name: &str, email: &str) -> VisitorMessage {
        VisitorMessage {
            body: body.into(),
            name: name.into(),
            email: email.into(),
        }
    }

    #[test]
    fn what_a_visitor_types_is_checked() {
        let long_name = "n".repeat(101);
        #[rustfmt::skip]
        let table: &[(VisitorMessage, Option<&str>)] = &[
            (typed("Hello", "", ""),                    None),
            (typed("Hello", "Ana", "Ana@Example.com"),  None),
            (typed("   ", "", ""),                      Some("Write a message before sending.")),
            (typed("Hello", &long_name, ""),            Some("Names can be at most 100 characters.")),
            (typed("Hello", "A\u{7}", ""),              Some("Names cannot contain control characters.")),
            (typed("Hello", "", "not an email"),        Some("That email address does not look right: check it, or leave it empty.")),
            (typed("Hello", "", "a@b"),                 Some("That email address does not look right: check it, or leave it empty.")),
        ];
        for (message, refusal) in table {
            assert_eq!(check(message).err(), *refusal, "{message:?}");
        }
        let checked = check(&typed(" Hi ", " Ana ", "Ana@Example.com")).unwrap();
        assert_eq!(checked.body, "Hi");
        assert_eq!(checked.name.as_deref(), Some("Ana"));
        assert_eq!(checked.email.as_deref(), Some("ana@example.com"));
    }
}
