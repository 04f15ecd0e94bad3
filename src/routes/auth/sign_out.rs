//! `POST /sign-out`: ends the session on the server and clears the cookie.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::error::AppError;
use crate::models::session::Session;
use crate::routes::see_other;
use crate::session::{token_hash, WebSession};

#[derive(Deserialize)]
pub struct SignOutForm {}

pub async fn submit(
    req: HttpRequest,
    _form: CsrfForm<SignOutForm>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let web_session = WebSession::from_request(&req);
    if let Some(token) = web_session.session_token() {
        let hash = token_hash(&token);
        db::run(&pool, move |conn| Ok(Session::end(conn, &hash)?)).await?;
    }
    web_session.sign_out();
    Ok(see_other("/sign-in?signed_out=1"))
}
