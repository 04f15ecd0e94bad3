//! `GET /settings` shows the team's settings; `POST /settings` saves them (leads and admins).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::{widget, Outcome};
use crate::error::AppError;
use crate::models::team_settings::{
    TeamSettings, TeamSettingsCache, TeamSettingsUpdate, WidgetSettingsUpdate,
};
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
    #[serde(default)]
    came_back_days: String,
    #[serde(default)]
    bot_min_confidence: String,
    #[serde(default)]
    widget_colour: String,
    #[serde(default)]
    widget_greeting: String,
    #[serde(default)]
    widget_launcher_text: String,
    #[serde(default)]
    widget_origins: String,
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
            came_back_days: settings.came_back_days.to_string(),
            bot_min_confidence: settings.bot_min_confidence.to_string(),
            widget_colour: settings.widget_colour.clone(),
            widget_greeting: settings.widget_greeting.clone(),
            widget_launcher_text: settings.widget_launcher_text.clone(),
            widget_origins: settings.widget_origins.clone(),
        }
    }

    /// The validated values, or every reason they were refused.
    fn validate(&self) -> Result<Valid, Vec<String>> {
        let mut errors: Vec<String> = Vec::new();
        let wait = number_in(
            &self.wait_time_minutes,
            1..=120,
            "The wait-time target is a whole number of minutes from 1 to 120.",
            &mut errors,
        );
        let hours = number_in(
            &self.auto_close_after_hours,
            1..=720,
            "Automatic closing waits a whole number of hours from 1 to 720.",
            &mut errors,
        );
        let outcome = self.auto_close_outcome.parse::<Outcome>().ok();
        if outcome.is_none() {
            errors.push("Choose the outcome of automatic closing: Resolved or Unresolved.".into());
        }
        let came_back_days = number_in(
            &self.came_back_days,
            1..=30,
            "\"Came back\" counts new conversations within a whole number of days from 1 to 30.",
            &mut errors,
        );
        let bot_min_confidence = number_in(
            &self.bot_min_confidence,
            0.0..=1.0,
            "The confidence the bot needs to answer is a number from 0 to 1, such as 0.5.",
            &mut errors,
        );
        let zone = self.time_zone.parse::<chrono_tz::Tz>().ok();
        if zone.is_none() {
            errors.push("Choose a time zone from the list.".into());
        }
        let widget = self.validate_widget(&mut errors);
        match (
            wait,
            hours,
            outcome,
            zone,
            widget,
            came_back_days,
            bot_min_confidence,
        ) {
            (
                Some(wait),
                Some(hours),
                Some(outcome),
                Some(zone),
                Some(widget),
                Some(came_back_days),
                Some(bot_min_confidence),
            ) => Ok(Valid {
                human_support: self.human_support.is_checked(),
                wait,
                auto_close: self.auto_close.is_checked(),
                hours,
                outcome,
                zone,
                widget,
                came_back_days,
                bot_min_confidence,
            }),
            _ => Err(errors),
        }
    }

    /// The chat widget's section; its refusals join `errors`.
    fn validate_widget(&self, errors: &mut Vec<String>) -> Option<WidgetSettingsUpdate> {
        let colour = widget::parse_colour(&self.widget_colour).map_err(String::from);
        let greeting = widget::parse_greeting(&self.widget_greeting).map_err(String::from);
        let launcher =
            widget::parse_launcher_text(&self.widget_launcher_text).map_err(String::from);
        let origins = widget::parse_origins(&self.widget_origins);
        match (colour, greeting, launcher, origins) {
            (Ok(colour), Ok(greeting), Ok(launcher), Ok(origins)) => Some(WidgetSettingsUpdate {
                widget_colour: colour,
                widget_greeting: greeting,
                widget_launcher_text: launcher,
                widget_origins: origins.join("\n"),
            }),
            (colour, greeting, launcher, origins) => {
                errors.extend(colour.err());
                errors.extend(greeting.err());
                errors.extend(launcher.err());
                errors.extend(origins.err());
                None
            }
        }
    }
}

impl SettingsForm {
    /// Whether the automatic-closing choice is `outcome`, as submitted or saved.
    fn auto_close_outcome_is(&self, outcome: Outcome) -> bool {
        self.auto_close_outcome == outcome.as_str()
    }

    fn time_zone_is(&self, zone: chrono_tz::Tz) -> bool {
        self.time_zone == zone.name()
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
    widget: WidgetSettingsUpdate,
    came_back_days: i32,
    bot_min_confidence: f32,
}

#[derive(Template)]
#[template(path = "settings/edit.html")]
struct SettingsPage {
    chrome: Chrome,
    form: SettingsForm,
    errors: Vec<String>,
    /// This server's address as the browser reached it, for the widget's script tag.
    server_origin: String,
}

impl SettingsPage {
    /// Every time zone the team may choose.
    fn zones(&self) -> Vec<chrono_tz::Tz> {
        chrono_tz::TZ_VARIANTS.to_vec()
    }
}

fn render_page(
    req: &HttpRequest,
    user: &CurrentUser,
    status: StatusCode,
    form: SettingsForm,
    errors: Vec<String>,
) -> Result<HttpResponse, AppError> {
    // Read and let go at once: the connection info is borrowed from the request.
    let server_origin = {
        let info = req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    };
    render_with_status(
        status,
        &SettingsPage {
            chrome: Chrome::new(req, "Settings", Some(user), Area::Settings),
            form,
            errors,
            server_origin,
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
    cache: web::Data<TeamSettingsCache>,
) -> Result<HttpResponse, AppError> {
    let Valid {
        human_support,
        wait,
        auto_close,
        hours,
        outcome,
        zone,
        widget,
        came_back_days,
        bot_min_confidence,
    } = match form.validate() {
        Ok(values) => values,
        Err(errors) => {
            return render_page(&req, &user, StatusCode::UNPROCESSABLE_ENTITY, form, errors)
        }
    };
    db::run(&pool, move |conn| {
        TeamSettings::update_with_widget(
            conn,
            &TeamSettingsUpdate {
                time_zone: zone.into(),
                human_support_enabled: human_support,
                wait_time_minutes: wait,
                auto_close_enabled: auto_close,
                auto_close_after_hours: hours,
                auto_close_outcome: outcome,
                updated_at: crate::models::now(),
                came_back_days,
                bot_min_confidence,
            },
            &widget,
        )?;
        Ok(())
    })
    .await?;
    // Other instances hear of it from PostgreSQL; this one knows now, even on SQLite.
    cache.forget();
    WebSession::from_request(&req).set_flash("Settings saved.");
    Ok(see_other("/settings"))
}

/// `text` as a number within `range`, or `None` with `refusal` added to `errors`.
fn number_in<T>(
    text: &str,
    range: std::ops::RangeInclusive<T>,
    refusal: &str,
    errors: &mut Vec<String>,
) -> Option<T>
where
    T: std::str::FromStr + PartialOrd,
{
    let number = text.trim().parse::<T>().ok().filter(|n| range.contains(n));
    if number.is_none() {
        errors.push(refusal.to_owned());
    }
    number
}
