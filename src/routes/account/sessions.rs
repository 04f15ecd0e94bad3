//! `POST /account/sign-out-others`: ends every session of the member except this one.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::error::AppError;
use crate::models::session::Session;
use crate::routes::see_other;
use crate::session::{token_hash, CurrentUser, WebSession};

#[derive(Deserialize)]
pub struct SignOutOthersForm {}

pub async fn sign_out_others(
    req: HttpRequest,
    user: CurrentUser,
    _form: CsrfForm<SignOutOthersForm>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let web_session = WebSession::from_request(&req);
    // The guard let the request in, so the session has a token; without one, keep nothing.
    let current = web_session
        .session_token()
        .map(|token| token_hash(&token))
        .unwrap_or_default();
    let user_id = user.id;
    let ended = db::run(&pool, move |conn| {
        Ok(Session::end_others(conn, user_id, &current)?)
    })
    .await?;
    web_session.set_flash(match ended {
        1 => "Signed out 1 other session.".to_owned(),
        n => format!("Signed out {n} other sessions."),
    });
    Ok(see_other("/account"))
}
