//! The Your account page, shared by its view and by a refused password change.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::db::{self, Pool};
use crate::domain::PasswordChangeRefusal;
use crate::error::AppError;
use crate::models::session::{IdleLimit, Session};
use crate::routes::{render_with_status, Area, Chrome};
use crate::session::{token_hash, CurrentUser, WebSession};

#[derive(Template)]
#[template(path = "account/show.html")]
struct AccountPage<'a> {
    chrome: Chrome,
    user: &'a CurrentUser,
    /// Why the last password change was refused; passwords typed are never sent back.
    refusal: Option<PasswordChangeRefusal>,
    other_sessions: i64,
}

pub async fn render_account(
    req: &HttpRequest,
    pool: &Pool,
    user: &CurrentUser,
    status: StatusCode,
    refusal: Option<PasswordChangeRefusal>,
) -> Result<HttpResponse, AppError> {
    let idle = *req
        .app_data::<web::Data<IdleLimit>>()
        .ok_or_else(|| anyhow::anyhow!("idle limit missing from app data"))?
        .get_ref();
    let current = WebSession::from_request(req)
        .session_token()
        .map(|token| token_hash(&token))
        .unwrap_or_default();
    let user_id = user.id;
    let other_sessions = db::run(pool, move |conn| {
        Ok(Session::count_others(conn, user_id, &current, idle)?)
    })
    .await?;
    render_with_status(
        status,
        &AccountPage {
            chrome: Chrome::new(req, "Your account", Some(user), Area::Account),
            user,
            refusal,
            other_sessions,
        },
    )
}
