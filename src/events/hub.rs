//! The hub: passes each event to every open stream of this instance.

use std::sync::Arc;

use tokio::sync::{broadcast, watch};

use crate::bot::knowledge::Knowledge;
use crate::models::team_settings::TeamSettingsCache;

/// A message was written in a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    /// The message's id: the event's id.
    pub id: i64,
    pub conversation_id: i64,
    /// Whether the customer sees this message (not an internal note): a visitor's stream is
    /// told only of these, so it cannot even time the team's notes.
    pub customer_sees: bool,
    /// Whether it is the note of a close: the visitor's stream hears of it (never what the
    /// outcome was), so the chat can ask "Did we solve your problem?".
    pub closes: bool,
}

impl Change {
    pub fn of(
        (id, conversation_id, event): (i64, i64, Option<crate::domain::conversation::SystemEvent>),
    ) -> Change {
        Change {
            id,
            conversation_id,
            customer_sees: crate::domain::conversation::SystemEvent::customer_sees(event),
            closes: matches!(
                event,
                Some(
                    crate::domain::conversation::SystemEvent::Closed
                        | crate::domain::conversation::SystemEvent::AutoClosed
                )
            ),
        }
    }
}

/// How many events a slow stream may fall behind before it is told to catch up by itself.
const BACKLOG: usize = 1024;

/// Passes events to the streams of this instance.
pub struct Hub {
    sender: broadcast::Sender<Change>,
    /// SQLite: changes without a message of their own are passed on in-process (PostgreSQL
    /// announces them to every instance with NOTIFY).
    in_process: bool,
    closing: watch::Sender<bool>,
    settings: Arc<TeamSettingsCache>,
    knowledge: Arc<Knowledge>,
}

impl Hub {
    /// A hub with nothing listening yet (`Hub::start` starts the listener). On SQLite changes
    /// without a message of their own are passed on in-process.
    pub(super) fn new(sqlite: bool) -> Hub {
        let (sender, _) = broadcast::channel(BACKLOG);
        Hub {
            sender,
            in_process: sqlite,
            closing: watch::Sender::new(false),
            // SQLite: one process, whose saves forget the copy themselves. PostgreSQL: kept
            // once the listener hears other instances' changes.
            settings: Arc::new(TeamSettingsCache::new(sqlite)),
            knowledge: Arc::new(Knowledge::default()),
        }
    }

    /// This instance's copy of the team's settings.
    pub fn settings(&self) -> Arc<TeamSettingsCache> {
        self.settings.clone()
    }

    /// This instance's search index of the knowledge base (for the bot).
    pub fn knowledge(&self) -> Arc<Knowledge> {
        self.knowledge.clone()
    }

    /// A receiver of every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.sender.subscribe()
    }

    /// How many streams are open on this instance.
    pub fn streams(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Ends every open stream (the server is stopping; browsers reconnect to another instance).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Changes to true when the streams must end.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// A change that wrote no message of its own (a customer's verdict) was committed: the
    /// members' pages showing its conversation refresh. On PostgreSQL the writing transaction
    /// announced it already.
    pub fn announce(&self, change: Change) {
        if self.in_process {
            self.publish(change);
        }
    }

    pub(super) fn publish(&self, change: Change) {
        // No receiver (no stream open) is not an error.
        let _ = self.sender.send(change);
    }
}
