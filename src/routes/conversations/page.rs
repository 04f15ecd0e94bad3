//! What the conversation handlers share: loading a conversation's page data, what the signed-in
//! member may do there (asked of the same rules that judge a submission), the close form, the
//! rendered view, and acting through the model's one door. The handlers (show, act, close,
//! reply) use this module; it uses none of them.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use chrono_tz::Tz;

use crate::db::{self, Pool};
use crate::domain::lifecycle::{decide, Action, Actor, Member, Snapshot};
use crate::domain::outcomes::{Closer, Verdict};
use crate::domain::{time, Author, ConversationState, Outcome};
use crate::error::AppError;
use crate::models::closure::Closure;
use crate::models::conversation::{Acted, Conversation, VerdictShown};
use crate::models::customer::Customer;
use crate::models::message::{HistoryEntry, Message};
use crate::routes::{render_with_status, see_other, team_settings, Area, Chrome};
use crate::session::{CurrentUser, WebSession};

pub const STALE_NOTICE: &str = "Nothing changed: the conversation had already changed before \
    your request arrived (another team member acted first, or the form was sent twice). This is \
    how it is now.";

/// The signed-in member as the lifecycle rules see them.
pub fn actor_of(user: &CurrentUser) -> Actor {
    Actor::Member(Member {
        id: user.id,
        name: user.name.clone(),
        role: user.role,
    })
}

/// The close form's state, shared by the dialog and the page that works without JavaScript.
pub struct CloseForm {
    pub version: i64,
    /// The outcome as submitted, kept verbatim when the form comes back with an error.
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
            current: conversation.outcome,
        }
    }

    pub fn is_selected(&self, outcome: Outcome) -> bool {
        match &self.selected {
            Some(selected) => *selected == outcome.as_str(),
            // Changing an outcome preselects the other one.
            None => self.current.map(Outcome::other) == Some(outcome),
        }
    }
}

/// What one may do here.
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
    /// The first conversation the customer started within the window after this one closed.
    pub follower_id: Option<i64>,
    pub verdict: Option<VerdictShown>,
}

impl ConversationData {
    /// Three queries: the conversation with its customer and names, the history with its
    /// citations, the closure log. The team's time zone comes from the instance's copy.
    pub async fn load(
        req: &HttpRequest,
        pool: &Pool,
        id: i64,
    ) -> Result<ConversationData, AppError> {
        let zone = team_settings(req, pool).await?.time_zone.tz();
        db::run(pool, move |conn| {
            let header = Conversation::header(conn, id)?.ok_or(AppError::NotFound)?;
            let history = Message::history(conn, id)?;
            let closures = Closure::history(conn, id)?;
            let snapshot = header.snapshot(crate::models::now());
            Ok(ConversationData {
                conversation: header.conversation,
                customer: header.customer,
                history,
                closures,
                snapshot,
                closed_by: header.closed_by_name,
                zone,
                follower_id: header.follower_id,
                verdict: header.verdict,
            })
        })
        .await
    }

    pub fn allowed(&self, user: &CurrentUser) -> Allowed {
        let actor = actor_of(user);
        let may = |action: Action| decide(&self.snapshot, &actor, action).is_ok();
        let close_with = self
            .conversation
            .outcome
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
            reply: self.conversation.state == ConversationState::Agent
                && self.conversation.assignee_id == Some(user.id),
        }
    }

    /// "N hours": how long after this conversation's close the customer came back.
    pub fn came_back_after(&self) -> Option<String> {
        let closed = self.conversation.closed_at?;
        let came_back = self.conversation.came_back_at?;
        Some(crate::domain::outcomes::came_back_after(closed, came_back))
    }

    /// Whether the customer's verdict contradicts the current outcome.
    pub fn verdict_disagrees(&self) -> bool {
        match (&self.verdict, self.conversation.outcome) {
            (Some(verdict), Some(outcome)) => verdict.answer.disagrees_with(outcome),
            _ => false,
        }
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
}

/// What a re-rendered view adds: why nothing changed, and a reply draft to keep.
#[derive(Default)]
pub struct Extras {
    pub notice: Option<String>,
    pub draft: String,
    pub reply_error: Option<&'static str>,
}

impl Extras {
    pub fn notice(text: impl Into<String>) -> Extras {
        Extras {
            notice: Some(text.into()),
            ..Extras::default()
        }
    }
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
    let data = ConversationData::load(req, pool, id).await?;
    let allowed = data.allowed(user);
    let title = format!("{} · Conversation #{}", data.customer.display_name(), id);
    let close_form = CloseForm::fresh(&data.conversation);
    render_with_status(
        status,
        &ConversationPage {
            chrome: Chrome::new(req, title, Some(user), Area::Conversations),
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

/// Performs `action` on conversation `id` as `user`, based on the form's `version`, then
/// redirects with a confirmation or shows the conversation with why nothing changed.
pub async fn perform(
    req: &HttpRequest,
    pool: &Pool,
    user: &CurrentUser,
    id: i64,
    version: i64,
    action: Action,
) -> Result<HttpResponse, AppError> {
    let actor = actor_of(user);
    let zone = team_settings(req, pool).await?.time_zone;
    let acted = db::run(pool, move |conn| {
        let now = zone.at(crate::models::now());
        Ok(Conversation::act(conn, id, version, &actor, action, now)?)
    })
    .await?;
    let (status, notice) = match acted {
        Acted::Done { confirmation, .. } => {
            WebSession::from_request(req).set_flash(confirmation);
            return Ok(see_other(&format!("/conversations/{id}")));
        }
        Acted::Missing => return Err(AppError::NotFound),
        Acted::Stale => (StatusCode::CONFLICT, STALE_NOTICE.to_owned()),
        Acted::Refused(refusal) if refusal.is_permission() => {
            (StatusCode::FORBIDDEN, refusal.to_string())
        }
        Acted::Refused(refusal) => (StatusCode::CONFLICT, refusal.to_string()),
    };
    render_view(req, pool, user, id, status, Extras::notice(notice)).await
}
