//! `GET /account`: who you are, the password form and your other sessions.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::page::render_account;
use crate::db::Pool;
use crate::error::AppError;
use crate::session::CurrentUser;

pub async fn show(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    render_account(&req, &pool, &user, StatusCode::OK, None).await
}
