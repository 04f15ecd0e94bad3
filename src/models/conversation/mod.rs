//! Conversations: the row, its insert form and its plain reads and touches. A change of state
//! has one door, [`Conversation::act`] (in `act.rs`); the list, the board and the jobs' queries
//! live beside it, each in its own file.

mod act;
mod audit;
mod board;
mod came_back;
mod counts;
mod due;
mod filter;
mod search;
mod view;

pub use act::Acted;
pub use board::{BoardCard, Overview};
pub use counts::StateCounts;
pub use filter::{ConversationFilter, StateFilter};
pub use search::Cursor;
pub use view::{ConversationHeader, VerdictShown};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::conversations;
use crate::db::AnyConnection;
use crate::domain::{ConversationState, Outcome};

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = conversations)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Conversation {
    pub id: i64,
    pub customer_id: i64,
    pub state: ConversationState,
    pub assignee_id: Option<i64>,
    pub outcome: Option<Outcome>,
    pub closed_by_id: Option<i64>,
    pub closed_at: Option<NaiveDateTime>,
    pub waiting_since: Option<NaiveDateTime>,
    pub last_activity_at: NaiveDateTime,
    pub agent_involved: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub visitor_token_hash: Option<String>,
    pub report_day: Option<chrono::NaiveDate>,
    /// Closed because the customer confirmed the bot's answer.
    pub closed_by_customer: bool,
    /// The earlier conversation of the same customer this one started within the team's
    /// window after.
    pub follows_id: Option<i64>,
    /// When the customer first came back after this conversation closed (within the window).
    pub came_back_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = conversations)]
pub struct NewConversation {
    pub customer_id: i64,
    pub state: ConversationState,
    pub assignee_id: Option<i64>,
    pub outcome: Option<Outcome>,
    pub closed_by_id: Option<i64>,
    pub closed_at: Option<NaiveDateTime>,
    pub waiting_since: Option<NaiveDateTime>,
    pub last_activity_at: NaiveDateTime,
    pub agent_involved: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub visitor_token_hash: Option<String>,
}

impl NewConversation {
    /// A conversation that has just started with the bot.
    pub fn with_bot(
        customer_id: i64,
        at: NaiveDateTime,
        visitor_token_hash: Option<String>,
    ) -> Self {
        NewConversation {
            customer_id,
            state: ConversationState::Bot,
            assignee_id: None,
            outcome: None,
            closed_by_id: None,
            closed_at: None,
            waiting_since: None,
            last_activity_at: at,
            agent_involved: false,
            version: 1,
            created_at: at,
            visitor_token_hash,
        }
    }
}

impl Conversation {
    pub fn create(conn: &mut AnyConnection, new: &NewConversation) -> QueryResult<Conversation> {
        diesel::insert_into(conversations::table)
            .values(new)
            .returning(conversations::all_columns)
            .get_result(conn)
    }

    pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
        conversations::table.count().get_result(conn)
    }

    pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Conversation>> {
        conversations::table.find(id).first(conn).optional()
    }

    /// The conversations `assignee_id` holds now.
    pub fn held_by(conn: &mut AnyConnection, assignee_id: i64) -> QueryResult<Vec<Conversation>> {
        conversations::table
            .filter(conversations::state.eq(ConversationState::Agent))
            .filter(conversations::assignee_id.eq(assignee_id))
            .order(conversations::id)
            .load(conn)
    }

    /// Marks new activity on a conversation still held by `assignee_id`; false if it is not.
    pub fn touch_if_held_by(
        conn: &mut AnyConnection,
        id: i64,
        assignee_id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            conversations::table
                .filter(conversations::id.eq(id))
                .filter(conversations::state.eq(ConversationState::Agent))
                .filter(conversations::assignee_id.eq(assignee_id)),
        )
        .set(conversations::last_activity_at.eq(now))
        .execute(conn)?;
        Ok(updated == 1)
    }
}

impl Conversation {
    /// New activity (a message): the conversation moves up the lists.
    pub fn touch(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(conversations::table.find(id))
            .set(conversations::last_activity_at.eq(now))
            .execute(conn)?;
        Ok(())
    }

    /// A visitor's open conversation, found by the hash of their browser's token.
    pub fn find_for_visitor(
        conn: &mut AnyConnection,
        token_hash: &str,
    ) -> QueryResult<Option<Conversation>> {
        conversations::table
            .filter(conversations::visitor_token_hash.eq(token_hash))
            .first(conn)
            .optional()
    }

    /// A visitor's conversation, locked and read again under the lock, for a write: what the
    /// bot does depends on the state, which the team may be changing at this moment. Call inside
    /// a write transaction.
    pub fn find_for_visitor_to_write(
        conn: &mut AnyConnection,
        token_hash: &str,
    ) -> QueryResult<Option<Conversation>> {
        let Some(found) = Conversation::find_for_visitor(conn, token_hash)? else {
            return Ok(None);
        };
        Conversation::find_locked(conn, found.id)
    }

    /// Reads conversation `id` and locks its row until the end of the transaction, in one round
    /// trip: `FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already lets one writer in
    /// at a time.
    pub fn find_locked(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Conversation>> {
        let row = conversations::table.find(id);
        match conn {
            AnyConnection::Postgresql(pg) => row
                .select(Conversation::as_select())
                .for_update()
                .first(pg)
                .optional(),
            AnyConnection::Sqlite(lite) => {
                row.select(Conversation::as_select()).first(lite).optional()
            }
        }
    }
}
