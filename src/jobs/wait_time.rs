//! "Agent wait time exceeded": a note in the history when a customer has waited for the team
//! longer than the team's target, once per wait.

use chrono::{Duration, NaiveDateTime};

use crate::db::AnyConnection;
use crate::domain::lifecycle::{Action, Actor};
use crate::models::conversation::{Acted, Conversation};
use crate::models::team_settings::TeamSettings;

/// Notes every wait that went past the target; returns how many.
pub fn note_long_waits(conn: &mut AnyConnection, now: NaiveDateTime) -> anyhow::Result<usize> {
    let settings = TeamSettings::get(conn)?;
    let cutoff = now - Duration::minutes(i64::from(settings.wait_time_minutes));
    let mut noted = 0;
    for candidate in Conversation::waiting_past_target(conn, cutoff, 200)? {
        // Another instance may be noting the same wait: the one door locks the row and the
        // rules refuse a second note for the same wait.
        let acted = Conversation::act(
            conn,
            candidate.id,
            candidate.version,
            &Actor::System,
            Action::NoteLongWait,
            settings.time_zone.at(now),
        )?;
        noted += usize::from(matches!(acted, Acted::Done { .. }));
    }
    Ok(noted)
}
