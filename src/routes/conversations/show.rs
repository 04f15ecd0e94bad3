//! `GET /conversations/{id}`: the history, the customer sidebar and the actions one may take.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use chrono_tz::Tz;

use crate::db::{self, Pool};
use crate::domain::lifecycle::{decide, Action, Actor, Snapshot};
use crate::domain::{time, ConversationState, Outcome};
use crate::error::AppError;
use crate::models::closure::Closure;
use crate::models::conversation::Conversation;
use crate::models::customer::Customer;
use crate::models::message::{HistoryEntry, Message};
use crate::models::team_settings::TeamSettings;
use crate::models::user::User;
use crate::routes::{render_with_status, Chrome};
use crate::session::CurrentUser;

/// The close form's state, shared by the dialog and the page that works without JavaScript.
pub struct CloseForm {
    pub version: i64,
    pub selected: Option<String>,
    pub reason: String,
    pub errors: Vec<&'static str>,
    /// The outcome it has now, when this is a change of outcome.
    pub current: Option<Outcome>,
}

impl CloseForm {
    /// The form as it opens: nothing chosen yet, based on the conversation's current version.
    pub fn fresh(conversation: &Conversation) -> CloseForm {
        CloseForm {
            version: conversation.version,
            selected: None,
            reason: String::new(),
            errors: Vec::new(),
            current: conversation.outcome(),
        }
    }

    pub fn is_selected(&self, value: &str) -> bool {
        match &self.selected {
            Some(selected) => selected == value,
            // Changing an outcome preselects the other one.
            None => self.current.map(|o| o.other().as_str()) == Some(value),
        }
    }
}

/// What one may do here, asked of the same rules that judge the submission.
pub struct Allowed {
    pub take_over: bool,
    pub hand_back: bool,
    pub close: bool,
    pub reopen: bool,
    pub reply: bool,
}

pub struct ConversationData {
    pub conversation: Conversation,
    pub customer: Customer,
    pub history: Vec<HistoryEntry>,
    pub closures: Vec<(Closure, Option<String>)>,
    pub snapshot: Snapshot,
    pub closed_by: Option<String>,
    pub zone: Tz,
}

pub async fn load(pool: &Pool, id: i64) -> Result<ConversationData, AppError> {
    db::run(pool, move |conn| {
        let conversation = Conversation::find(conn, id)?.ok_or(AppError::NotFound)?;
        let customer = Customer::find(conn, conversation.customer_id)?.ok_or(AppError::NotFound)?;
        let history = Message::history(conn, id)?;
        let closures = Closure::history(conn, id)?;
        let snapshot = super::act::snapshot_of(conn, &conversation)?;
        let closed_by = match conversation.closed_by_id {
            Some(user_id) => User::name_of(conn, user_id)?,
            None => None,
        };
        let zone = time::zone(&TeamSettings::get(conn)?.time_zone);
        Ok(ConversationData {
            conversation,
            customer,
            history,
            closures,
            snapshot,
            closed_by,
            zone,
        })
    })
    .await
}

pub fn allowed(data: &ConversationData, user: &CurrentUser) -> Allowed {
    let actor = Actor {
        id: user.id,
        name: user.name.clone(),
        role: user.role,
    };
    let may = |action: Action| decide(&data.snapshot, &actor, action).is_ok();
    let close_with = data
        .conversation
        .outcome()
        .map(Outcome::other)
        .unwrap_or(Outcome::Resolved);
    Allowed {
        take_over: may(Action::TakeOver),
        hand_back: may(Action::HandBack),
        close: may(Action::Close {
            outcome: close_with,
            reason: None,
        }),
        reopen: may(Action::Reopen),
        reply: data.conversation.state == ConversationState::Agent
            && data.conversation.assignee_id == Some(user.id),
    }
}

#[derive(Template)]
#[template(path = "conversations/show.html")]
struct ConversationPage {
    chrome: Chrome,
    data: ConversationData,
    allowed: Allowed,
    notice: Option<String>,
    draft: String,
    reply_error: Option<&'static str>,
    close_form: CloseForm,
    now: NaiveDateTime,
}

impl ConversationPage {
    fn ago(&self, at: &NaiveDateTime) -> String {
        time::ago(*at, self.now)
    }

    fn exact(&self, at: &NaiveDateTime) -> String {
        time::exact(*at, self.data.zone)
    }

    fn outcome_of(&self, value: &Option<String>) -> Option<Outcome> {
        value.as_deref().and_then(|v| v.parse().ok())
    }
}

pub async fn show(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    render_view(
        &req,
        &pool,
        &user,
        path.into_inner(),
        StatusCode::OK,
        Extras::default(),
    )
    .await
}

/// What a re-rendered view adds: why nothing changed, and a reply draft to keep.
#[derive(Default)]
pub struct Extras {
    pub notice: Option<String>,
    pub draft: String,
    pub reply_error: Option<&'static str>,
}

/// Renders the conversation view with `status` and `extras`.
pub async fn render_view(
    req: &HttpRequest,
    pool: &Pool,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    extras: Extras,
) -> Result<HttpResponse, AppError> {
    let data = load(pool, id).await?;
    let allowed = allowed(&data, user);
    let title = format!("{} · Conversation #{}", data.customer.display_name(), id);
    let close_form = CloseForm::fresh(&data.conversation);
    render_with_status(
        status,
        &ConversationPage {
            chrome: Chrome::new(req, title, Some(user), "conversations"),
            data,
            allowed,
            notice: extras.notice,
            draft: extras.draft,
            reply_error: extras.reply_error,
            close_form,
            now: crate::models::now(),
        },
    )
}
