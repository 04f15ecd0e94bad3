//! `GET /chat` (the page) and `GET /chat/history` (the messages, fetched every few seconds).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::limits::VisitorGuard;
use super::visitor::{Judging, VisitorView};
use crate::db::Pool;
use crate::domain::Author;
use crate::error::AppError;
use crate::routes::render;
use crate::session::WebSession;

/// The visitor's view for the token this browser's session holds (the full-page chat).
pub async fn load(
    req: &HttpRequest,
    pool: &Pool,
    session: &WebSession,
) -> Result<VisitorView, AppError> {
    let human_support = crate::routes::team_settings(req, pool)
        .await?
        .human_support_enabled;
    super::visitor::view(pool, super::visitor_token(session), human_support).await
}

#[derive(Template)]
#[template(path = "chat/show.html")]
pub struct ChatPage {
    pub csrf: String,
    pub view: VisitorView,
    pub draft: String,
    pub error: Option<&'static str>,
    /// Why the answer to "Did we solve your problem?" was not taken, and its comment as typed.
    pub verdict_error: Option<&'static str>,
    pub verdict_comment: String,
    /// Said once, after the visitor confirmed an answer.
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "chat/_history.html")]
struct HistoryPart {
    view: VisitorView,
    /// The verdict question, once the conversation closed, is part of the history; so are the
    /// buttons under the bot's answer.
    csrf: String,
    verdict_error: Option<&'static str>,
    verdict_comment: String,
}

pub async fn show(
    req: HttpRequest,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    guard.read_or_refuse(&req)?;
    let session = WebSession::from_request(&req);
    let view = load(&req, &pool, &session).await?;
    render(&ChatPage {
        csrf: session.csrf_token(),
        view,
        draft: String::new(),
        error: None,
        verdict_error: None,
        verdict_comment: String::new(),
        notice: session.take_flash(),
    })
}

pub async fn history(
    req: HttpRequest,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    guard.read_or_refuse(&req)?;
    let session = WebSession::from_request(&req);
    let view = load(&req, &pool, &session).await?;
    render(&HistoryPart {
        view,
        csrf: session.csrf_token(),
        verdict_error: None,
        verdict_comment: String::new(),
    })
}
