//! `POST /team/{id}/role`, `/deactivate`, `/reactivate`, `/password`: changes to a member.
//! Deactivating or setting a new password ends the member's sessions at once.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::list::{render_team, Shown};
use crate::csrf::CsrfForm;
use crate::db::per_backend::lock_team;
use crate::db::{self, Pool};
use crate::domain::lifecycle::{Actor, Member};
use crate::domain::team::{check_change, MemberChange, Someone, TeamRefusal};
use crate::domain::{hash_password, Password, Role};
use crate::error::AppError;
use crate::models::conversation::Conversation;
use crate::models::now;
use crate::models::session::Session;
use crate::models::sign_in_failure::SignInFailure;
use crate::models::team_settings::TeamSettings;
use crate::models::user::User;
use crate::routes::see_other;
use crate::session::{CurrentUser, WebSession};

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

enum Changed {
    Done(String),
    Refused(TeamRefusal),
}

async fn apply(
    req: &HttpRequest,
    pool: &Pool,
    user: &CurrentUser,
    target: i64,
    change: MemberChange,
    new_hash: Option<String>,
) -> Result<HttpResponse, AppError> {
    let actor = Someone {
        id: user.id,
        role: user.role,
    };
    let releaser = Actor::Member(Member {
        id: user.id,
        name: user.name.clone(),
        role: user.role,
    });
    let outcome = db::run(pool, move |conn| {
        db::write_transaction::<_, AppError, _>(conn, |conn| {
            lock_team(conn)?;
            let member = User::find(conn, target)?.ok_or(AppError::NotFound)?;
            let target_counts = member.active && member.role == Role::Admin;
            let other_admins = User::active_admins(conn)? - i64::from(target_counts);
            let subject = Someone {
                id: target,
                role: member.role,
            };
            if let Err(refusal) = check_change(actor, subject, change, other_admins) {
                return Ok(Changed::Refused(refusal));
            }
            let message = match change {
                MemberChange::Role(role) => {
                    User::set_role(conn, target, role)?;
                    format!("{} is now {}.", member.name, role.label())
                }
                MemberChange::Deactivate => {
                    User::set_active(conn, target, false)?;
                    Session::end_all_for_user(conn, target)?;
                    // Their customers go back to the queue in the same transaction.
                    let now = TeamSettings::get(conn)?.time_zone.at(now());
                    Conversation::release_all_held_by(conn, target, &releaser, now)?;
                    format!("{} is deactivated and signed out everywhere.", member.name)
                }
                MemberChange::Reactivate => {
                    User::set_active(conn, target, true)?;
                    format!("{} can sign in again.", member.name)
                }
                MemberChange::Password => {
                    User::set_password_hash(conn, target, new_hash.as_deref().unwrap_or_default())?;
                    Session::end_all_for_user(conn, target)?;
                    // The new password is the way back in: a pause for guessing the old one ends.
                    SignInFailure::clear(conn, &member.email)?;
                    format!(
                        "{} has a new password and was signed out everywhere.",
                        member.name
                    )
                }
            };
            Ok(Changed::Done(message))
        })
    })
    .await?;
    match outcome {
        Changed::Done(message) => {
            // Changing one's own password ends one's own session too.
            if target == user.id && change == MemberChange::Password {
                WebSession::from_request(req).sign_out();
                return Ok(see_other("/sign-in"));
            }
            WebSession::from_request(req).set_flash(message);
            Ok(see_other("/team"))
        }
        Changed::Refused(refusal) => {
            let status = match refusal {
                TeamRefusal::OnlyAdminsManageAdmins => StatusCode::FORBIDDEN,
                TeamRefusal::NotYourself | TeamRefusal::LastAdmin => StatusCode::CONFLICT,
            };
            render_team(req, pool, user, Shown::refusal(status, refusal.to_string())).await
        }
    }
}

pub async fn role(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ChangeForm>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let Ok(role) = form.role.parse::<Role>() else {
        let notice = "Choose agent, team lead or admin.";
        let shown = Shown::refusal(StatusCode::UNPROCESSABLE_ENTITY, notice);
        return render_team(&req, &pool, &user, shown).await;
    };
    apply(
        &req,
        &pool,
        &user,
        path.into_inner(),
        MemberChange::Role(role),
        None,
    )
    .await
}

/// Handlers whose form carries nothing but the CSRF token.
macro_rules! change_without_input {
    ($($(#[$doc:meta])* $name:ident => $change:expr;)+) => {
        $(
            $(#[$doc])*
            pub async fn $name(
                req: HttpRequest,
                user: CurrentUser,
                path: web::Path<i64>,
                _form: CsrfForm<ChangeForm>,
                pool: web::Data<Pool>,
            ) -> Result<HttpResponse, AppError> {
                apply(&req, &pool, &user, path.into_inner(), $change, None).await
            }
        )+
    };
}

change_without_input! {
    /// `POST /team/{id}/deactivate`
    deactivate => MemberChange::Deactivate;
    /// `POST /team/{id}/reactivate`
    reactivate => MemberChange::Reactivate;
}

pub async fn password(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ChangeForm>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let password = match Password::parse(&form.password) {
        Ok(password) => password,
        Err(reason) => {
            let shown = Shown::refusal(StatusCode::UNPROCESSABLE_ENTITY, reason);
            return render_team(&req, &pool, &user, shown).await;
        }
    };
    let hash = web::block(move || hash_password(&password)).await??;
    apply(
        &req,
        &pool,
        &user,
        path.into_inner(),
        MemberChange::Password,
        Some(hash),
    )
    .await
}
