//! The team's settings: one row.

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
