//! What the conversation view shows above its history, read in one round trip: the
//! conversation, its customer, the names of whoever holds and closed it, and whether the current
//! wait already has its "wait time exceeded" note.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};

use super::Conversation;
use crate::db::fixed_sql::fixed;
use crate::db::schema::{conversations, customers, messages, users, verdicts};
use crate::db::AnyConnection;
use crate::domain::lifecycle::Snapshot;
use crate::domain::outcomes::{Closer, Verdict};
use crate::domain::{ConversationState, SystemEvent};
use crate::models::customer::Customer;

diesel::alias!(users as holders: Holders, users as closers: Closers);

/// A conversation with what its view needs about it.
#[derive(Clone, Debug)]
pub struct ConversationHeader {
    pub conversation: Conversation,
    pub customer: Customer,
    pub assignee_name: Option<String>,
    pub closed_by_name: Option<String>,
    pub wait_noted: bool,
    /// The first conversation the customer started within the window after this one closed.
    pub follower_id: Option<i64>,
    /// The customer's answer to "Did we solve your problem?".
    pub verdict: Option<VerdictShown>,
}

/// The customer's verdict as the view shows it.
#[derive(Clone, Debug)]
pub struct VerdictShown {
    pub answer: Verdict,
    pub comment: Option<String>,
    /// Who the verdict is credited to.
    pub closer: Closer,
    pub at: NaiveDateTime,
}

impl ConversationHeader {
    /// What the rules need to know about this conversation at time `at`.
    pub fn snapshot(&self, at: NaiveDateTime) -> Snapshot {
        self.conversation
            .snapshot_of(self.assignee_name.clone(), self.wait_noted, at)
    }
}

/// (conversation, customer, assignee's name, closer's name, wait noted, follower, verdict)
type HeaderRow = (
    Conversation,
    Customer,
    Option<String>,
    Option<String>,
    bool,
    Option<i64>,
    Option<Verdict>,
    Option<String>,
    Option<Closer>,
    Option<NaiveDateTime>,
);

impl Conversation {
    /// Conversation `id` with its customer and the names its view shows, in one query.
    pub fn header(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<ConversationHeader>> {
        let wait_noted =
            conversations::state
                .eq(ConversationState::Waiting)
                .and(diesel::dsl::exists(
                    messages::table
                        .filter(messages::conversation_id.eq(conversations::id))
                        .filter(messages::system_event.eq(SystemEvent::WaitTimeExceeded))
                        .filter(
                            messages::created_at.ge(conversations::waiting_since.assume_not_null()),
                        ),
                ));
        let row: Option<HeaderRow> = conversations::table
            .inner_join(customers::table)
            .left_join(
                holders.on(holders
                    .field(users::id)
                    .nullable()
                    .eq(conversations::assignee_id)),
            )
            .left_join(
                closers.on(closers
                    .field(users::id)
                    .nullable()
                    .eq(conversations::closed_by_id)),
            )
            .left_join(verdicts::table.on(verdicts::conversation_id.eq(conversations::id)))
            .filter(conversations::id.eq(id))
            .select((
                Conversation::as_select(),
                Customer::as_select(),
                holders.field(users::name).nullable(),
                closers.field(users::name).nullable(),
                wait_noted,
                // The first follower, when the customer came back more than once.
                // Fixed text (not `diesel::dsl::sql`), so the statement stays prepared.
                fixed::<Nullable<BigInt>>(
                    "(SELECT MIN(f.id) FROM conversations f WHERE f.follows_id = conversations.id)",
                ),
                verdicts::answer.nullable(),
                verdicts::comment.nullable(),
                verdicts::closer.nullable(),
                verdicts::created_at.nullable(),
            ))
            .first(conn)
            .optional()?;
        Ok(row.map(
            |(
                conversation,
                customer,
                assignee_name,
                closed_by_name,
                wait_noted,
                follower_id,
                answer,
                comment,
                closer,
                answered_at,
            )| {
                let verdict = match (answer, closer, answered_at) {
                    (Some(answer), Some(closer), Some(at)) => Some(VerdictShown {
                        answer,
                        comment,
                        closer,
                        at,
                    }),
                    _ => None,
                };
                ConversationHeader {
                    conversation,
                    customer,
                    assignee_name,
                    closed_by_name,
                    wait_noted,
                    follower_id,
                    verdict,
                }
            },
        ))
    }
}
