//! The embeddable chat widget: its script (`loader`) and the small JSON API it talks to from the
//! team's website (`chat`, `send`). The API answers CORS "simple requests" only (POST with a
//! form body, no custom headers; GET for the event stream), so browsers send no preflight. It takes no cookies and
//! no CSRF token: the visitor's token travels explicitly, so there is no ambient credential to
//! forge. Each request's `Origin` is checked against the team's list of websites first.

pub mod chat;
pub mod form;
pub mod loader;
pub mod send;
pub mod stream_key;
pub mod verdict;

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{SecondsFormat, TimeZone, Utc};
use serde::Serialize;

use super::chat::visitor::{Judging, VisitorView};
use super::chat::visitor::{MAX_EMAIL_CHARS, MAX_NAME_CHARS};
use crate::db::Pool;
use crate::domain::lifecycle::MAX_MESSAGE_CHARS;
use crate::domain::{widget, Author};
use crate::error::AppError;
use crate::models::team_settings::TeamSettings;
use stream_key::StreamKeys;

const ORIGIN_REFUSED: &str = "This website may not show the chat.";

/// Whom an answer may be read by: any website, or the one that asked.
enum Reader {
    Anyone,
    Origin(HeaderValue),
}

/// A request the team's list of websites allows, with the settings it was checked against.
pub struct Admitted {
    pub settings: Arc<TeamSettings>,
    reader: Reader,
    /// Signs the key to the visitor's live-update stream.
    keys: Option<web::Data<StreamKeys>>,
}

/// The team's settings, and whether the request's website may use the widget. A request without
/// `Origin` (a same-origin GET, a script) is allowed. A refusal is the 403 answer to send, before
/// anything else is done.
pub async fn admit(
    req: &HttpRequest,
    pool: &Pool,
) -> Result<Result<Admitted, HttpResponse>, AppError> {
    let settings = crate::routes::team_settings(req, pool).await?;
    let origin = req.headers().get(header::ORIGIN).cloned();
    let allowed = origin.as_ref().is_none_or(|origin| {
        origin
            .to_str()
            .is_ok_and(|origin| widget::origin_allowed(&settings.widget_origins, origin))
    });
    let reader = match origin {
        Some(origin) if !settings.widget_origins.trim().is_empty() => Reader::Origin(origin),
        _ => Reader::Anyone,
    };
    if !allowed {
        // The refused website may read why, so the widget can say it in the browser's console.
        let body = serde_json::json!({ "error": ORIGIN_REFUSED });
        return Ok(Err(answer(StatusCode::FORBIDDEN, &reader, &body)));
    }
    Ok(Ok(Admitted {
        settings,
        reader,
        keys: req.app_data::<web::Data<StreamKeys>>().cloned(),
    }))
}

/// Lets the website's scripts read `response`: any website, or the one that asked.
fn let_read(reader: &Reader, response: &mut HttpResponse) {
    let allow = match reader {
        Reader::Anyone => HeaderValue::from_static("*"),
        Reader::Origin(origin) => origin.clone(),
    };
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow);
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
}

/// A JSON answer that the admitted website's scripts may read.
fn answer(status: StatusCode, reader: &Reader, body: &impl Serialize) -> HttpResponse {
    let mut response = HttpResponse::build(status).json(body);
    let_read(reader, &mut response);
    response
}

impl Admitted {
    /// Lets the admitted website read another answer (the live-update stream).
    pub fn let_read(&self, response: &mut HttpResponse) {
        let_read(&self.reader, response);
    }

    /// A JSON answer for this request's website.
    pub fn json(&self, status: StatusCode, body: &impl Serialize) -> HttpResponse {
        answer(status, &self.reader, body)
    }

    /// `{"error": "..."}` with the sentence the widget shows.
    pub fn error(&self, status: StatusCode, sentence: &str) -> HttpResponse {
        self.json(status, &serde_json::json!({ "error": sentence }))
    }

    /// What the widget shows for `view`: the messages after `after` (all when none).
    pub fn chat(&self, token: Option<String>, view: &VisitorView, after: Option<i64>) -> ChatJson {
        let settings = &self.settings;
        let conversation = view.conversation_id.map(|id| ConversationJson {
            id,
            waiting: view.waiting(),
            may_ask_for_person: view.may_ask_for_person(),
            confirm: view.answer_to_confirm(),
        });
        let messages = view
            .entries
            .iter()
            .filter(|entry| view.shows(entry))
            .filter(|entry| after.is_none_or(|after| entry.message.id > after))
            .map(|entry| {
                let message = &entry.message;
                MessageJson {
                    id: message.id,
                    from: match message.author {
                        Author::Customer => "you",
                        Author::Bot => "assistant",
                        Author::Agent => "agent",
                        Author::System => "note",
                    },
                    name: match message.author {
                        Author::Agent | Author::System => entry.author_name.clone(),
                        Author::Customer | Author::Bot => None,
                    },
                    body: message.body.clone(),
                    at: Utc
                        .from_utc_datetime(&message.created_at)
                        .to_rfc3339_opts(SecondsFormat::Secs, true),
                    citations: entry
                        .citations
                        .iter()
                        .map(|(title, slug)| CitationJson {
                            title: title.clone(),
                            // Relative: the widget puts the server's address it was loaded
                            // from in front (a proxy may hide the scheme from this server).
                            url: format!("/help/{}", crate::error::url_encode(slug)),
                        })
                        .collect(),
                }
            })
            .collect();
        let now = Utc::now().timestamp();
        ChatJson {
            stream: self
                .keys
                .as_ref()
                .zip(view.conversation_id)
                .map(|(keys, id)| keys.issue(id, now)),
            token,
            settings: SettingsJson {
                colour: settings.widget_colour.clone(),
                greeting: settings.widget_greeting.clone(),
                launcher: settings.widget_launcher_text.clone(),
                human_support: view.human_support,
                max_message_chars: MAX_MESSAGE_CHARS,
                max_name_chars: MAX_NAME_CHARS,
                max_email_chars: MAX_EMAIL_CHARS,
            },
            conversation,
            messages,
            verdict: match view.judging {
                Judging::Nothing => None,
                Judging::Ask => Some("ask"),
                Judging::Answered => Some("answered"),
            },
            notice: None,
        }
    }
}

/// Everything the widget shows. Outcomes, reasons and internal notes are not part of it.
#[derive(Serialize)]
pub struct ChatJson {
    /// The token to keep (`null` until the first message).
    pub token: Option<String>,
    /// The key to the open conversation's live-update stream (`/widget/api/events?key=`).
    pub stream: Option<String>,
    pub settings: SettingsJson,
    /// The open conversation (a closed one is over for the visitor).
    pub conversation: Option<ConversationJson>,
    pub messages: Vec<MessageJson>,
    /// After a close: `ask` ("Did we solve your problem?"), `answered`, or `null`.
    pub verdict: Option<&'static str>,
    /// A sentence to show once ("Thanks! ..." after the customer confirmed an answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<&'static str>,
}

#[derive(Serialize)]
pub struct SettingsJson {
    pub colour: String,
    pub greeting: String,
    pub launcher: String,
    pub human_support: bool,
    pub max_message_chars: usize,
    pub max_name_chars: usize,
    pub max_email_chars: usize,
}

#[derive(Serialize)]
pub struct ConversationJson {
    pub id: i64,
    pub waiting: bool,
    pub may_ask_for_person: bool,
    /// The bot's answer to show "That answered my question" and "I still need help" under.
    pub confirm: Option<i64>,
}

#[derive(Serialize)]
pub struct MessageJson {
    pub id: i64,
    /// `you`, `assistant`, `agent` or `note` (someone joined or left).
    pub from: &'static str,
    pub name: Option<String>,
    pub body: String,
    /// RFC 3339, UTC.
    pub at: String,
    pub citations: Vec<CitationJson>,
}

#[derive(Serialize)]
pub struct CitationJson {
    pub title: String,
    pub url: String,
}
