//! "Did we solve your problem?": asked once after a close, on the `/chat` page
//! (`POST /chat/verdict`) and in the widget (`POST /widget/api/verdict`, in `routes::widget`).
//! The answer is checked and limited like a message, then stored on the visitor's closed
//! conversation; a second answer is refused politely. The visitor never sees the outcome.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::limits::VisitorGuard;
use super::show::{load, page_visitor, ChatPage};
use super::visitor::Visitor;
use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::outcomes::parse_verdict;
use crate::error::AppError;
use crate::events::{Change, Hub};
use crate::models::verdict::{Given, VerdictRow};
use crate::routes::{render_with_status, see_other};
use crate::session::{token_hash, WebSession};

pub const ALREADY_ANSWERED: &str = "You have already answered. Thank you!";
pub const NOTHING_TO_JUDGE: &str =
    "There is no finished conversation to answer about yet: write to us below.";

/// What came of an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Judged {
    Stored,
    /// Not taken: the status to answer with and the sentence that says why.
    Refused(StatusCode, &'static str),
}

/// Checks, limits and stores the visitor's answer.
pub async fn judge(
    pool: &Pool,
    guard: &VisitorGuard,
    hub: &Hub,
    visitor: Visitor,
    typed: &VerdictForm,
) -> Result<Judged, AppError> {
    let (answer, comment) = match parse_verdict(&typed.answer, &typed.comment) {
        Ok(checked) => checked,
        Err(reason) => return Ok(Judged::Refused(StatusCode::UNPROCESSABLE_ENTITY, reason)),
    };
    let Some(token) = visitor.token else {
        return Ok(Judged::Refused(StatusCode::CONFLICT, NOTHING_TO_JUDGE));
    };
    if let Err(limited) = guard.message(Some(&token), &visitor.address) {
        return Ok(Judged::Refused(StatusCode::TOO_MANY_REQUESTS, limited));
    }
    let hash = token_hash(&token);
    let given = db::run(pool, move |conn| {
        Ok(VerdictRow::give(
            conn,
            &hash,
            answer,
            comment.as_deref(),
            crate::models::now(),
        )?)
    })
    .await?;
    Ok(match given {
        Given::Stored {
            conversation_id,
            latest_message_id,
        } => {
            hub.announce(Change {
                id: latest_message_id,
                conversation_id,
                customer_sees: false,
                closes: false,
            });
            Judged::Stored
        }
        Given::AlreadyAnswered => Judged::Refused(StatusCode::CONFLICT, ALREADY_ANSWERED),
        Given::NotClosed => Judged::Refused(StatusCode::CONFLICT, NOTHING_TO_JUDGE),
    })
}

/// The answer to "Did we solve your problem?" and its optional comment, as typed (the widget's
/// form carries the same two).
#[derive(Deserialize)]
pub struct VerdictForm {
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub comment: String,
}

pub async fn give(
    req: HttpRequest,
    CsrfForm(form): CsrfForm<VerdictForm>,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
    hub: web::Data<Hub>,
) -> Result<HttpResponse, AppError> {
    let session = WebSession::from_request(&req);
    let who = page_visitor(&req, &session, &guard);
    match judge(&pool, &guard, &hub, who, &form).await? {
        Judged::Stored => Ok(see_other("/chat#verdict")),
        Judged::Refused(status, reason) => {
            let view = load(&req, &pool, &session).await?;
            let page = ChatPage {
                verdict_error: Some(reason),
                verdict_comment: form.comment,
                ..ChatPage::new(&session, view)
            };
            render_with_status(status, &page)
        }
    }
}
