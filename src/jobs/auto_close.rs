//! "Closed automatically after N hours without activity": conversations with the bot or waiting
//! that nobody touched for the team's configured time are closed with the configured outcome.

use chrono::{Duration, NaiveDateTime};

use crate::db::AnyConnection;
use crate::domain::lifecycle::{Action, Actor};
use crate::models::conversation::{Acted, Conversation};
use crate::models::team_settings::TeamSettings;

/// How many conversations one run looks at; the next run takes the rest.
const BATCH: i64 = 200;

/// Closes what has been inactive too long; returns how many were closed.
pub fn close_inactive(conn: &mut AnyConnection, now: NaiveDateTime) -> anyhow::Result<usize> {
    let settings = TeamSettings::get(conn)?;
    if !settings.auto_close_enabled {
        return Ok(0);
    }
    let hours = settings.auto_close_after_hours;
    let cutoff = now - Duration::hours(i64::from(hours));
    let mut closed = 0;
    for candidate in Conversation::inactive_since(conn, cutoff, BATCH)? {
        // The rules look again inside the transaction: a customer or an agent may just have
        // acted, and then the conversation stays open.
        let acted = Conversation::act(
            conn,
            candidate.id,
            candidate.version,
            &Actor::System,
            Action::AutoClose {
                outcome: settings.auto_close_outcome,
                hours,
            },
            settings.time_zone.at(now),
        )?;
        closed += usize::from(matches!(acted, Acted::Done { .. }));
    }
    Ok(closed)
}
