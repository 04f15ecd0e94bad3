//! `GET /widget/api/chat?token=T&after=ID`: the widget's settings and the visitor's open
//! conversation, or only the messages after `after` (what the widget asks for when told that
//! something changed, or when it polls).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::admit;
use crate::db::Pool;
use crate::error::AppError;
use crate::routes::chat::limits::VisitorGuard;
use crate::routes::chat::visitor;

#[derive(Deserialize)]
pub struct ChatQuery {
    #[serde(default)]
    token: Option<String>,
    /// Kept as typed: anything but a number means "everything".
    #[serde(default)]
    after: Option<String>,
}

/// The token as the widget sent it: an empty one is none.
pub fn given_token(token: Option<String>) -> Option<String> {
    token.filter(|token| !token.trim().is_empty())
}

/// The last message id the widget shows, if it sent a number.
pub fn given_after(after: Option<&str>) -> Option<i64> {
    after.and_then(|after| after.trim().parse().ok())
}

pub async fn show(
    req: HttpRequest,
    query: web::Query<ChatQuery>,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    let admitted = match admit(&req, &pool).await? {
        Ok(admitted) => admitted,
        Err(refused) => return Ok(refused),
    };
    if let Err(limited) = guard.read(&guard.address(&req)) {
        return Ok(admitted.error(StatusCode::TOO_MANY_REQUESTS, limited));
    }
    let ChatQuery { token, after } = query.into_inner();
    let token = given_token(token);
    let view = visitor::view(&pool, token.clone()).await?;
    let chat = admitted.chat(token, &view, given_after(after.as_deref()));
    Ok(admitted.json(StatusCode::OK, &chat))
}
