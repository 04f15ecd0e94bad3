//! Live updates. Every message written (a visitor's, the bot's, an agent's, and the system note
//! that every take-over, hand-back, close and reopen writes through `Conversation::act`) is an
//! event; its id is the message's id, so a client that reconnects with `Last-Event-ID` is sent
//! the messages written since.
//!
//! One hub per instance passes events to every open stream in-process. The hub learns of them
//! from the database: on PostgreSQL through LISTEN on one connection of its own (a trigger on
//! `messages` sends NOTIFY, delivered when the writing transaction commits, to every instance);
//! on SQLite, by reading the messages written since its last look, woken by each commit. An open
//! stream holds no database connection.
//!
//! The same listener keeps the instance's copy of the team's settings honest: on PostgreSQL a
//! trigger on `team_settings` sends NOTIFY on a second channel, and the copy is kept only while
//! the listener is connected (see `TeamSettingsCache`). A third channel announces changes to
//! the knowledge base, so every instance builds the bot's search index again at once.

mod hub;
mod listen;

use std::sync::Arc;

use crate::db::{DatabaseLocation, Pool};
pub use hub::{Change, Hub};

// Starting is here rather than in `hub.rs`: the listener uses the hub, so the hub never names
// the listener.
impl Hub {
    /// Starts the hub and its listener thread, which ends when the hub is dropped.
    pub fn start(location: &DatabaseLocation, pool: Pool) -> Arc<Hub> {
        let hub = Arc::new(Hub::new(matches!(location, DatabaseLocation::Sqlite(_))));
        let weak = Arc::downgrade(&hub);
        let location = location.clone();
        let started = std::thread::Builder::new()
            .name("hearken-events".into())
            .spawn(move || match location {
                DatabaseLocation::Postgres(url) => listen::postgres(&url, &pool, weak),
                DatabaseLocation::Sqlite(_) => listen::sqlite(&pool, weak),
            });
        if let Err(error) = started {
            tracing::error!(%error, "live updates cannot start: pages fall back on reloading");
        }
        hub
    }
}
