//! `GET /`: Live support, the home page: the overview numbers, then Waiting and My conversations.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::board::{load, Board};
use crate::db::{self, Pool};
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

pub async fn show(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let user_id = user.id;
    let overview = db::run(&pool, move |conn| {
        Ok(Conversation::overview(conn, user_id)?)
    })
    .await?;
    let chrome = Chrome::new(&req, "Live support", Some(&user), Area::Live);
    let board = load(&pool, &user, chrome.csrf.clone()).await?;
    render(&LivePage {
        chrome,
        overview,
        board,
    })
}
