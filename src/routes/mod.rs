//! HTTP handlers, one folder per area and one file per action.

pub mod account;
pub mod assets;
pub mod auth;
pub mod chat;
pub mod conversations;
pub mod events;
pub mod health;
pub mod kb;
pub mod live;
pub mod reports;
pub mod settings;
pub mod table;
pub mod team;
pub mod widget;

use std::sync::Arc;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::db::{self, Pool};
use crate::error::AppError;
use crate::models::team_settings::{TeamSettings, TeamSettingsCache};
use crate::session::{CurrentUser, WebSession};

/// What every page's layout needs: title, who is signed in, the CSRF token, a flash message.
pub struct Chrome {
    pub title: String,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub flash: Option<String>,
    /// Which navigation entry is highlighted.
    pub active: Area,
}

/// The areas of the navigation bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Live,
    Conversations,
    Reports,
    KnowledgeBase,
    Team,
    Settings,
    /// Your account, reached from one's name in the navigation bar.
    Account,
    /// Pages outside the navigation (sign-in, setup).
    Outside,
}

impl Chrome {
    pub fn new(
        req: &HttpRequest,
        title: impl Into<String>,
        user: Option<&CurrentUser>,
        active: Area,
    ) -> Chrome {
        let session = WebSession::from_request(req);
        Chrome {
            title: title.into(),
            user: user.cloned(),
            csrf: session.csrf_token(),
            flash: session.take_flash(),
            active,
        }
    }

    /// Whether the signed-in member may use what `role` may (navigation entries, links).
    pub fn may(&self, role: crate::domain::Role) -> bool {
        self.user.as_ref().is_some_and(|user| user.may(role))
    }
}

/// The team's settings from this instance's copy, read from the database when it has none.
pub async fn team_settings(req: &HttpRequest, pool: &Pool) -> Result<Arc<TeamSettings>, AppError> {
    let cache = req
        .app_data::<web::Data<TeamSettingsCache>>()
        .ok_or_else(|| anyhow::anyhow!("team settings cache missing from app data"))?
        .clone();
    if let Some(settings) = cache.cached() {
        return Ok(settings);
    }
    db::run(pool, move |conn| Ok(cache.get(conn)?)).await
}

/// An HTML checkbox as a form sends it: `on` when ticked, absent when not. Refilling a refused
/// form keeps the tick as it was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(from = "String")]
pub struct Checkbox(pub bool);

impl From<String> for Checkbox {
    fn from(value: String) -> Self {
        Checkbox(value == "on")
    }
}

impl Checkbox {
    pub fn is_checked(self) -> bool {
        self.0
    }
}

/// Renders a page with status 200.
pub fn render(page: &impl Template) -> Result<HttpResponse, AppError> {
    render_with_status(StatusCode::OK, page)
}

/// Renders a page with a given status (422 for a rejected form, 401, 429 ...).
pub fn render_with_status(
    status: StatusCode,
    page: &impl Template,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

/// The redirect after a successful POST.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}
