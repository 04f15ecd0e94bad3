//! `GET /chat` (the page) and `GET /chat/history` (the messages, fetched every few seconds).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::limits::VisitorGuard;
use super::visitor::{Judging, Visitor, VisitorView};
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

/// The visitor of the full-page chat: the token this browser's session holds and the address
/// the request came from.
pub fn page_visitor(req: &HttpRequest, session: &WebSession, guard: &VisitorGuard) -> Visitor {
    Visitor {
        token: super::visitor_token(session),
        address: guard.address(req),
    }
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

impl ChatPage {
    /// The page with nothing typed and nothing refused.
    pub fn new(session: &WebSession, view: VisitorView) -> ChatPage {
        ChatPage {
            csrf: session.csrf_token(),
            view,
            draft: String::new(),
            error: None,
            verdict_error: None,
            verdict_comment: String::new(),
            notice: None,
        }
    }
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

/// What both reads start with: the visitor's read limit, then their session and view.
async fn read(
    req: &HttpRequest,
    pool: &Pool,
    guard: &VisitorGuard,
) -> Result<(WebSession, VisitorView), AppError> {
    guard.read_or_refuse(req)?;
    let session = WebSession::from_request(req);
    let view = load(req, pool, &session).await?;
    Ok((session, view))
}

pub async fn show(
    req: HttpRequest,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    let (session, view) = read(&req, &pool, &guard).await?;
    render(&ChatPage {
        notice: session.take_flash(),
        ..ChatPage::new(&session, view)
    })
}

pub async fn history(
    req: HttpRequest,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    let (session, view) = read(&req, &pool, &guard).await?;
    render(&HistoryPart {
        view,
        csrf: session.csrf_token(),
        verdict_error: None,
        verdict_comment: String::new(),
    })
}
