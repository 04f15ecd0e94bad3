//! `GET/POST /setup`: on a database without members, whoever holds the one-time setup link
//! (printed by `hearken serve`) creates the first admin.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::{hash_password, Email, Password, PersonName, Role};
use crate::error::AppError;
use crate::models::server_secret::{ServerSecret, SETUP_CODE};
use crate::models::user::{NewUser, User};
use crate::routes::{render_with_status, see_other, Area, Chrome};
use crate::session::WebSession;

/// Marker row: inserting it twice fails, so only one first admin can ever be created this way.
const SETUP_MARKER: &str = "first_admin_created";

#[derive(Template)]
#[template(path = "auth/setup.html")]
struct SetupPage {
    chrome: Chrome,
    code: String,
    name: String,
    email: String,
    errors: Vec<&'static str>,
}

/// Shown instead of the form without the right code: where the link is.
#[derive(Template)]
#[template(path = "auth/setup_locked.html")]
struct SetupLockedPage {
    chrome: Chrome,
}

/// Whether this request may use the setup form.
enum Access {
    /// The team has members: setup is over.
    Closed,
    Refused,
    Allowed,
}

async fn check_code(pool: &Pool, given: String) -> Result<Access, AppError> {
    db::run(pool, move |conn| {
        if User::count(conn)? > 0 {
            return Ok(Access::Closed);
        }
        let stored = ServerSecret::get(conn, SETUP_CODE)?;
        // Compared in constant time, so response times do not reveal how much of a guess matched.
        let matches = stored.is_some_and(|stored| {
            !given.is_empty() && bool::from(stored.as_bytes().ct_eq(given.as_bytes()))
        });
        Ok(if matches {
            Access::Allowed
        } else {
            Access::Refused
        })
    })
    .await
}

/// The answer when setup is over or the code is missing or wrong; `None` lets the form through.
fn refusal(req: &HttpRequest, access: Access) -> Option<Result<HttpResponse, AppError>> {
    match access {
        Access::Allowed => None,
        Access::Closed => Some(Ok(see_other("/sign-in"))),
        Access::Refused => Some(render_with_status(
            StatusCode::FORBIDDEN,
            &SetupLockedPage {
                chrome: Chrome::new(req, "Setup link needed", None, Area::Outside),
            },
        )),
    }
}

#[derive(Deserialize)]
pub struct SetupQuery {
    #[serde(default)]
    code: String,
}

pub async fn form(
    req: HttpRequest,
    query: web::Query<SetupQuery>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let code = query.into_inner().code;
    if let Some(answer) = refusal(&req, check_code(&pool, code.clone()).await?) {
        return answer;
    }
    render_with_status(
        StatusCode::OK,
        &SetupPage {
            chrome: Chrome::new(&req, "Create the first admin", None, Area::Outside),
            code,
            name: String::new(),
            email: String::new(),
            errors: Vec::new(),
        },
    )
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

pub async fn submit(
    req: HttpRequest,
    CsrfForm(form): CsrfForm<SetupForm>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    if let Some(answer) = refusal(&req, check_code(&pool, form.code.clone()).await?) {
        return answer;
    }
    let name = PersonName::parse(&form.name);
    let email = Email::parse(&form.email);
    let password = Password::parse(&form.password);
    let mut errors: Vec<&'static str> = [
        name.as_ref().err(),
        email.as_ref().err(),
        password.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    .copied()
    .collect();
    if form.password != form.password_again {
        errors.push("The two passwords are not the same.");
    }
    let (Ok(name), Ok(email), Ok(password), true) = (name, email, password, errors.is_empty())
    else {
        return render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                chrome: Chrome::new(&req, "Create the first admin", None, Area::Outside),
                code: form.code,
                name: form.name,
                email: form.email,
                errors,
            },
        );
    };
    let hash = web::block(move || hash_password(&password)).await??;
    let created = db::run(&pool, move |conn| {
        let result = db::write_transaction(conn, |conn| {
            ServerSecret::insert(conn, SETUP_MARKER, &email.to_string())?;
            if User::count(conn)? > 0 {
                return Err(diesel::result::Error::RollbackTransaction);
            }
            // The link has done its job; it must not outlive the first admin.
            ServerSecret::delete(conn, SETUP_CODE)?;
            User::create(conn, &NewUser::new(&name, &email, &hash, Role::Admin))
        });
        match result {
            Ok(user) => Ok(Some(user.id)),
            Err(diesel::result::Error::RollbackTransaction) => Ok(None),
            Err(e) if crate::models::is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    let Some(user_id) = created else {
        // Somebody finished setting up first: this form is no longer the way in.
        return Ok(see_other("/sign-in"));
    };
    let web_session = WebSession::from_request(&req);
    super::begin_session(&pool, &web_session, user_id).await?;
    web_session.set_flash("Welcome to Hearken. You are the first admin of this team.");
    Ok(see_other("/"))
}
