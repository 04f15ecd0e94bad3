//! `POST /conversations/{id}/messages`: the assigned agent writes to the customer.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::page::{render_view, Extras};
use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::lifecycle::parse_reply;
use crate::domain::Author;
use crate::error::AppError;
use crate::models::conversation::Conversation;
use crate::models::message::{Message, NewMessage};
use crate::routes::see_other;
use crate::session::CurrentUser;

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    body: String,
}

pub async fn submit(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ReplyForm>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let body = match parse_reply(&form.body) {
        Ok(body) => body,
        Err(reason) => {
            let extras = Extras {
                draft: form.body,
                reply_error: Some(reason),
                ..Default::default()
            };
            return render_view(
                &req,
                &pool,
                &user,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                extras,
            )
            .await;
        }
    };
    let author_id = user.id;
    let sent = db::run(&pool, move |conn| {
        db::write_transaction::<_, AppError, _>(conn, |conn| {
            Conversation::find(conn, id)?.ok_or(AppError::NotFound)?;
            let now = crate::models::now();
            // Only while the conversation is still this agent's: the update says whether it is.
            if !Conversation::touch_if_held_by(conn, id, author_id, now)? {
                return Ok(false);
            }
            Message::create(
                conn,
                &NewMessage {
                    conversation_id: id,
                    author: Author::Agent,
                    author_user_id: Some(author_id),
                    body: &body,
                    system_event: None,
                    event_outcome: None,
                    created_at: now,
                },
            )?;
            Ok(true)
        })
    })
    .await?;
    if sent {
        return Ok(see_other(&format!("/conversations/{id}#reply")));
    }
    let extras = Extras {
        notice: Some(
            "Your message was not sent: you are not handling this conversation (any more). \
             Take it over first."
                .to_owned(),
        ),
        draft: form.body,
        reply_error: None,
    };
    render_view(&req, &pool, &user, id, StatusCode::CONFLICT, extras).await
}
