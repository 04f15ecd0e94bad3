//! `GET/POST /setup`: on a database without members, the first visitor creates the first admin.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::{hash_password, Email, Password, PersonName, Role};
use crate::error::AppError;
use crate::models::server_secret::ServerSecret;
use crate::models::user::{NewUser, User};
use crate::routes::{render_with_status, see_other, Area, Chrome};
use crate::session::WebSession;

/// Marker row: inserting it twice fails, so only one first admin can ever be created this way.
const SETUP_MARKER: &str = "first_admin_created";

#[derive(Template)]
#[template(path = "auth/setup.html")]
struct SetupPage {
    chrome: Chrome,
    name: String,
    email: String,
    errors: Vec<&'static str>,
}

pub async fn form(req: HttpRequest, pool: web::Data<Pool>) -> Result<HttpResponse, AppError> {
    if super::has_members(&pool).await? {
        return Ok(see_other("/sign-in"));
    }
    render_with_status(
        StatusCode::OK,
        &SetupPage {
            chrome: Chrome::new(&req, "Create the first admin", None, Area::Outside),
            name: String::new(),
            email: String::new(),
            errors: Vec::new(),
        },
    )
}

#[derive(Deserialize)]
pub struct SetupForm {
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
