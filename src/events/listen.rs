//! How the hub hears of new messages (LISTEN on PostgreSQL, commit signals on SQLite), and on
//! PostgreSQL of changes to the team's settings.

use std::sync::Weak;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};

use super::hub::{Change, Hub};
use crate::db::{commits, AnyConnection, Pool};
use crate::domain::SystemEvent;
use crate::models::message::Message;

/// PostgreSQL's channel for new messages (`db::announce::payload`, or the trigger on `messages`).
pub const CHANNEL: &str = "hearken_messages";
/// PostgreSQL's channel for the team's settings: a trigger on `team_settings` sends it.
pub const SETTINGS_CHANNEL: &str = "hearken_settings";
/// PostgreSQL's channel for the knowledge base: a trigger on `articles` sends it.
pub const ARTICLES_CHANNEL: &str = "hearken_articles";
/// How often the listening connection is checked for notifications (a local read, no query).
const POLL: Duration = Duration::from_millis(20);
/// How often the listening connection is asked whether it is still alive.
const PING: Duration = Duration::from_secs(15);
/// How long to wait before connecting again after the connection was lost.
const RETRY: Duration = Duration::from_secs(1);
/// The most missed messages read in one go after a reconnection.
const CATCH_UP: i64 = 1000;

/// A notification: "message id,conversation id,system note" (the note empty for a plain message).
fn parse(payload: &str) -> Option<Change> {
    let mut fields = payload.split(',').map(str::trim);
    let id = fields.next()?.parse().ok()?;
    let conversation_id = fields.next()?.parse().ok()?;
    let event = match fields.next() {
        None | Some("") => None,
        // A note this version does not know is neither shown to customers nor a close.
        Some(event) => Some(event.parse().unwrap_or(SystemEvent::WaitTimeExceeded)),
    };
    Some(Change::of((id, conversation_id, event)))
}

/// Publishes what was written after `cursor` (read with `conn`); returns the new cursor.
fn catch_up(hub: &Hub, conn: &mut AnyConnection, cursor: i64) -> diesel::QueryResult<i64> {
    let mut cursor = cursor;
    loop {
        let missed = Message::written_after(conn, cursor, None, CATCH_UP)?;
        for &row in &missed {
            cursor = cursor.max(row.0);
            hub.publish(Change::of(row));
        }
        if (missed.len() as i64) < CATCH_UP {
            return Ok(cursor);
        }
    }
}

/// Listens on PostgreSQL until the hub is dropped, connecting again whenever the connection is
/// lost; after a reconnection it publishes the messages written while it was away. The team's
/// settings are cached only while it listens.
pub fn postgres(url: &str, pool: &Pool, hub: Weak<Hub>) {
    let mut cursor = match pool.get() {
        Ok(mut conn) => Message::latest_id(&mut conn).unwrap_or(0),
        Err(_) => 0,
    };
    let mut first = true;
    while hub.strong_count() > 0 {
        let mut conn = match PgConnection::establish(url) {
            Ok(conn) => AnyConnection::Postgresql(conn),
            Err(error) => {
                tracing::warn!(%error, "live updates: cannot connect to listen; trying again");
                std::thread::sleep(RETRY);
                continue;
            }
        };
        if let Err(error) = conn.batch_execute(&format!(
            "LISTEN {CHANNEL}; LISTEN {SETTINGS_CHANNEL}; LISTEN {ARTICLES_CHANNEL}"
        )) {
            tracing::warn!(%error, "live updates: LISTEN failed; trying again");
            std::thread::sleep(RETRY);
            continue;
        }
        // From now on every change is heard; one made before may not have been.
        if let Some(hub) = hub.upgrade() {
            hub.settings().hearing_changes(true);
        }
        if !first {
            if let Some(hub) = hub.upgrade() {
                match catch_up(&hub, &mut conn, cursor) {
                    Ok(caught_up) => cursor = caught_up,
                    Err(error) => tracing::warn!(%error, "live updates: catching up failed"),
                }
            }
            tracing::info!("live updates: listening again");
        }
        first = false;
        match listen(&mut conn, pool, &hub, &mut cursor) {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(%error, "live updates: the listening connection was lost");
                if let Some(hub) = hub.upgrade() {
                    hub.settings().hearing_changes(false);
                }
                std::thread::sleep(RETRY);
            }
        }
    }
}

/// Passes notifications on until the hub is dropped (`Ok`) or the connection fails (`Err`).
fn listen(
    conn: &mut AnyConnection,
    pool: &Pool,
    hub: &Weak<Hub>,
    cursor: &mut i64,
) -> diesel::QueryResult<()> {
    let mut pinged = Instant::now();
    loop {
        let Some(hub) = hub.upgrade() else {
            return Ok(());
        };
        let AnyConnection::Postgresql(pg) = conn else {
            return Ok(());
        };
        for notification in pg.notifications_iter() {
            let notification = notification?;
            if notification.channel == SETTINGS_CHANNEL {
                hub.settings().forget();
            } else if notification.channel == ARTICLES_CHANNEL {
                rebuild_knowledge(pool, hub.knowledge());
            } else if let Some(change) = parse(&notification.payload) {
                *cursor = (*cursor).max(change.id);
                hub.publish(change);
            }
        }
        drop(hub);
        if pinged.elapsed() >= PING {
            diesel::sql_query("SELECT 1").execute(conn)?;
            pinged = Instant::now();
        }
        std::thread::sleep(POLL);
    }
}

/// The knowledge base changed on some instance: this one builds the bot's index again, on a
/// thread of its own so that live updates are not held up meanwhile.
fn rebuild_knowledge(pool: &Pool, knowledge: std::sync::Arc<crate::bot::knowledge::Knowledge>) {
    knowledge.forget();
    let pool = pool.clone();
    let spawned = std::thread::Builder::new()
        .name("hearken-knowledge".into())
        .spawn(move || {
            let built = match pool.get() {
                Ok(mut conn) => knowledge.rebuild(&mut conn).map_err(|e| e.to_string()),
                Err(error) => Err(error.to_string()),
            };
            if let Err(error) = built {
                tracing::warn!(%error, "the bot's index is built at its next use instead");
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "the bot's index is built at its next use instead");
    }
}

/// On SQLite (one instance per file): after each commit in this process, and at least every
/// half second, publishes the messages written since the last look.
pub fn sqlite(pool: &Pool, hub: Weak<Hub>) {
    let mut cursor = None;
    let mut seen = commits::count();
    while let Some(strong) = hub.upgrade() {
        if let Ok(mut conn) = pool.get() {
            let result = match cursor {
                None => Message::latest_id(&mut conn),
                Some(cursor) => catch_up(&strong, &mut conn, cursor),
            };
            match result {
                Ok(now) => cursor = Some(now),
                Err(error) => tracing::warn!(%error, "live updates: reading new messages failed"),
            }
        }
        drop(strong);
        seen = commits::wait_after(seen, Duration::from_millis(500));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_are_read_or_ignored() {
        let message = Change {
            id: 12,
            conversation_id: 3,
            customer_sees: true,
            closes: false,
        };
        assert_eq!(parse("12,3,"), Some(message));
        assert_eq!(parse("12,3,joined"), Some(message));
        let note = Change {
            customer_sees: false,
            ..message
        };
        assert_eq!(parse("12,3,wait_time_exceeded"), Some(note));
        assert_eq!(parse("12,3,something_new"), Some(note));
        let close = Change {
            closes: true,
            ..note
        };
        assert_eq!(parse("12,3,closed"), Some(close));
        assert_eq!(parse("12,3,auto_closed"), Some(close));
        assert_eq!(parse("12"), None);
        assert_eq!(parse("x,3"), None);
    }
}
