//! `GET /settings` shows the team's settings; `POST /settings` saves them (leads and admins).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::Outcome;
use crate::error::AppError;
use crate::models::team_settings::{TeamSettings, TeamSettingsUpdate};
use crate::routes::{render_with_status, see_other, Area, Checkbox, Chrome};
use crate::session::{CurrentUser, WebSession};

/// The form as typed, so a refused submission comes back as it was.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    human_support: Checkbox,
    #[serde(default)]
    wait_time_minutes: String,
    #[serde(default)]
    auto_close: Checkbox,
    #[serde(default)]
    auto_close_after_hours: String,
    #[serde(default)]
    auto_close_outcome: String,
    #[serde(default)]
    time_zone: String,
}

impl SettingsForm {
    fn from_settings(settings: &TeamSettings) -> Self {
        SettingsForm {
            human_support: Checkbox(settings.human_support_enabled),
            wait_time_minutes: settings.wait_time_minutes.to_string(),
            auto_close: Checkbox(settings.auto_close_enabled),
            auto_close_after_hours: settings.auto_close_after_hours.to_string(),
            auto_close_outcome: settings.auto_close_outcome.as_str().into(),
            time_zone: settings.time_zone.as_str().to_owned(),
        }
    }

    /// The validated values, or every reason they were refused.
    fn validate(&self) -> Result<Valid, Vec<&'static str>> {
        let mut errors = Vec::new();
        let wait = self
            .wait_time_minutes
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| (1..=120).contains(m));
        if wait.is_none() {
            errors.push("The wait-time target is a whole number of minutes from 1 to 120.");
        }
        let hours = self
            .auto_close_after_hours
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|h| (1..=720).contains(h));
        if hours.is_none() {
            errors.push("Automatic closing waits a whole number of hours from 1 to 720.");
        }
        let outcome = self.auto_close_outcome.parse::<Outcome>().ok();
        if outcome.is_none() {
            errors.push("Choose the outcome of automatic closing: Resolved or Unresolved.");
        }
        let zone = self.time_zone.parse::<chrono_tz::Tz>().ok();
        if zone.is_none() {
            errors.push("Choose a time zone from the list.");
        }
        match (wait, hours, outcome, zone) {
            (Some(wait), Some(hours), Some(outcome), Some(zone)) => Ok(Valid {
                human_support: self.human_support.is_checked(),
                wait,
                auto_close: self.auto_close.is_checked(),
                hours,
                outcome,
                zone,
            }),
            _ => Err(errors),
        }
    }
}

impl SettingsForm {
    /// Whether the automatic-closing choice is `outcome`, as submitted or saved.
    fn auto_close_outcome_is(&self, outcome: Outcome) -> bool {
        self.auto_close_outcome == outcome.as_str()
    }
}

/// Settings that passed every check.
struct Valid {
    human_support: bool,
    wait: i32,
    auto_close: bool,
    hours: i32,
    outcome: Outcome,
    zone: chrono_tz::Tz,
}

#[derive(Template)]
#[template(path = "settings/edit.html")]
struct SettingsPage {
    chrome: Chrome,
    form: SettingsForm,
    errors: Vec<&'static str>,
    zones: Vec<&'static str>,
}

fn render_page(
    req: &HttpRequest,
    user: &CurrentUser,
    status: StatusCode,
    form: SettingsForm,
    errors: Vec<&'static str>,
) -> Result<HttpResponse, AppError> {
    let zones = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect();
    render_with_status(
        status,
        &SettingsPage {
            chrome: Chrome::new(req, "Settings", Some(user), Area::Settings),
            form,
            errors,
            zones,
        },
    )
}

pub async fn form(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let settings = db::run(&pool, |conn| Ok(TeamSettings::get(conn)?)).await?;
    render_page(
        &req,
        &user,
        StatusCode::OK,
        SettingsForm::from_settings(&settings),
        Vec::new(),
    )
}

pub async fn submit(
    req: HttpRequest,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<SettingsForm>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let Valid {
        human_support,
        wait,
        auto_close,
        hours,
        outcome,
        zone,
    } = match form.validate() {
        Ok(values) => values,
        Err(errors) => {
            return render_page(&req, &user, StatusCode::UNPROCESSABLE_ENTITY, form, errors)
        }
    };
    db::run(&pool, move |conn| {
        TeamSettings::update(
            conn,
            &TeamSettingsUpdate {
                time_zone: zone.into(),
                human_support_enabled: human_support,
                wait_time_minutes: wait,
                auto_close_enabled: auto_close,
                auto_close_after_hours: hours,
                auto_close_outcome: outcome,
                updated_at: crate::models::now(),
            },
        )?;
        Ok(())
    })
    .await?;
    WebSession::from_request(&req).set_flash("Settings saved.");
    Ok(see_other("/settings"))
}
