//! `POST /chat/messages` (the visitor writes) and `POST /chat/person` ("Talk to a person") on the
//! full-page chat, where the visitor's token lives in this site's own session cookie.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::limits::VisitorGuard;
use super::show::{load, page_visitor, ChatPage};
use super::visitor::{self, Sent, VisitorMessage};
use crate::bot::Bot;
use crate::csrf::CsrfForm;
use crate::db::Pool;
use crate::error::AppError;
use crate::routes::{render_with_status, see_other};
use crate::session::WebSession;

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    name: String,
}

/// The chat page again after a send that was refused or limited, with what the visitor typed
/// (`draft`), why, and the status `Sent::status` gives. (A send that went through goes to the
/// latest message.)
pub(super) async fn not_sent(
    req: &HttpRequest,
    pool: &Pool,
    session: &WebSession,
    draft: String,
    sent: Sent,
) -> Result<HttpResponse, AppError> {
    let status = sent.status();
    let (Sent::Refused(reason) | Sent::Limited(reason)) = sent else {
        return Ok(see_other("/chat#latest"));
    };
    let view = load(req, pool, session).await?;
    let page = ChatPage {
        draft,
        error: Some(reason),
        ..ChatPage::new(session, view)
    };
    render_with_status(status, &page)
}

pub async fn message(
    req: HttpRequest,
    CsrfForm(form): CsrfForm<MessageForm>,
    pool: web::Data<Pool>,
    bot: web::Data<Bot>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    let session = WebSession::from_request(&req);
    let typed = VisitorMessage {
        body: form.body.clone(),
        name: form.name,
        email: String::new(),
    };
    let who = page_visitor(&req, &session, &guard);
    match visitor::write(&pool, &bot.into_inner(), &guard, who, typed).await? {
        Sent::Done { token } => {
            super::set_visitor_token(&session, &token);
            Ok(see_other("/chat#latest"))
        }
        unsent => not_sent(&req, &pool, &session, form.body, unsent).await,
    }
}

#[derive(Deserialize)]
pub struct PersonForm {}

pub async fn person(
    req: HttpRequest,
    _form: CsrfForm<PersonForm>,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    let session = WebSession::from_request(&req);
    let who = page_visitor(&req, &session, &guard);
    match visitor::ask_for_person(&pool, &guard, who).await? {
        Sent::Done { .. } | Sent::Refused(_) => Ok(see_other("/chat#latest")),
        limited => not_sent(&req, &pool, &session, String::new(), limited).await,
    }
}
