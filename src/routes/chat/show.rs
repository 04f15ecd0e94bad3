//! `GET /chat` (the page) and `GET /chat/history` (the messages, fetched every few seconds).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;

use super::limits::VisitorGuard;
use crate::db::Pool;
use crate::domain::{time, Author, ConversationState, SystemEvent};
use crate::error::AppError;
use crate::models::message::HistoryEntry;
use crate::routes::render;
use crate::session::WebSession;

/// What the visitor sees: their messages, the bot's and agents' replies, and when a person
/// joins or leaves. Internal notes (closing, outcomes) are never shown to customers.
pub struct VisitorView {
    /// The open conversation, if any (a closed one is over for the visitor).
    pub conversation_id: Option<i64>,
    pub entries: Vec<HistoryEntry>,
    pub state: Option<ConversationState>,
    pub human_support: bool,
    pub now: NaiveDateTime,
}

impl VisitorView {
    pub fn shows(&self, entry: &HistoryEntry) -> bool {
        match entry.message.system_event {
            None => true,
            Some(event) => matches!(event, SystemEvent::Joined | SystemEvent::Left),
        }
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
}

/// The visitor's view for the token this browser's session holds (the full-page chat).
pub async fn load(pool: &Pool, session: &WebSession) -> Result<VisitorView, AppError> {
    super::visitor::view(pool, super::visitor_token(session)).await
}

#[derive(Template)]
#[template(path = "chat/show.html")]
pub struct ChatPage {
    pub csrf: String,
    pub view: VisitorView,
    pub draft: String,
    pub error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "chat/_history.html")]
struct HistoryPart {
    view: VisitorView,
}

pub async fn show(
    req: HttpRequest,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    guard.read_or_refuse(&req)?;
    let session = WebSession::from_request(&req);
    let view = load(&pool, &session).await?;
    render(&ChatPage {
        csrf: session.csrf_token(),
        view,
        draft: String::new(),
        error: None,
    })
}

pub async fn history(
    req: HttpRequest,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    guard.read_or_refuse(&req)?;
    let view = load(&pool, &WebSession::from_request(&req)).await?;
    render(&HistoryPart { view })
}
