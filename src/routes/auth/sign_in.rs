//! `GET /sign-in` shows the form; `POST /sign-in` checks the password and starts a session.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::{verify_against_dummy, verify_password, Email, LocalPath};
use crate::error::AppError;
use crate::models::sign_in_failure::SignInFailure;
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
    Paused { minutes: i64 },
}

/// What the database says before the password is checked.
enum Lookup {
    Paused { minutes: i64 },
    Found(Option<User>),
}

async fn lookup(pool: &Pool, email: Email) -> Result<Lookup, AppError> {
    db::run(pool, move |conn| {
        if let Some(until) = SignInFailure::paused_until(conn, email.as_str())? {
            let minutes = ((until - crate::models::now()).num_seconds() + 59) / 60;
            return Ok(Lookup::Paused {
                minutes: minutes.max(1),
            });
        }
        Ok(Lookup::Found(User::find_by_email(conn, &email)?))
    })
    .await
}

pub async fn submit(
    req: HttpRequest,
    CsrfForm(form): CsrfForm<SignInForm>,
    pool: web::Data<Pool>,
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
    let password = form.password.clone();
    let attempt = match lookup(&pool, email.clone()).await? {
        Lookup::Paused { minutes } => Attempt::Paused { minutes },
        Lookup::Found(user) => {
            // Argon2 is slow on purpose: it runs on a blocking thread, holding no connection.
            let accepted = web::block(move || match user {
                Some(user) => (verify_password(&user.password_hash, &password) && user.active)
                    .then_some(user.id),
                None => {
                    verify_against_dummy(&password);
                    None
                }
            })
            .await?;
            db::run(&pool, move |conn| match accepted {
                Some(user_id) => {
                    SignInFailure::clear(conn, email.as_str())?;
                    Ok(Attempt::Accepted(user_id))
                }
                None => {
                    SignInFailure::record(conn, email.as_str())?;
                    Ok(Attempt::Refused)
                }
            })
            .await?
        }
    };
    match attempt {
        Attempt::Accepted(user_id) => {
            super::begin_session(&pool, &WebSession::from_request(&req), user_id).await?;
            Ok(see_other(next.as_str()))
        }
        Attempt::Refused => refuse(
            StatusCode::UNAUTHORIZED,
            "That email and password do not match an active account.".to_owned(),
        ),
        Attempt::Paused { minutes } => refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed sign-ins for this address. Try again in {minutes} minute{}, \
                 or ask an admin to reset your password.",
                if minutes == 1 { "" } else { "s" }
            ),
        ),
    }
}
