//! `POST /widget/api/verdict` (form: `token`, `answer` yes or no, optional `comment`, `after`):
//! the visitor's answer to "Did we solve your problem?" after a close, limited like a message.
//! The answer is the chat as it is now (which then thanks them), or the sentence that says why
//! it was not taken: a second answer is refused politely (409).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::form::given_after;
use crate::db::Pool;
use crate::error::AppError;
use crate::events::Hub;
use crate::routes::chat::limits::VisitorGuard;
use crate::routes::chat::verdict::{judge, Judged, VerdictForm};
use crate::routes::chat::visitor;

pub async fn give(
    req: HttpRequest,
    body: web::Bytes,
    pool: web::Data<Pool>,
    guard: web::Data<VisitorGuard>,
    hub: web::Data<Hub>,
) -> Result<HttpResponse, AppError> {
    let super::send::Write {
        admitted,
        form,
        who,
    } = match super::send::begin(&req, &body, &pool, &guard).await? {
        Ok(write) => write,
        Err(refused) => return Ok(refused),
    };
    let token = who.token.clone();
    let typed = VerdictForm {
        answer: form.answer,
        comment: form.comment,
    };
    match judge(&pool, &guard, &hub, who, &typed).await? {
        Judged::Stored => {
            let view = visitor::view(
                &pool,
                token.clone(),
                admitted.settings.human_support_enabled,
            )
            .await?;
            let after = given_after(form.after.as_deref());
            Ok(admitted.json(StatusCode::OK, &admitted.chat(token, &view, after)))
        }
        Judged::Refused(status, reason) => Ok(admitted.error(status, reason)),
    }
}
