//! Server-sent event streams: `GET /events` for signed-in members (every conversation),
//! `GET /chat/events` for the full-page chat and `GET /widget/api/events?key=` for the widget
//! (the visitor's own open conversation only, and only what the visitor sees there). Each event is `{"conversation": id}` with the
//! message's id as its id: the page then fetches what changed, so an event never carries what a
//! visitor may not see. A reconnecting client's `Last-Event-ID` is answered with what it missed.
//! Streams end after a while (the browser reconnects at once), so a member's stream is checked
//! against their session again, and no stream holds a database connection while it is open.
//! A stream holds a file descriptor, so their number is bounded per instance (from its limit
//! on open files) and, for visitors, per address.

use std::collections::VecDeque;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;
use tokio::time::Instant;

use super::chat::limits::{StreamRefused, StreamSlot, VisitorGuard};
use super::widget::stream_key::StreamKeys;
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
/// Streams end after a while and the browser reconnects at once: a member's session is checked
/// again, and a visitor's stream is counted against their address afresh.
const MEMBER_STREAM: Duration = Duration::from_secs(5 * 60);
const VISITOR_STREAM: Duration = Duration::from_secs(5 * 60);
/// File descriptors kept free of streams, for database connections, files and ordinary requests.
const RESERVED_FILES: u64 = 512;

/// The most streams one instance keeps open: each holds a connection, a file descriptor, so the
/// bound follows the process's limit on open files. Visitors (anonymous) may take three quarters
/// of it, so members' pages keep working while a flood is refused.
#[derive(Clone, Copy, Debug)]
pub struct StreamLimits {
    pub all: usize,
    pub visitors: usize,
}

impl StreamLimits {
    pub fn for_open_files(limit: u64) -> StreamLimits {
        let all = limit.saturating_sub(RESERVED_FILES).max(16);
        StreamLimits {
            all: usize::try_from(all).unwrap_or(usize::MAX),
            visitors: usize::try_from(all / 4 * 3).unwrap_or(usize::MAX),
        }
    }

    /// From this process's limit on open files (Linux), or a cautious 4,096 where unknown.
    pub fn of_this_process() -> StreamLimits {
        let soft = std::fs::read_to_string("/proc/self/limits")
            .ok()
            .and_then(|limits| {
                limits
                    .lines()
                    .find(|line| line.starts_with("Max open files"))
                    .and_then(|line| line.split_whitespace().nth(3))
                    .and_then(|soft| soft.parse().ok())
            });
        StreamLimits::for_open_files(soft.unwrap_or(4096))
    }
}

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

/// Whose stream is opened, and so what it may hear.
enum Listener {
    Member,
    /// A visitor's open conversation, counted against their address while open.
    Visitor {
        conversation: i64,
        _slot: StreamSlot,
    },
}

impl Listener {
    fn conversation(&self) -> Option<i64> {
        match self {
            Listener::Member => None,
            Listener::Visitor { conversation, .. } => Some(*conversation),
        }
    }

    /// Members hear of every message; a visitor only of what they see in their conversation,
    /// and of its close (then asked for their verdict; the note itself stays hidden).
    fn hears(&self, change: &Change) -> bool {
        match self {
            Listener::Member => true,
            Listener::Visitor { conversation, .. } => {
                *conversation == change.conversation_id && (change.customer_sees || change.closes)
            }
        }
    }

    fn lasts(&self) -> Duration {
        match self {
            Listener::Member => MEMBER_STREAM,
            Listener::Visitor { .. } => VISITOR_STREAM,
        }
    }
}

struct Stream {
    changes: broadcast::Receiver<Change>,
    closing: watch::Receiver<bool>,
    listener: Listener,
    pending: VecDeque<Bytes>,
    ends: Instant,
    /// Moved on whenever something is sent, so a keep-alive goes out only after real quiet.
    next_keep_alive: Instant,
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
    listener: Listener,
) -> Result<HttpResponse, AppError> {
    let changes = hub.subscribe();
    let mut pending = VecDeque::from([Bytes::from_static(b"retry: 1000\n: hello\n\n")]);
    if let Some(after) = after {
        let conversation = listener.conversation();
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
            pending.extend(
                missed
                    .into_iter()
                    .map(Change::of)
                    .filter(|change| listener.hears(change))
                    .map(|change| event(&change)),
            );
        }
    }
    let now = Instant::now();
    let stream = Stream {
        changes,
        closing: hub.closing(),
        ends: now + listener.lasts(),
        listener,
        pending,
        next_keep_alive: now + KEEP_ALIVE,
    };
    let body = futures_util::stream::unfold(stream, |mut stream| async move {
        loop {
            if let Some(bytes) = stream.pending.pop_front() {
                stream.next_keep_alive = Instant::now() + KEEP_ALIVE;
                return Some((Ok::<_, actix_web::Error>(bytes), stream));
            }
            let next = tokio::select! {
                received = stream.changes.recv() => Next::Received(received),
                () = tokio::time::sleep_until(stream.next_keep_alive) => Next::Quiet,
                () = tokio::time::sleep_until(stream.ends) => Next::End,
                _ = stream.closing.wait_for(|closing| *closing) => Next::End,
            };
            match next {
                Next::Received(Ok(change)) if stream.listener.hears(&change) => {
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

fn server_full() -> HttpResponse {
    // The browser tries again after its retry delay; pages fall back on reloading meanwhile.
    HttpResponse::ServiceUnavailable()
        .insert_header(("Retry-After", "30"))
        .body("Too many live connections on this server right now.")
}

/// `GET /events`: every change, for a signed-in member's pages.
pub async fn member(
    req: HttpRequest,
    _user: CurrentUser,
    hub: web::Data<Hub>,
    pool: web::Data<Pool>,
    limits: web::Data<StreamLimits>,
) -> Result<HttpResponse, AppError> {
    if hub.streams() >= limits.all {
        return Ok(server_full());
    }
    open(&hub, &pool, last_event_id(&req), Listener::Member).await
}

/// Opens a visitor's stream on `conversation` (`None`: they have none open, so 204 tells the
/// browser to stop asking), unless their address or the instance holds too many already.
async fn visitor(
    req: &HttpRequest,
    conversation: Option<i64>,
    hub: &Hub,
    pool: &Pool,
    guard: &VisitorGuard,
    limits: &StreamLimits,
) -> Result<HttpResponse, AppError> {
    let Some(conversation) = conversation else {
        return Ok(HttpResponse::NoContent().finish());
    };
    if hub.streams() >= limits.all {
        return Ok(server_full());
    }
    let slot = match guard.hold_stream(&guard.address(req), limits.visitors) {
        Ok(slot) => slot,
        Err(StreamRefused::Full) => return Ok(server_full()),
        Err(StreamRefused::Address) => {
            return Ok(HttpResponse::build(StatusCode::TOO_MANY_REQUESTS)
                .insert_header(("Retry-After", "60"))
                .body("Too many live connections from your network."))
        }
    };
    let listener = Listener::Visitor {
        conversation,
        _slot: slot,
    };
    open(hub, pool, last_event_id(req), listener).await
}

/// `GET /chat/events`: the full-page chat, whose token is in this site's session.
pub async fn chat(
    req: HttpRequest,
    hub: web::Data<Hub>,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
    limits: web::Data<StreamLimits>,
) -> Result<HttpResponse, AppError> {
    if let Err(reason) = guard.read(&guard.address(&req)) {
        return Ok(HttpResponse::build(StatusCode::TOO_MANY_REQUESTS).body(reason));
    }
    let conversation = match super::chat::visitor_token(&WebSession::from_request(&req)) {
        Some(token) => {
            let hash = token_hash(&token);
            db::run(&pool, move |conn| {
                Ok(Conversation::find_for_visitor(conn, &hash)?
                    .filter(|c| c.state.is_open())
                    .map(|c| c.id))
            })
            .await?
        }
        None => None,
    };
    visitor(&req, conversation, &hub, &pool, &guard, &limits).await
}

#[derive(Deserialize)]
pub struct KeyQuery {
    #[serde(default)]
    key: Option<String>,
}

/// `GET /widget/api/events?key=`: the widget, with the stream key its last chat answer carried
/// (never the visitor's token: addresses end up in logs). A key is checked without the database.
pub async fn widget(
    req: HttpRequest,
    query: web::Query<KeyQuery>,
    hub: web::Data<Hub>,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
    limits: web::Data<StreamLimits>,
    keys: web::Data<StreamKeys>,
) -> Result<HttpResponse, AppError> {
    let admitted = match super::widget::admit(&req, &pool).await? {
        Ok(admitted) => admitted,
        Err(refused) => return Ok(refused),
    };
    let mut response = match guard.read(&guard.address(&req)) {
        Err(reason) => HttpResponse::build(StatusCode::TOO_MANY_REQUESTS).body(reason),
        Ok(()) => {
            let now = chrono::Utc::now().timestamp();
            let conversation = query.key.as_deref().and_then(|key| keys.check(key, now));
            visitor(&req, conversation, &hub, &pool, &guard, &limits).await?
        }
    };
    // The widget runs on the team's website: another origin, and no cookies are involved.
    admitted.let_read(&mut response);
    Ok(response)
}
