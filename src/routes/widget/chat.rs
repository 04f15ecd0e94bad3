//! `GET /widget/api/chat?token=T&after=ID`: the widget's settings and the visitor's open
//! conversation, or only the messages after `after` (what the widget asks for when told that
//! something changed, or when it polls).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::admit;
use crate::db::{self, Pool};
use crate::error::AppError;
use crate::models::conversation::Conversation;
use crate::models::message::Message;
use crate::routes::chat::show::VisitorView;
use crate::session::token_hash;

#[derive(Deserialize)]
pub struct ChatQuery {
    #[serde(default)]
    token: Option<String>,
    /// Kept as typed: a bad number means "everything".
    #[serde(default)]
    after: Option<String>,
}

impl ChatQuery {
    fn token(&self) -> Option<String> {
        self.token.clone().filter(|token| !token.is_empty())
    }

    fn after(&self) -> Option<i64> {
        self.after
            .as_deref()
            .and_then(|after| after.trim().parse().ok())
    }
}

/// The visitor's open conversation (a closed one is over for them) and its history.
async fn view(pool: &Pool, token: Option<String>) -> Result<(VisitorView, Option<i64>), AppError> {
    let hash = token.map(|token| token_hash(&token));
    db::run(pool, move |conn| {
        let human_support =
            crate::models::team_settings::TeamSettings::get(conn)?.human_support_enabled;
        let conversation = match hash {
            Some(hash) => Conversation::find_for_visitor(conn, &hash)?,
            None => None,
        }
        .filter(|c| c.state.is_open());
        let entries = match &conversation {
            Some(c) => Message::history(conn, c.id)?,
            None => Vec::new(),
        };
        let id = conversation.as_ref().map(|c| c.id);
        Ok((
            VisitorView {
                entries,
                state: conversation.map(|c| c.state),
                human_support,
                now: crate::models::now(),
            },
            id,
        ))
    })
    .await
}

pub async fn show(
    req: HttpRequest,
    query: web::Query<ChatQuery>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let admitted = match admit(&req, &pool).await? {
        Ok(admitted) => admitted,
        Err(refused) => return Ok(refused),
    };
    let token = query.token();
    let (view, conversation_id) = view(&pool, token.clone()).await?;
    let chat = admitted.chat(token, &view, conversation_id, query.after());
    Ok(admitted.json(StatusCode::OK, &chat))
}
