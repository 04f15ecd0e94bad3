//! The team's settings: one row, and each instance's cached copy of it.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::team_settings;
use crate::db::AnyConnection;
use crate::domain::time::TeamZone;
use crate::domain::Outcome;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = team_settings)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct TeamSettings {
    pub id: i64,
    pub time_zone: TeamZone,
    pub human_support_enabled: bool,
    pub wait_time_minutes: i32,
    pub auto_close_enabled: bool,
    pub auto_close_after_hours: i32,
    pub auto_close_outcome: Outcome,
    pub updated_at: NaiveDateTime,
    /// The widget's colour, `#rrggbb`.
    pub widget_colour: String,
    pub widget_greeting: String,
    pub widget_launcher_text: String,
    /// The websites that may show the widget, one origin per line; empty: any website.
    pub widget_origins: String,
    /// A customer starting a new conversation within this many days of a close "came back".
    pub came_back_days: i32,
    /// How sure the bot must be to answer, from 0 to 1; below it, it declines.
    pub bot_min_confidence: f32,
}

#[derive(AsChangeset)]
#[diesel(table_name = team_settings)]
pub struct TeamSettingsUpdate {
    pub time_zone: TeamZone,
    pub human_support_enabled: bool,
    pub wait_time_minutes: i32,
    pub auto_close_enabled: bool,
    pub auto_close_after_hours: i32,
    pub auto_close_outcome: Outcome,
    pub updated_at: NaiveDateTime,
    pub came_back_days: i32,
    pub bot_min_confidence: f32,
}

/// The chat widget's settings, saved with the rest of the settings page.
#[derive(AsChangeset)]
#[diesel(table_name = team_settings)]
pub struct WidgetSettingsUpdate {
    pub widget_colour: String,
    pub widget_greeting: String,
    pub widget_launcher_text: String,
    /// Normalised origins, one per line.
    pub widget_origins: String,
}

impl TeamSettings {
    pub fn get(conn: &mut AnyConnection) -> QueryResult<TeamSettings> {
        team_settings::table
            .find(1i64)
            .select(TeamSettings::as_select())
            .first(conn)
    }

    pub fn update(conn: &mut AnyConnection, update: &TeamSettingsUpdate) -> QueryResult<()> {
        diesel::update(team_settings::table.find(1i64))
            .set(update)
            .execute(conn)?;
        Ok(())
    }

    /// Saves the settings page: the team's settings and the widget's, together.
    pub fn update_with_widget(
        conn: &mut AnyConnection,
        update: &TeamSettingsUpdate,
        widget: &WidgetSettingsUpdate,
    ) -> QueryResult<()> {
        diesel::update(team_settings::table.find(1i64))
            .set((update, widget))
            .execute(conn)?;
        Ok(())
    }
}

/// This instance's copy of the team's settings, read on nearly every page and widget request.
/// Forgotten when this instance saves them, and on PostgreSQL when any instance does (a trigger
/// sends NOTIFY, which the live-update listener hears). While that listener is not connected,
/// nothing is kept: a change made meanwhile would go unheard.
pub struct TeamSettingsCache {
    slot: Mutex<Slot>,
}

struct Slot {
    settings: Option<Arc<TeamSettings>>,
    /// Counts forgettings, so a read that started before one does not keep its older copy.
    generation: u64,
    keeping: bool,
}

impl TeamSettingsCache {
    /// `keeping`: whether changes are heard from the start (SQLite: one process, so yes).
    pub fn new(keeping: bool) -> Self {
        TeamSettingsCache {
            slot: Mutex::new(Slot {
                settings: None,
                generation: 0,
                keeping,
            }),
        }
    }

    fn slot(&self) -> MutexGuard<'_, Slot> {
        // The slot is always consistent: a panic elsewhere cannot leave it half written.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The kept settings, if any.
    pub fn cached(&self) -> Option<Arc<TeamSettings>> {
        self.slot().settings.clone()
    }

    /// The kept settings, or the stored ones (then kept, unless forgotten meanwhile).
    pub fn get(&self, conn: &mut AnyConnection) -> QueryResult<Arc<TeamSettings>> {
        let generation = {
            let slot = self.slot();
            if let Some(settings) = &slot.settings {
                return Ok(settings.clone());
            }
            slot.generation
        };
        let settings = Arc::new(TeamSettings::get(conn)?);
        let mut slot = self.slot();
        if slot.keeping && slot.generation == generation {
            slot.settings = Some(settings.clone());
        }
        Ok(settings)
    }

    /// The settings changed, or may have: the next read goes to the database.
    pub fn forget(&self) {
        let mut slot = self.slot();
        slot.settings = None;
        slot.generation += 1;
    }

    /// Whether changes are heard now; either way what was kept is forgotten (a change may have
    /// been missed while they were not).
    pub fn hearing_changes(&self, heard: bool) {
        let mut slot = self.slot();
        slot.settings = None;
        slot.generation += 1;
        slot.keeping = heard;
    }
}
