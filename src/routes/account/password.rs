//! `POST /account/password`: a member changes their own password. The current password is
//! checked and the new one hashed outside any database connection (Argon2 takes a while);
//! a connection is taken only to read the stored hash and to write the new one.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::page::render_account;
use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::{hash_password, verify_password, Password, PasswordChangeRefusal};
use crate::error::AppError;
use crate::models::session::Session;
use crate::models::sign_in_failure::{Reservation, SignInFailure};
use crate::models::user::User;
use crate::routes::auth::gate::SignInGate;
use crate::routes::see_other;
use crate::session::{random_token, token_hash, CurrentUser, WebSession};

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

enum Written {
    Done,
    ChangedMeanwhile,
}

pub async fn submit(
    req: HttpRequest,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<PasswordForm>,
    pool: web::Data<Pool>,
    gate: web::Data<SignInGate>,
) -> Result<HttpResponse, AppError> {
    let refuse = |refusal| {
        let status = match refusal {
            PasswordChangeRefusal::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            PasswordChangeRefusal::ChangedMeanwhile => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        render_account(&req, &pool, &user, status, Some(refusal))
    };
    let new_password = match Password::parse_repeated(&form.new_password, &form.new_password_again)
    {
        Ok(password) => password,
        Err(refusal) => return refuse(refusal).await,
    };
    // Guesses at the current password count with failed sign-ins, so a stolen session cannot
    // be used to try passwords faster than the sign-in page allows.
    // Counted before the check, as a sign-in attempt is, and forgotten when it was right.
    let (user_id, email) = (user.id, user.email.clone());
    let client = gate.client_address(&req);
    let (reservation, old_hash) = db::run(&pool, move |conn| {
        let reservation = SignInFailure::reserve(conn, &email, &client)?;
        let user = User::find(conn, user_id)?.ok_or(AppError::NotFound)?;
        Ok((reservation, user.password_hash))
    })
    .await?;
    if reservation != Reservation::Reserved {
        return refuse(PasswordChangeRefusal::TooManyAttempts).await;
    }
    let checked_hash = old_hash.clone();
    let current = form.current_password;
    let new_hash = web::block(move || -> anyhow::Result<Option<String>> {
        if !verify_password(&checked_hash, &current) {
            return Ok(None);
        }
        Ok(Some(hash_password(&new_password)?))
    })
    .await??;
    let Some(new_hash) = new_hash else {
        return refuse(PasswordChangeRefusal::WrongCurrentPassword).await;
    };
    // Every session ends, this one too, and this browser gets a fresh one: a copy of the old
    // cookie, wherever it is, stops working with the old password.
    let token = random_token();
    let new_token_hash = token_hash(&token);
    let email = user.email.clone();
    let written = db::run(&pool, move |conn| {
        db::write_transaction::<_, AppError, _>(conn, |conn| {
            if User::replace_password_hash(conn, user_id, &old_hash, &new_hash)? == 0 {
                return Ok(Written::ChangedMeanwhile);
            }
            Session::end_all_for_user(conn, user_id)?;
            Session::start(conn, user_id, &new_token_hash)?;
            SignInFailure::clear(conn, &email)?;
            Ok(Written::Done)
        })
    })
    .await?;
    match written {
        Written::ChangedMeanwhile => refuse(PasswordChangeRefusal::ChangedMeanwhile).await,
        Written::Done => {
            let web_session = WebSession::from_request(&req);
            web_session.sign_in(&token);
            web_session.set_flash("Your password is changed. Your other sessions are signed out.");
            Ok(see_other("/account"))
        }
    }
}
