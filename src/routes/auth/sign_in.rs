//! `GET /sign-in` shows the form; `POST /sign-in` checks the password and starts a session.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::gate::SignInGate;
use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::{verify_against_dummy, verify_password, Email, LocalPath};
use crate::error::AppError;
use crate::models::sign_in_failure::{Reservation, SignInFailure};
use crate::models::user::User;
use crate::routes::{render_with_status, see_other, Area, Chrome};
use crate::session::{CurrentUser, WebSession};

#[derive(Template)]
#[template(path = "auth/sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    email: String,
    next: LocalPath,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

pub async fn form(
    req: HttpRequest,
    query: web::Query<SignInQuery>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    if !super::has_members(&pool).await? {
        return Ok(see_other("/setup"));
    }
    let next = LocalPath::parse_or_home(query.next.as_deref());
    if CurrentUser::load(&req).await?.is_some() {
        return Ok(see_other(next.as_str()));
    }
    let page = SignInPage {
        chrome: Chrome::new(&req, "Sign in", None, Area::Outside),
        email: String::new(),
        next,
        error: None,
        notice: query.signed_out.as_ref().map(|_| "You have signed out."),
    };
    render_with_status(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// What happened to a sign-in attempt.
enum Attempt {
    Accepted(i64),
    Refused,
    EmailPaused { minutes: i64 },
    ClientPaused { minutes: i64 },
    Busy,
}

/// Whole minutes from now until `until`, at least one.
fn minutes_until(until: NaiveDateTime) -> i64 {
    let minutes = ((until - crate::models::now()).num_seconds() + 59) / 60;
    minutes.max(1)
}

/// Counts the attempt before checking the password (so concurrent guesses cannot all be
/// checked), checks it holding no connection, and forgets the count if it was right.
async fn attempt(
    pool: &Pool,
    gate: &SignInGate,
    client: String,
    email: Email,
    password: String,
) -> Result<Attempt, AppError> {
    // Held to the end: only a few attempts at a time use the pool and the CPU.
    let Some(_turn) = gate.admit().await else {
        return Ok(Attempt::Busy);
    };
    let address = email.clone();
    let (reservation, user) = db::run(pool, move |conn| {
        let reservation = SignInFailure::reserve(conn, address.as_str(), &client)?;
        let user = match reservation {
            Reservation::Reserved => User::find_by_email(conn, &address)?,
            _ => None,
        };
        Ok((reservation, user))
    })
    .await?;
    match reservation {
        Reservation::Reserved => {}
        Reservation::EmailPaused(until) => {
            return Ok(Attempt::EmailPaused {
                minutes: minutes_until(until),
            })
        }
        Reservation::ClientPaused(until) => {
            return Ok(Attempt::ClientPaused {
                minutes: minutes_until(until),
            })
        }
    }
    // Argon2 is slow on purpose: it runs on a blocking thread, holding no connection.
    let accepted = web::block(move || match user {
        Some(user) => {
            (verify_password(&user.password_hash, &password) && user.active).then_some(user.id)
        }
        None => {
            verify_against_dummy(&password);
            None
        }
    })
    .await?;
    let Some(user_id) = accepted else {
        return Ok(Attempt::Refused);
    };
    db::run(pool, move |conn| {
        SignInFailure::clear(conn, email.as_str())?;
        Ok(())
    })
    .await?;
    Ok(Attempt::Accepted(user_id))
}

pub async fn submit(
    req: HttpRequest,
    CsrfForm(form): CsrfForm<SignInForm>,
    pool: web::Data<Pool>,
    gate: web::Data<SignInGate>,
) -> Result<HttpResponse, AppError> {
    let next = LocalPath::parse_or_home(Some(&form.next));
    let refuse = |status: StatusCode, message: String| {
        render_with_status(
            status,
            &SignInPage {
                chrome: Chrome::new(&req, "Sign in", None, Area::Outside),
                email: form.email.clone(),
                next: next.clone(),
                error: Some(message),
                notice: None,
            },
        )
    };
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(reason) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, reason.to_owned()),
    };
    if form.password.is_empty() {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your password.".to_owned(),
        );
    }
    let client = gate.client_address(&req);
    let result = attempt(&pool, &gate, client, email, form.password.clone()).await?;
    let plural = |minutes: i64| if minutes == 1 { "" } else { "s" };
    match result {
        Attempt::Accepted(user_id) => {
            super::begin_session(&pool, &WebSession::from_request(&req), user_id).await?;
            Ok(see_other(next.as_str()))
        }
        Attempt::Refused => refuse(
            StatusCode::UNAUTHORIZED,
            "That email and password do not match an active account.".to_owned(),
        ),
        Attempt::EmailPaused { minutes } => refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed sign-ins for this address. Try again in {minutes} minute{}, \
                 or ask an admin to reset your password.",
                plural(minutes)
            ),
        ),
        Attempt::ClientPaused { minutes } => refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed sign-ins from your network. Try again in {minutes} minute{}.",
                plural(minutes)
            ),
        ),
        Attempt::Busy => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-in is busy right now. Try again in a moment.".to_owned(),
        ),
    }
}
