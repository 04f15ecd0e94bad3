//! "Came back": a customer starting a new conversation within the team's window after a close,
//! recognised by their browser's visitor token or by their email. The new conversation follows
//! the earlier one; the earlier one is marked (once) with when they came back, and its report
//! counters move in the same transaction.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::Conversation;
use crate::db::schema::{conversations, customers};
use crate::db::AnyConnection;
use crate::domain::counters::restated;
use crate::domain::outcomes::within_window;
use crate::domain::ConversationState;
use crate::models::report_count::ReportCount;
use crate::models::verdict::VerdictRow;

impl Conversation {
    /// The latest conversation closed within `days` before `now` of the customer with this
    /// visitor token or this email, if any.
    pub fn returning_from(
        conn: &mut AnyConnection,
        token_hash: Option<&str>,
        email: Option<&str>,
        now: NaiveDateTime,
        days: i32,
    ) -> QueryResult<Option<Conversation>> {
        let since = now - Duration::days(i64::from(days));
        let mut found: Vec<Conversation> = Vec::new();
        if let Some(hash) = token_hash {
            found.extend(Conversation::find_for_visitor(conn, hash)?);
        }
        if let Some(email) = email {
            found.extend(
                conversations::table
                    .inner_join(customers::table)
                    .filter(customers::email.eq(email))
                    .filter(conversations::state.eq(ConversationState::Closed))
                    .filter(conversations::closed_at.ge(since))
                    .order(conversations::closed_at.desc())
                    .select(Conversation::as_select())
                    .first(conn)
                    .optional()?,
            );
        }
        Ok(found
            .into_iter()
            .filter(|c| c.state == ConversationState::Closed)
            .filter(|c| c.closed_at.is_some_and(|at| within_window(at, now, days)))
            .max_by_key(|c| (c.closed_at, c.id)))
    }

    /// Conversation `new_id` follows `earlier`, which is marked as came back at `at` unless it
    /// already was. Call in the transaction that starts the new conversation.
    pub fn record_return(
        conn: &mut AnyConnection,
        new_id: i64,
        earlier: &Conversation,
        at: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(conversations::table.find(new_id))
            .set(conversations::follows_id.eq(earlier.id))
            .execute(conn)?;
        // Read again under its lock: the team may be changing its outcome right now.
        let Some(earlier) = Conversation::find_locked(conn, earlier.id)? else {
            return Ok(());
        };
        if earlier.came_back_at.is_some() {
            return Ok(());
        }
        diesel::update(conversations::table.find(earlier.id))
            .set(conversations::came_back_at.eq(at))
            .execute(conn)?;
        let verdict = VerdictRow::answer_of(conn, earlier.id)?;
        let marked = Conversation {
            came_back_at: Some(at),
            ..earlier.clone()
        };
        if let (Some(before), Some(after)) = (earlier.counted(verdict), marked.counted(verdict)) {
            ReportCount::apply(conn, earlier.id, &restated(before, after))?;
        }
        Ok(())
    }

    /// The first conversation that followed this one, if the customer came back.
    pub fn follower(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Conversation>> {
        conversations::table
            .filter(conversations::follows_id.eq(id))
            .order(conversations::id.asc())
            .select(Conversation::as_select())
            .first(conn)
            .optional()
    }
}
