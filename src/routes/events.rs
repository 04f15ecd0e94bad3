//! Server-sent event streams: `GET /events` for signed-in members (every conversation),
//! `GET /chat/events` for the full-page chat and `GET /widget/api/events?token=` for the widget
//! (the visitor's own open conversation only). Each event is `{"conversation": id}` with the
//! message's id as its id: the page then fetches what changed, so an event never carries what a
//! visitor may not see. A reconnecting client's `Last-Event-ID` is answered with what it missed.
//! Streams end after a while (the browser reconnects at once), so a member's stream is checked
//! against their session again, and no stream holds a database connection while it is open.

use std::collections::VecDeque;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;
use tokio::time::Instant;

use super::chat::limits::VisitorGuard;
use crate::db::{self, Pool};
use crate::error::AppError;
use crate::events::{Change, Hub};
use crate::models::conversation::Conversation;
use crate::models::message::Message;
use crate::session::{token_hash, CurrentUser, WebSession};

/// A comment line now and then keeps proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(20);
/// The most missed events sent on a reconnection; beyond that the client is told to reload.
const REPLAY: i64 = 500;
/// The most streams one instance keeps open (about 11 KB each): a bound on what floods of
/// connections can take, well above what a team and its visitors need.
const MAX_STREAMS: usize = 20_000;
const MEMBER_STREAM: Duration = Duration::from_secs(5 * 60);
const VISITOR_STREAM: Duration = Duration::from_secs(30 * 60);

fn event(change: &Change) -> Bytes {
    Bytes::from(format!(
        "id: {}\ndata: {{\"conversation\":{}}}\n\n",
        change.id, change.conversation_id
    ))
}

/// Sent when a stream fell too far behind: the client reloads what it shows.
const CATCH_UP: &[u8] = b"data: {\"reload\":true}\n\n";

/// The id the browser last received, when it reconnects.
fn last_event_id(req: &HttpRequest) -> Option<i64> {
    req.headers()
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok())
}

struct Stream {
    changes: broadcast::Receiver<Change>,
    closing: watch::Receiver<bool>,
    conversation: Option<i64>,
    pending: VecDeque<Bytes>,
    ends: Instant,
}

impl Stream {
    fn wants(&self, change: &Change) -> bool {
        self.conversation
            .is_none_or(|conversation| conversation == change.conversation_id)
    }
}

/// What woke a stream up.
enum Next {
    Received(Result<Change, RecvError>),
    Quiet,
    End,
}

/// Subscribes first, then reads what was missed: an event in between is sent twice at worst.
async fn open(
    hub: &Hub,
    pool: &Pool,
    after: Option<i64>,
    conversation: Option<i64>,
    lasts: Duration,
) -> Result<HttpResponse, AppError> {
    if hub.streams() >= MAX_STREAMS {
        // Full: the browser tries again after its retry delay; pages fall back on reloading.
        return Ok(HttpResponse::ServiceUnavailable()
            .insert_header(("Retry-After", "30"))
            .body("Too many live connections on this server right now."));
    }
    let changes = hub.subscribe();
    let mut pending = VecDeque::from([Bytes::from_static(b"retry: 1000\n: hello\n\n")]);
    if let Some(after) = after {
        let missed = db::run(pool, move |conn| {
            Ok(Message::written_after(
                conn,
                after,
                conversation,
                REPLAY + 1,
            )?)
        })
        .await?;
        if missed.len() as i64 > REPLAY {
            pending.push_back(Bytes::from_static(CATCH_UP));
        } else {
            pending.extend(missed.into_iter().map(|(id, conversation_id)| {
                event(&Change {
                    id,
                    conversation_id,
                })
            }));
        }
    }
    let stream = Stream {
        changes,
        closing: hub.closing(),
        conversation,
        pending,
        ends: Instant::now() + lasts,
    };
    let body = futures_util::stream::unfold(stream, |mut stream| async move {
        loop {
            if let Some(bytes) = stream.pending.pop_front() {
                return Some((Ok::<_, actix_web::Error>(bytes), stream));
            }
            let next = tokio::select! {
                received = stream.changes.recv() => Next::Received(received),
                () = tokio::time::sleep(KEEP_ALIVE) => Next::Quiet,
                () = tokio::time::sleep_until(stream.ends) => Next::End,
                _ = stream.closing.wait_for(|closing| *closing) => Next::End,
            };
            match next {
                Next::Received(Ok(change)) if stream.wants(&change) => {
                    stream.pending.push_back(event(&change));
                }
                Next::Received(Ok(_)) => {}
                Next::Received(Err(RecvError::Lagged(_))) => {
                    stream.pending.push_back(Bytes::from_static(CATCH_UP));
                }
                Next::Quiet => stream
                    .pending
                    .push_back(Bytes::from_static(b": keep-alive\n\n")),
                Next::Received(Err(RecvError::Closed)) | Next::End => return None,
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-store"))
        // Proxies such as nginx would otherwise hold events back in their buffer.
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}

/// `GET /events`: every change, for a signed-in member's pages.
pub async fn member(
    req: HttpRequest,
    _user: CurrentUser,
    hub: web::Data<Hub>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    open(&hub, &pool, last_event_id(&req), None, MEMBER_STREAM).await
}

/// A visitor's stream: their open conversation's changes, or 204 (the browser stops asking)
/// when they have none yet.
async fn visitor(
    req: &HttpRequest,
    token: Option<String>,
    hub: &Hub,
    pool: &Pool,
    guard: &VisitorGuard,
) -> Result<HttpResponse, AppError> {
    if let Err(reason) = guard.read(&guard.address(req)) {
        return Ok(HttpResponse::build(StatusCode::TOO_MANY_REQUESTS).body(reason));
    }
    let Some(hash) = token.map(|token| token_hash(&token)) else {
        return Ok(HttpResponse::NoContent().finish());
    };
    let open_conversation = db::run(pool, move |conn| {
        Ok(Conversation::find_for_visitor(conn, &hash)?.filter(|c| c.state.is_open()))
    })
    .await?;
    match open_conversation {
        Some(conversation) => {
            open(
                hub,
                pool,
                last_event_id(req),
                Some(conversation.id),
                VISITOR_STREAM,
            )
            .await
        }
        None => Ok(HttpResponse::NoContent().finish()),
    }
}

/// `GET /chat/events`: the full-page chat, whose token is in this site's session.
pub async fn chat(
    req: HttpRequest,
    hub: web::Data<Hub>,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    let token = super::chat::visitor_token(&WebSession::from_request(&req));
    visitor(&req, token, &hub, &pool, &guard).await
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: Option<String>,
}

/// `GET /widget/api/events?token=`: the widget, which keeps its token in its own storage.
pub async fn widget(
    req: HttpRequest,
    query: web::Query<TokenQuery>,
    hub: web::Data<Hub>,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    let admitted = match super::widget::admit(&req, &pool).await? {
        Ok(admitted) => admitted,
        Err(refused) => return Ok(refused),
    };
    let token = query.into_inner().token.filter(|t| !t.is_empty());
    let mut response = visitor(&req, token, &hub, &pool, &guard).await?;
    // The widget runs on the team's website: another origin, and no cookies are involved.
    admitted.let_read(&mut response);
    Ok(response)
}
