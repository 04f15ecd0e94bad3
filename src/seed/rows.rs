//! The rows `hearken seed` writes in bulk, with ids chosen by the seed, and the insert that
//! runs them on either backend.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{citations, closure_log, conversations, customers, messages, verdicts};
use crate::domain::outcomes::{Closer, Verdict};
use crate::domain::{Author, ConversationState, Outcome, SystemEvent};

#[derive(Insertable)]
#[diesel(table_name = customers, treat_none_as_default_value = false)]
pub(super) struct SeedCustomer {
    pub(super) id: i64,
    pub(super) name: Option<String>,
    pub(super) email: Option<String>,
    pub(super) notes: &'static str,
    pub(super) created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = conversations, treat_none_as_default_value = false)]
pub(super) struct SeedConversation {
    pub(super) id: i64,
    pub(super) customer_id: i64,
    pub(super) state: ConversationState,
    pub(super) assignee_id: Option<i64>,
    pub(super) outcome: Option<Outcome>,
    pub(super) closed_by_id: Option<i64>,
    pub(super) closed_at: Option<NaiveDateTime>,
    pub(super) waiting_since: Option<NaiveDateTime>,
    pub(super) last_activity_at: NaiveDateTime,
    pub(super) agent_involved: bool,
    pub(super) version: i64,
    pub(super) created_at: NaiveDateTime,
    pub(super) visitor_token_hash: Option<String>,
    pub(super) report_day: Option<NaiveDate>,
    /// Returns are marked on the closed conversation only (no follow-up conversation is
    /// written): enough for Reports' figures at scale.
    pub(super) came_back_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = verdicts, treat_none_as_default_value = false)]
pub(super) struct SeedVerdict {
    pub(super) conversation_id: i64,
    pub(super) answer: Verdict,
    pub(super) comment: Option<&'static str>,
    pub(super) outcome: Outcome,
    pub(super) closer: Closer,
    pub(super) closed_by_id: Option<i64>,
    pub(super) created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = messages, treat_none_as_default_value = false)]
pub(super) struct SeedMessage {
    pub(super) id: i64,
    pub(super) conversation_id: i64,
    pub(super) author: Author,
    pub(super) author_user_id: Option<i64>,
    pub(super) body: String,
    pub(super) system_event: Option<SystemEvent>,
    pub(super) event_outcome: Option<Outcome>,
    pub(super) created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = citations)]
pub(super) struct SeedCitation {
    pub(super) id: i64,
    pub(super) message_id: i64,
    pub(super) article_id: i64,
}

#[derive(Insertable)]
#[diesel(table_name = closure_log, treat_none_as_default_value = false)]
pub(super) struct SeedClosure {
    pub(super) id: i64,
    pub(super) conversation_id: i64,
    pub(super) outcome: Outcome,
    pub(super) replaced_outcome: Option<Outcome>,
    pub(super) actor_user_id: Option<i64>,
    pub(super) reason: Option<&'static str>,
    pub(super) closed_at: NaiveDateTime,
}

/// Runs the same insert on whichever backend the connection is.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        if !$rows.is_empty() {
            match $conn {
                AnyConnection::Postgresql(c) => {
                    diesel::insert_into($table).values($rows).execute(c)
                }
                AnyConnection::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            }?;
        }
    };
}
pub(super) use insert_rows;
