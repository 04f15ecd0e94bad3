//! "That answered my question" and "I still need help" under the bot's answer: the one path
//! for the full-page chat and the widget (`answered`), and the full-page chat's
//! `POST /chat/answered` and `POST /chat/more-help`. Counted as messages against the visitor's
//! limits; the bot's slow work (searching for how else to reach the team) happens before the
//! short write transaction.

use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::limits::VisitorGuard;
use super::send::not_sent;
use super::show::page_visitor;
use super::visitor::{Sent, Visitor};
use crate::bot::feedback::{self, Feedback};
use crate::bot::Bot;
use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::error::AppError;
use crate::models::conversation::Conversation;
use crate::routes::see_other;
use crate::session::{token_hash, WebSession};

/// What the customer said about the bot's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Answered,
    StillNeedHelp,
}

/// What the page says after "That answered my question".
pub const THANKS: &str = "Thanks! We're glad that helped. Write again any time.";

/// The answer (a message id as the form sent it) is checked against the visitor's conversation.
pub async fn answered(
    pool: &Pool,
    bot: &Arc<Bot>,
    guard: &VisitorGuard,
    visitor: Visitor,
    message: Option<&str>,
    verdict: Verdict,
) -> Result<(Sent, Feedback), AppError> {
    let Some(token) = visitor.token else {
        return Ok((
            Sent::Refused("Write your question first: there is no answer to confirm yet."),
            Feedback::Unchanged,
        ));
    };
    let Some(message_id) = message.and_then(|m| m.trim().parse::<i64>().ok()) else {
        return Ok((
            Sent::Refused("Choose one of the buttons under the assistant's answer."),
            Feedback::Unchanged,
        ));
    };
    if let Err(limited) = guard.message(Some(&token), &visitor.address) {
        return Ok((Sent::Limited(limited), Feedback::Unchanged));
    }
    let hash = token_hash(&token);
    let bot = bot.clone();
    let done = db::run(pool, move |conn| {
        let redirect = match verdict {
            Verdict::StillNeedHelp => Some(feedback::plan_redirect(conn, &bot)?),
            Verdict::Answered => None,
        };
        db::write_transaction::<_, AppError, _>(conn, |conn| {
            let Some(conversation) = Conversation::find_for_visitor_to_write(conn, &hash)? else {
                return Ok(Feedback::Unchanged);
            };
            Ok(match &redirect {
                None => feedback::confirm(conn, &conversation, message_id)?,
                Some(redirect) => {
                    feedback::still_need_help(conn, &conversation, message_id, redirect)?
                }
            })
        })
    })
    .await?;
    Ok((Sent::Done { token }, done))
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    message: String,
}

async fn on_chat_page(
    req: HttpRequest,
    form: AnswerForm,
    pool: web::Data<Pool>,
    bot: web::Data<Bot>,
    guard: web::Data<VisitorGuard>,
    verdict: Verdict,
) -> Result<HttpResponse, AppError> {
    let session = WebSession::from_request(&req);
    let visitor = page_visitor(&req, &session, &guard);
    let bot = bot.into_inner();
    let said = answered(&pool, &bot, &guard, visitor, Some(&form.message), verdict).await?;
    match said {
        (Sent::Done { .. }, Feedback::Confirmed) => {
            session.set_flash(THANKS);
            Ok(see_other("/chat"))
        }
        (Sent::Done { .. }, _) => Ok(see_other("/chat#latest")),
        (unsent, _) => not_sent(&req, &pool, &session, String::new(), unsent).await,
    }
}

/// `POST /chat/answered`: "That answered my question".
pub async fn confirm(
    req: HttpRequest,
    CsrfForm(form): CsrfForm<AnswerForm>,
    pool: web::Data<Pool>,
    bot: web::Data<Bot>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    on_chat_page(req, form, pool, bot, guard, Verdict::Answered).await
}

/// `POST /chat/more-help`: "I still need help".
pub async fn more_help(
    req: HttpRequest,
    CsrfForm(form): CsrfForm<AnswerForm>,
    pool: web::Data<Pool>,
    bot: web::Data<Bot>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    on_chat_page(req, form, pool, bot, guard, Verdict::StillNeedHelp).await
}
