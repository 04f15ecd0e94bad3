//! `POST /chat/messages` (the visitor writes) and `POST /chat/person` ("Talk to a person") on the
//! full-page chat, where the visitor's token lives in this site's own session cookie.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::limits::VisitorGuard;
use super::show::{load, ChatPage};
use super::visitor::{self, Sent, Visitor, VisitorMessage};
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

/// The chat page again, with what the visitor typed and why it was not sent.
pub(super) async fn refused(
    req: &HttpRequest,
    pool: &Pool,
    session: &WebSession,
    status: StatusCode,
    draft: String,
    reason: &'static str,
) -> Result<HttpResponse, AppError> {
    let view = load(req, pool, session).await?;
    let page = ChatPage {
        csrf: session.csrf_token(),
        view,
        draft,
        error: Some(reason),
        verdict_error: None,
        verdict_comment: String::new(),
        notice: None,
    };
    render_with_status(status, &page)
}

/// The visitor's token and address as this request gives them.
fn visitor(req: &HttpRequest, session: &WebSession, guard: &VisitorGuard) -> Visitor {
    Visitor {
        token: super::visitor_token(session),
        address: guard.address(req),
    }
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
    let who = visitor(&req, &session, &guard);
    match visitor::write(&pool, &bot.into_inner(), &guard, who, typed).await? {
        Sent::Done { token } => {
            super::set_visitor_token(&session, &token);
            Ok(see_other("/chat#latest"))
        }
        Sent::Refused(reason) => {
            refused(
                &req,
                &pool,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                form.body,
                reason,
            )
            .await
        }
        Sent::Limited(reason) => {
            refused(
                &req,
                &pool,
                &session,
                StatusCode::TOO_MANY_REQUESTS,
                form.body,
                reason,
            )
            .await
        }
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
    let who = visitor(&req, &session, &guard);
    match visitor::ask_for_person(&pool, &guard, who).await? {
        Sent::Done { .. } | Sent::Refused(_) => Ok(see_other("/chat#latest")),
        Sent::Limited(reason) => {
            refused(
                &req,
                &pool,
                &session,
                StatusCode::TOO_MANY_REQUESTS,
                String::new(),
                reason,
            )
            .await
        }
    }
}
