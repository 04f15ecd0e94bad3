//! `GET /team`: the team members (team leads and admins).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::db::{self, Pool};
use crate::error::AppError;
use crate::models::user::User;
use crate::routes::{render, Chrome};
use crate::session::CurrentUser;

#[derive(Template)]
#[template(path = "team/list.html")]
struct TeamPage {
    chrome: Chrome,
    members: Vec<User>,
}

pub async fn list(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let members = db::run(&pool, |conn| Ok(User::list(conn)?)).await?;
    render(&TeamPage {
        chrome: Chrome::new(&req, "Team", Some(&user), "team"),
        members,
    })
}
