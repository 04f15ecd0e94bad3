//! "Agent wait time exceeded": a note in the history when a customer has waited for the team
//! longer than the team's target, once per wait.

use chrono::{Duration, NaiveDateTime};

use crate::db::per_backend::lock_conversation;
use crate::db::{self, AnyConnection};
use crate::domain::{Author, SystemEvent};
use crate::models::conversation::Conversation;
use crate::models::message::{Message, NewMessage};
use crate::models::team_settings::TeamSettings;

/// Notes every wait that went past the target; returns how many.
pub fn note_long_waits(conn: &mut AnyConnection, now: NaiveDateTime) -> anyhow::Result<usize> {
    let settings = TeamSettings::get(conn)?;
    let cutoff = now - Duration::minutes(i64::from(settings.wait_time_minutes));
    let mut noted = 0;
    for candidate in Conversation::waiting_past_target(conn, cutoff, 200)? {
        let done = db::write_transaction::<_, anyhow::Error, _>(conn, |conn| {
            // Another instance may be noting the same wait: take the row, then look again.
            lock_conversation(conn, candidate.id)?;
            let Some(current) = Conversation::find(conn, candidate.id)? else {
                return Ok(false);
            };
            // Taken over or closed meanwhile, or already noted: nothing to do.
            if current.version != candidate.version
                || Conversation::wait_already_noted(conn, &current)?
            {
                return Ok(false);
            }
            Message::create(
                conn,
                &NewMessage {
                    conversation_id: current.id,
                    author: Author::System.as_str(),
                    author_user_id: None,
                    body: &SystemEvent::WaitTimeExceeded.note(None, None),
                    system_event: Some(SystemEvent::WaitTimeExceeded.as_str()),
                    event_outcome: None,
                    created_at: now,
                },
            )?;
            Ok(true)
        })?;
        noted += usize::from(done);
    }
    Ok(noted)
}
