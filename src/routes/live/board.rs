//! The two columns of Live support, as a page part that the page fetches every few seconds.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;

use crate::db::{self, Pool};
use crate::domain::time;
use crate::error::AppError;
use crate::models::conversation::{BoardCard, Conversation};
use crate::models::team_settings::TeamSettings;
use crate::routes::render;
use crate::session::{CurrentUser, WebSession};

/// One card as shown.
pub struct Card {
    pub id: i64,
    pub version: i64,
    pub customer: String,
    pub last_message: String,
    pub since: NaiveDateTime,
    pub since_ms: i64,
    pub waiting_text: String,
    pub activity_text: String,
    /// Waiting longer than the team's target wait time.
    pub overdue: bool,
}

pub struct Board {
    pub waiting: Vec<Card>,
    pub mine: Vec<Card>,
    pub csrf: String,
    pub target_minutes: i32,
}

fn card(board_card: BoardCard, now: NaiveDateTime, target_minutes: i32) -> Card {
    let conversation = board_card.conversation;
    let since = conversation
        .waiting_since
        .unwrap_or(conversation.last_activity_at);
    let mut last_message = board_card.last_message.unwrap_or_default();
    if last_message.chars().count() > 140 {
        last_message = last_message.chars().take(139).collect::<String>() + "…";
    }
    Card {
        id: conversation.id,
        version: conversation.version,
        customer: board_card.customer.display_name(),
        last_message,
        since,
        since_ms: time::epoch_millis(since),
        waiting_text: time::waiting_for(since, now),
        activity_text: time::ago(conversation.last_activity_at, now),
        overdue: conversation.waiting_since.is_some()
            && (now - since).num_minutes() >= i64::from(target_minutes),
    }
}

/// The two columns, from the cards read in `Conversation::board`.
pub fn board(
    (waiting, mine): (Vec<BoardCard>, Vec<BoardCard>),
    settings: &TeamSettings,
    csrf: String,
) -> Board {
    let target_minutes = settings.wait_time_minutes;
    let now = crate::models::now();
    Board {
        waiting: waiting
            .into_iter()
            .map(|c| card(c, now, target_minutes))
            .collect(),
        mine: mine
            .into_iter()
            .map(|c| card(c, now, target_minutes))
            .collect(),
        csrf,
        target_minutes,
    }
}

#[derive(Template)]
#[template(path = "live/_board.html")]
struct BoardPart {
    board: Board,
}

/// `GET /live/board`
pub async fn part(
    req: actix_web::HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let csrf = WebSession::from_request(&req).csrf_token();
    let settings = crate::routes::team_settings(&req, &pool).await?;
    let user_id = user.id;
    let cards = db::run(&pool, move |conn| Ok(Conversation::board(conn, user_id)?)).await?;
    let board = board(cards, &settings, csrf);
    let mut response = render(&BoardPart { board })?;
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
