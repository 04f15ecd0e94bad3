//! `POST /team`: a team lead or admin adds a member with a first password.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::list::{render_team, AddForm, Shown};
use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::team::may_manage;
use crate::domain::{hash_password, Email, Password, PersonName, Role};
use crate::error::AppError;
use crate::models::is_unique_violation;
use crate::models::user::{NewUser, User};
use crate::routes::see_other;
use crate::session::{CurrentUser, WebSession};

#[derive(Deserialize)]
pub struct AddSubmission {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

pub async fn submit(
    req: HttpRequest,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<AddSubmission>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let name = PersonName::parse(&form.name);
    let email = Email::parse(&form.email);
    let password = Password::parse(&form.password);
    let role = form.role.parse::<Role>().map_err(|_| "Choose a role.");
    let mut errors: Vec<&'static str> = [
        name.as_ref().err(),
        email.as_ref().err(),
        password.as_ref().err(),
        role.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    .copied()
    .collect();
    if let Ok(role) = role {
        if !may_manage(user.role, role) {
            errors.push("Team leads add agents and team leads; only an admin can add an admin.");
        }
    }
    let kept = |errors| AddForm {
        name: form.name.clone(),
        email: form.email.clone(),
        role: form.role.parse().ok(),
        errors,
    };
    let (Ok(name), Ok(email), Ok(password), Ok(role), true) =
        (name, email, password, role, errors.is_empty())
    else {
        return render_team(&req, &pool, &user, Shown::add_refused(kept(errors))).await;
    };
    let hash = web::block(move || hash_password(&password)).await??;
    let added = db::run(&pool, move |conn| {
        match User::create(conn, &NewUser::new(&name, &email, &hash, role)) {
            Ok(user) => Ok(Some(user)),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    let Some(added) = added else {
        let errors = vec!["Someone on the team already has this email address."];
        return render_team(&req, &pool, &user, Shown::add_refused(kept(errors))).await;
    };
    WebSession::from_request(&req).set_flash(format!(
        "Added {} as {}. Give them their email and first password to sign in.",
        added.name,
        added.role.label()
    ));
    Ok(see_other("/team"))
}
