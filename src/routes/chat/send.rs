//! `POST /chat/messages` (the visitor writes) and `POST /chat/person` ("Talk to a person").

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::show::{load, ChatPage};
use crate::bot::intake;
use crate::csrf::CsrfForm;
use crate::db::{self, AnyConnection, Pool};
use crate::domain::lifecycle::parse_reply;
use crate::domain::text::free_of_control_characters;
use crate::domain::ConversationState;
use crate::error::AppError;
use crate::models::conversation::{Conversation, NewConversation};
use crate::models::customer::{Customer, NewCustomer};
use crate::routes::{render_with_status, see_other};
use crate::session::{random_token, token_hash, WebSession};

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    name: String,
}

/// The visitor's open conversation, or a new one (with a new token) if they have none.
fn open_conversation(
    conn: &mut AnyConnection,
    token: Option<&str>,
    name: Option<&str>,
) -> Result<(Conversation, Option<String>), AppError> {
    if let Some(token) = token {
        if let Some(conversation) =
            Conversation::find_for_visitor_to_write(conn, &token_hash(token))?
        {
            if conversation.state.is_open() {
                return Ok((conversation, None));
            }
        }
    }
    let now = crate::models::now();
    let customer = Customer::create(
        conn,
        &NewCustomer {
            name,
            email: None,
            notes: "",
            created_at: now,
        },
    )?;
    let token = random_token();
    let conversation = Conversation::create(
        conn,
        &NewConversation::with_bot(customer.id, now, Some(token_hash(&token))),
    )?;
    Ok((conversation, Some(token)))
}

pub async fn message(
    req: HttpRequest,
    CsrfForm(form): CsrfForm<MessageForm>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let session = WebSession::from_request(&req);
    let name = form.name.trim().chars().take(100).collect::<String>();
    let checked = parse_reply(&form.body).and_then(|body| {
        if free_of_control_characters(&name, false) {
            Ok(body)
        } else {
            Err("Names cannot contain control characters.")
        }
    });
    let body = match checked {
        Ok(body) => body,
        Err(reason) => {
            let view = load(&pool, &session).await?;
            let page = ChatPage {
                csrf: session.csrf_token(),
                view,
                draft: form.body,
                error: Some(reason),
            };
            return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let token = super::visitor_token(&session);
    let new_token = db::run(&pool, move |conn| {
        db::write_transaction::<_, AppError, _>(conn, |conn| {
            let name = (!name.is_empty()).then_some(name.as_str());
            let (conversation, new_token) = open_conversation(conn, token.as_deref(), name)?;
            intake::receive(conn, &conversation, &body)?;
            Ok(new_token)
        })
    })
    .await?;
    if let Some(token) = new_token {
        super::set_visitor_token(&session, &token);
    }
    Ok(see_other("/chat#latest"))
}

#[derive(Deserialize)]
pub struct PersonForm {}

pub async fn person(
    req: HttpRequest,
    _form: CsrfForm<PersonForm>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let session = WebSession::from_request(&req);
    let Some(token) = super::visitor_token(&session) else {
        return Ok(see_other("/chat"));
    };
    db::run(&pool, move |conn| {
        db::write_transaction::<_, AppError, _>(conn, |conn| {
            if let Some(conversation) =
                Conversation::find_for_visitor_to_write(conn, &token_hash(&token))?
            {
                if conversation.state == ConversationState::Bot {
                    intake::request_person(conn, &conversation)?;
                }
            }
            Ok(())
        })
    })
    .await?;
    Ok(see_other("/chat#latest"))
}
