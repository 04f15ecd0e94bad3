//! `POST /widget/api/chat` (form: `token`, `after`): the widget's settings and the visitor's open
//! conversation, or only the messages after `after` (what the widget asks for when told that
//! something changed, or when it polls). A POST, so the token stays out of addresses and logs.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::admit;
use super::form::{given_after, given_token, read_form, UNREADABLE};
use crate::db::Pool;
use crate::error::AppError;
use crate::routes::chat::limits::VisitorGuard;
use crate::routes::chat::visitor;

pub async fn show(
    req: HttpRequest,
    body: web::Bytes,
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
    let Some(form) = read_form(&body) else {
        return Ok(admitted.error(StatusCode::BAD_REQUEST, UNREADABLE));
    };
    let token = given_token(form.token);
    let view = visitor::view(
        &pool,
        token.clone(),
        admitted.settings.human_support_enabled,
    )
    .await?;
    let chat = admitted.chat(token, &view, given_after(form.after.as_deref()));
    Ok(admitted.json(StatusCode::OK, &chat))
}
