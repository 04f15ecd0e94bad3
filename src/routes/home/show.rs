//! `GET /`: the signed-in member's overview.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::db::{self, Pool};
use crate::error::AppError;
use crate::models::conversation::{Conversation, Overview};
use crate::routes::{render, Chrome};
use crate::session::CurrentUser;

#[derive(Template)]
#[template(path = "home/show.html")]
struct HomePage {
    chrome: Chrome,
    overview: Overview,
}

pub async fn show(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let user_id = user.id;
    let since = crate::models::now() - chrono::Duration::days(7);
    let overview = db::run(&pool, move |conn| {
        Ok(Conversation::overview(conn, user_id, since)?)
    })
    .await?;
    render(&HomePage {
        chrome: Chrome::new(&req, "Overview", Some(&user), "home"),
        overview,
    })
}
