//! "Closed automatically after N hours without activity": conversations with the bot or waiting
//! that nobody touched for the team's configured time are closed with the configured outcome.

use chrono::{Duration, NaiveDateTime};

use crate::db::{self, AnyConnection};
use crate::domain::lifecycle::{auto_close, Snapshot};
use crate::models::conversation::Conversation;
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
        let done = db::write_transaction::<_, anyhow::Error, _>(conn, |conn| {
            // Read again inside the transaction: a customer or an agent may just have acted.
            let Some(current) = Conversation::find(conn, candidate.id)? else {
                return Ok(false);
            };
            if current.last_activity_at >= cutoff {
                return Ok(false);
            }
            let snapshot = Snapshot {
                state: current.state,
                assignee_id: current.assignee_id,
                assignee_name: None,
                outcome: current.outcome(),
                closed_by_id: current.closed_by_id,
            };
            let Some(transition) = auto_close(&snapshot, settings.auto_close_outcome, hours) else {
                return Ok(false);
            };
            Ok(Conversation::apply_transition(
                conn,
                &current,
                None,
                &transition,
                now,
            )?)
        })?;
        closed += usize::from(done);
    }
    Ok(closed)
}
