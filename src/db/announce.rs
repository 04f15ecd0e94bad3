//! New messages are announced to every instance (PostgreSQL NOTIFY on `hearken_messages`) after
//! the transaction that wrote them commits, not from inside it.
//!
//! A NOTIFY inside a transaction makes its commit wait for every other notifying commit:
//! PostgreSQL holds one database-wide lock from queueing the notification until the commit is
//! on disk. With 16 closes at once that cut throughput to about a fifth (README, "Speed"). So
//! [`crate::db::write_transaction`] turns the trigger off for its transaction (`hearken.quiet`),
//! [`crate::models::message::Message::create`] notes what it wrote here, and after the commit
//! one statement announces it all. Writers that do not come through there (SQL by hand, an
//! older instance) are still announced by the trigger, inside their transaction.
//!
//! The price: a process that dies between its commit and the announcement leaves other
//! instances' open pages unaware of that message until their next event or reload.

use std::cell::RefCell;

use diesel::sql_types::{Array, Text};
use diesel::{PgConnection, QueryResult, RunQueryDsl};

use crate::domain::SystemEvent;

thread_local! {
    /// What the write transaction open on this thread wrote, when it announces after commit.
    /// A transaction runs on one thread from its BEGIN to its COMMIT (diesel is synchronous).
    static PENDING: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// The payload the listener reads (`events::listen`): "message id,conversation id,system
/// note", the note empty for a plain message. The trigger writes the same.
pub fn payload(id: i64, conversation_id: i64, event: Option<SystemEvent>) -> String {
    format!(
        "{id},{conversation_id},{}",
        event.map_or("", SystemEvent::as_str)
    )
}

/// A write transaction that announces after commit began on this thread.
pub(super) fn begin() {
    PENDING.with(|pending| *pending.borrow_mut() = Some(Vec::new()));
}

/// A message was written: kept for announcing after commit, if this thread's transaction does
/// that (otherwise the trigger announced it).
pub fn written(id: i64, conversation_id: i64, event: Option<SystemEvent>) {
    PENDING.with(|pending| {
        if let Some(pending) = pending.borrow_mut().as_mut() {
            pending.push(payload(id, conversation_id, event));
        }
    });
}

/// The transaction ended: what it wrote, to announce if it committed.
pub(super) fn end() -> Vec<String> {
    PENDING.with(|pending| pending.borrow_mut().take().unwrap_or_default())
}

/// Announces `payloads` in one statement. Call after the commit, outside any transaction.
pub(super) fn send(pg: &mut PgConnection, payloads: Vec<String>) -> QueryResult<()> {
    if payloads.is_empty() {
        return Ok(());
    }
    diesel::sql_query(
        "SELECT pg_notify('hearken_messages', p) FROM unnest(CAST($1 AS TEXT[])) AS p",
    )
    .bind::<Array<Text>, _>(payloads)
    .execute(pg)?;
    Ok(())
}
