//! `GET /conversations/{id}/close` is the close form as its own page (it works without
//! JavaScript); `POST` closes the conversation or changes its outcome.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::page::{perform, render_view, CloseForm, ConversationData, Extras};
use crate::csrf::CsrfForm;
use crate::db::Pool;
use crate::domain::lifecycle::{parse_reason, Action};
use crate::domain::Outcome;
use crate::error::AppError;
use crate::routes::{render_with_status, Area, Chrome};
use crate::session::CurrentUser;

#[derive(Template)]
#[template(path = "conversations/close.html")]
struct ClosePage {
    chrome: Chrome,
    data: ConversationData,
    close_form: CloseForm,
}

async fn render_page(
    req: &HttpRequest,
    pool: &Pool,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    form: Option<CloseForm>,
) -> Result<HttpResponse, AppError> {
    let data = ConversationData::load(req, pool, id).await?;
    if !data.allowed(user).close {
        // The rules explain themselves on the conversation view.
        let notice = "You cannot close this conversation or change its outcome.";
        return render_view(
            req,
            pool,
            user,
            id,
            StatusCode::FORBIDDEN,
            Extras::notice(notice),
        )
        .await;
    }
    let close_form = match form {
        Some(kept) => CloseForm {
            current: data.conversation.outcome,
            ..kept
        },
        None => CloseForm::fresh(&data.conversation),
    };
    let title = format!("Close conversation #{id}");
    render_with_status(
        status,
        &ClosePage {
            chrome: Chrome::new(req, title, Some(user), Area::Conversations),
            data,
            close_form,
        },
    )
}

pub async fn form(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    render_page(&req, &pool, &user, path.into_inner(), StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct CloseSubmission {
    #[serde(default)]
    version: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    reason: String,
}

pub async fn submit(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<CloseSubmission>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let version = super::parse_version(&form.version)?;
    let outcome = match form.outcome.as_str() {
        "" => Err("Choose Resolved or Unresolved."),
        value => value.parse::<Outcome>().map_err(|_| {
            "Choose Resolved or Unresolved; the form sent an outcome Hearken does not know."
        }),
    };
    let reason = parse_reason(&form.reason);
    let (Ok(outcome), Ok(reason)) = (outcome, reason.clone()) else {
        let errors = [outcome.err(), reason.err()]
            .into_iter()
            .flatten()
            .collect();
        let kept = CloseForm {
            version,
            selected: Some(form.outcome),
            reason: form.reason,
            errors,
            // Filled in from the conversation as it is now.
            current: None,
        };
        return render_page(
            &req,
            &pool,
            &user,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(kept),
        )
        .await;
    };
    perform(
        &req,
        &pool,
        &user,
        id,
        version,
        Action::Close { outcome, reason },
    )
    .await
}
