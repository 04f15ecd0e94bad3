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

impl TeamSettings {
    pub fn get(conn: &mut AnyConnection) -> QueryResult<TeamSettings> {
        team_settings::table.find(1i64).first(conn)
    }

    pub fn update(conn: &mut AnyConnection, update: &TeamSettingsUpdate) -> QueryResult<()> {
        diesel::update(team_settings::table.find(1i64))
            .set(update)
            .execute(conn)?;
        Ok(())
    }
}
