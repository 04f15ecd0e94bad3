//! The one path every lifecycle action takes: check the version, ask the rules, write the change
//! with its note and closure-log row in one transaction, then redirect or explain.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::VersionForm;
use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::lifecycle::{decide, Action, Actor, Refusal, Snapshot};
use crate::error::AppError;
use crate::models::conversation::Conversation;
use crate::models::user::User;
use crate::routes::see_other;
use crate::session::{CurrentUser, WebSession};

/// What came of an action.
#[derive(Debug)]
pub enum Acted {
    Done(String),
    Stale,
    Refused(Refusal),
}

pub const STALE_NOTICE: &str = "Nothing changed: the conversation had already changed before \
    your request arrived (another team member acted first, or the form was sent twice). This is \
    how it is now.";

/// Performs `action` on conversation `id` as `user`, based on the form's `version`.
pub async fn perform(
    req: &HttpRequest,
    pool: &Pool,
    user: &CurrentUser,
    id: i64,
    version: i64,
    action: Action,
) -> Result<HttpResponse, AppError> {
    let actor = Actor {
        id: user.id,
        name: user.name.clone(),
        role: user.role,
    };
    let acted = db::run(pool, move |conn| {
        act_at(conn, id, version, &actor, action, crate::models::now())
    })
    .await?;
    match acted {
        Acted::Done(confirmation) => {
            WebSession::from_request(req).set_flash(confirmation);
            Ok(see_other(&format!("/conversations/{id}")))
        }
        Acted::Stale => {
            super::show::render_view(
                req,
                pool,
                user,
                id,
                StatusCode::CONFLICT,
                notice(STALE_NOTICE.to_owned()),
            )
            .await
        }
        Acted::Refused(refusal) => {
            let status = if refusal.is_permission() {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::CONFLICT
            };
            super::show::render_view(req, pool, user, id, status, notice(refusal.to_string())).await
        }
    }
}

/// The whole action in one write transaction, at time `now`: check the version, ask the rules,
/// write the change with its note, closure-log row and report counters. No HTTP here, so the
/// report tests can replay a history at chosen times through exactly this path.
pub fn act_at(
    conn: &mut crate::db::AnyConnection,
    id: i64,
    version: i64,
    actor: &Actor,
    action: Action,
    now: chrono::NaiveDateTime,
) -> Result<Acted, AppError> {
    db::write_transaction::<_, AppError, _>(conn, |conn| {
        let conversation = Conversation::find(conn, id)?.ok_or(AppError::NotFound)?;
        if conversation.version != version {
            return Ok(Acted::Stale);
        }
        let snapshot = snapshot_of(conn, &conversation)?;
        let transition = match decide(&snapshot, actor, action) {
            Ok(transition) => transition,
            Err(refusal) => return Ok(Acted::Refused(refusal)),
        };
        if Conversation::apply_transition(conn, &conversation, Some(actor), &transition, now)? {
            Ok(Acted::Done(transition.confirmation))
        } else {
            Ok(Acted::Stale)
        }
    })
}

fn notice(text: String) -> super::show::Extras {
    super::show::Extras {
        notice: Some(text),
        ..Default::default()
    }
}

/// What the rules need to know about a conversation.
pub fn snapshot_of(
    conn: &mut crate::db::AnyConnection,
    conversation: &Conversation,
) -> Result<Snapshot, AppError> {
    let assignee_name = match conversation.assignee_id {
        Some(id) => User::name_of(conn, id)?,
        None => None,
    };
    Ok(Snapshot {
        state: conversation.state,
        assignee_id: conversation.assignee_id,
        assignee_name,
        outcome: conversation.outcome(),
        closed_by_id: conversation.closed_by_id,
    })
}

/// Handlers of the actions whose form carries nothing but the version.
macro_rules! version_only_action {
    ($($(#[$doc:meta])* $name:ident => $action:expr;)+) => {
        $(
            $(#[$doc])*
            pub async fn $name(
                req: HttpRequest,
                user: CurrentUser,
                path: actix_web::web::Path<i64>,
                CsrfForm(form): CsrfForm<VersionForm>,
                pool: actix_web::web::Data<Pool>,
            ) -> Result<HttpResponse, AppError> {
                let version = form.version()?;
                perform(&req, &pool, &user, path.into_inner(), version, $action).await
            }
        )+
    };
}

version_only_action! {
    /// `POST /conversations/{id}/take-over`
    take_over => Action::TakeOver;
    /// `POST /conversations/{id}/hand-back`
    hand_back => Action::HandBack;
    /// `POST /conversations/{id}/reopen` (admins only; the route and the rules both check)
    reopen => Action::Reopen;
}
