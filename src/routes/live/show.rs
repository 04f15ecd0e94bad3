//! `GET /`: Live support, the home page: the overview numbers, then Waiting and My conversations.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::board::{board, Board};
use crate::db::{self, Pool};
use crate::domain::time::local_day;
use crate::error::AppError;
use crate::models::conversation::{Conversation, Overview};
use crate::routes::{render, Area, Chrome};
use crate::session::CurrentUser;

#[derive(Template)]
#[template(path = "live/show.html")]
struct LivePage {
    chrome: Chrome,
    overview: Overview,
    board: Board,
}

/// Three queries after the session's: the overview's numbers, then each column.
pub async fn show(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let settings = crate::routes::team_settings(&req, &pool).await?;
    let user_id = user.id;
    let today = local_day(crate::models::now(), settings.time_zone.tz());
    let (overview, cards) = db::run(&pool, move |conn| {
        let overview = Conversation::overview(conn, user_id, today)?;
        Ok((overview, Conversation::board(conn, user_id)?))
    })
    .await?;
    let chrome = Chrome::new(&req, "Live support", Some(&user), Area::Live);
    let board = board(cards, &settings, chrome.csrf.clone());
    render(&LivePage {
        chrome,
        overview,
        board,
    })
}
