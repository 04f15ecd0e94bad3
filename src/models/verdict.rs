//! The customer's verdict ("Did we solve your problem?"): one per conversation, asked once after
//! a close, credited to whoever closed it. It never changes the outcome; it moves the report
//! counters of the conversation's close, in the same transaction as it is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{conversations, messages, verdicts};
use crate::db::{self, AnyConnection};
use crate::domain::counters::restated;
use crate::domain::outcomes::{Closer, Verdict};
use crate::domain::{ConversationState, Outcome, SystemEvent};
use crate::models::conversation::Conversation;
use crate::models::report_count::ReportCount;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = verdicts)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct VerdictRow {
    pub id: i64,
    pub conversation_id: i64,
    pub answer: Verdict,
    pub comment: Option<String>,
    /// The outcome the conversation had when the customer answered.
    pub outcome: Outcome,
    pub closer: Closer,
    pub closed_by_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = verdicts)]
struct NewVerdict<'a> {
    conversation_id: i64,
    answer: Verdict,
    comment: Option<&'a str>,
    outcome: Outcome,
    closer: Closer,
    closed_by_id: Option<i64>,
    created_at: NaiveDateTime,
}

/// What came of a customer's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Given {
    /// Stored; the conversation's latest message, to name the live-update event.
    Stored {
        conversation_id: i64,
        latest_message_id: i64,
    },
    /// They had answered already: the first answer stands.
    AlreadyAnswered,
    /// Their conversation is not closed (or there is none): there is nothing to judge yet.
    NotClosed,
}

impl VerdictRow {
    /// The answer given on conversation `conversation_id`, if any.
    pub fn answer_of(
        conn: &mut AnyConnection,
        conversation_id: i64,
    ) -> QueryResult<Option<Verdict>> {
        verdicts::table
            .filter(verdicts::conversation_id.eq(conversation_id))
            .select(verdicts::answer)
            .first(conn)
            .optional()
    }

    /// The verdict on conversation `conversation_id`, if any.
    pub fn of(conn: &mut AnyConnection, conversation_id: i64) -> QueryResult<Option<VerdictRow>> {
        verdicts::table
            .filter(verdicts::conversation_id.eq(conversation_id))
            .select(VerdictRow::as_select())
            .first(conn)
            .optional()
    }

    /// The note of the conversation's latest close (closing notes carry their outcome).
    fn closing_note(
        conn: &mut AnyConnection,
        conversation_id: i64,
    ) -> QueryResult<Option<SystemEvent>> {
        Ok(messages::table
            .filter(messages::conversation_id.eq(conversation_id))
            .filter(messages::event_outcome.is_not_null())
            .order(messages::id.desc())
            .select(messages::system_event)
            .first::<Option<SystemEvent>>(conn)
            .optional()?
            .flatten())
    }

    /// Stores the answer of the visitor whose token hashes to `token_hash` on their closed
    /// conversation, with the counters it moves, in one write transaction.
    pub fn give(
        conn: &mut AnyConnection,
        token_hash: &str,
        answer: Verdict,
        comment: Option<&str>,
        at: NaiveDateTime,
    ) -> QueryResult<Given> {
        db::write_transaction_retrying(conn, |conn| {
            let Some(conversation) = Conversation::find_for_visitor_to_write(conn, token_hash)?
            else {
                return Ok(Given::NotClosed);
            };
            let (ConversationState::Closed, Some(outcome)) =
                (conversation.state, conversation.outcome)
            else {
                return Ok(Given::NotClosed);
            };
            if Self::answer_of(conn, conversation.id)?.is_some() {
                return Ok(Given::AlreadyAnswered);
            }
            let note = Self::closing_note(conn, conversation.id)?;
            let closer = Closer::of(conversation.closed_by_id, note);
            diesel::insert_into(verdicts::table)
                .values(&NewVerdict {
                    conversation_id: conversation.id,
                    answer,
                    comment,
                    outcome,
                    closer,
                    closed_by_id: conversation
                        .closed_by_id
                        .filter(|_| closer == Closer::Member),
                    created_at: at,
                })
                .execute(conn)?;
            if let (Some(before), Some(after)) = (
                conversation.counted(None),
                conversation.counted(Some(answer)),
            ) {
                ReportCount::apply(conn, conversation.id, &restated(before, after))?;
            }
            let latest_message_id: i64 = messages::table
                .filter(messages::conversation_id.eq(conversation.id))
                .select(diesel::dsl::max(messages::id))
                .first::<Option<i64>>(conn)?
                .unwrap_or(0);
            // Not a note the customer sees, nor a close: only members' pages refresh.
            let payload = format!("{latest_message_id},{},verdict", conversation.id);
            crate::db::per_backend::announce_change(conn, &payload)?;
            Ok(Given::Stored {
                conversation_id: conversation.id,
                latest_message_id,
            })
        })
    }

    /// Whether the visitor with this token has a closed conversation still to judge.
    pub fn due(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<Option<i64>> {
        let Some(conversation) = Conversation::find_for_visitor(conn, token_hash)? else {
            return Ok(None);
        };
        if conversation.state != ConversationState::Closed {
            return Ok(None);
        }
        Ok(Self::answer_of(conn, conversation.id)?
            .is_none()
            .then_some(conversation.id))
    }
}

/// A conversation whose customer's verdict contradicts its outcome, as Reports lists it.
#[derive(Clone, Debug, Queryable)]
pub struct Disagreement {
    pub conversation_id: i64,
    pub customer_name: Option<String>,
    pub outcome: Outcome,
    pub answer: Verdict,
    pub comment: Option<String>,
    pub closed_by_id: Option<i64>,
}

impl VerdictRow {
    /// The latest `limit` disagreements among conversations counted in report days `from` to
    /// `to`: closed Resolved and answered No, or Unresolved and answered Yes.
    pub fn disagreements(
        conn: &mut AnyConnection,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        limit: i64,
    ) -> QueryResult<Vec<Disagreement>> {
        use crate::db::schema::customers;
        verdicts::table
            .inner_join(conversations::table.inner_join(customers::table))
            .filter(conversations::state.eq(ConversationState::Closed))
            .filter(conversations::report_day.between(from, to))
            .filter(disagrees_with_outcome())
            .order((conversations::closed_at.desc(), conversations::id.desc()))
            .limit(limit)
            .select((
                conversations::id,
                customers::name,
                conversations::outcome.assume_not_null(),
                verdicts::answer,
                verdicts::comment,
                conversations::closed_by_id,
            ))
            .load(conn)
    }
}

/// [`Verdict::disagrees_with`] in SQL, over a verdict and its conversation: the answer
/// contradicts the conversation's outcome (closed Resolved but answered No, or Unresolved but
/// answered Yes).
#[diesel::dsl::auto_type]
pub fn disagrees_with_outcome() -> _ {
    let no: Verdict = Verdict::No;
    let yes: Verdict = Verdict::Yes;
    let contradicted_by_no: Outcome = Verdict::No.contradicts();
    let contradicted_by_yes: Outcome = Verdict::Yes.contradicts();
    verdicts::answer
        .eq(no)
        .and(conversations::outcome.eq(contradicted_by_no))
        .or(verdicts::answer
            .eq(yes)
            .and(conversations::outcome.eq(contradicted_by_yes)))
}
