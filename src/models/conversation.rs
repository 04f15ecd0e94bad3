//! Conversations: their current state, assignee and outcome.

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
    #[diesel(deserialize_as = String)]
    pub state: ConversationState,
    pub assignee_id: Option<i64>,
    pub outcome: Option<String>,
    pub closed_by_id: Option<i64>,
    pub closed_at: Option<NaiveDateTime>,
    pub waiting_since: Option<NaiveDateTime>,
    pub last_activity_at: NaiveDateTime,
    pub agent_involved: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = conversations)]
pub struct NewConversation {
    pub customer_id: i64,
    pub state: &'static str,
    pub assignee_id: Option<i64>,
    pub outcome: Option<&'static str>,
    pub closed_by_id: Option<i64>,
    pub closed_at: Option<NaiveDateTime>,
    pub waiting_since: Option<NaiveDateTime>,
    pub last_activity_at: NaiveDateTime,
    pub agent_involved: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
}

/// The few numbers on the home page.
#[derive(Clone, Debug, Default)]
pub struct Overview {
    pub waiting: i64,
    pub mine: i64,
    pub with_bot: i64,
    pub closed_recently: i64,
    pub resolved_recently: i64,
}

impl Overview {
    /// Resolved share in whole percent, or None when nothing closed.
    pub fn resolved_percent(&self) -> Option<i64> {
        (self.closed_recently > 0).then(|| {
            (self.resolved_recently * 100 + self.closed_recently / 2) / self.closed_recently
        })
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

    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome.as_deref().and_then(|o| o.parse().ok())
    }

    /// Counts for the home page; each is one indexed count.
    pub fn overview(
        conn: &mut AnyConnection,
        user_id: i64,
        closed_since: NaiveDateTime,
    ) -> QueryResult<Overview> {
        use conversations::dsl as c;
        let in_state = |state: ConversationState| c::state.eq(state.as_str());
        let waiting = c::conversations
            .filter(in_state(ConversationState::Waiting))
            .count()
            .get_result(conn)?;
        let mine = c::conversations
            .filter(in_state(ConversationState::Agent))
            .filter(c::assignee_id.eq(user_id))
            .count()
            .get_result(conn)?;
        let with_bot = c::conversations
            .filter(in_state(ConversationState::Bot))
            .count()
            .get_result(conn)?;
        let closed = c::conversations
            .filter(in_state(ConversationState::Closed))
            .filter(c::closed_at.ge(closed_since));
        let closed_recently = closed.count().get_result(conn)?;
        let resolved_recently = closed
            .filter(c::outcome.eq(Outcome::Resolved.as_str()))
            .count()
            .get_result(conn)?;
        Ok(Overview {
            waiting,
            mine,
            with_bot,
            closed_recently,
            resolved_recently,
        })
    }
}

/// Every column a lifecycle change may touch.
#[derive(AsChangeset)]
#[diesel(table_name = conversations, treat_none_as_null = true)]
pub struct ConversationUpdate {
    pub state: &'static str,
    pub assignee_id: Option<i64>,
    pub outcome: Option<&'static str>,
    pub closed_by_id: Option<i64>,
    pub closed_at: Option<NaiveDateTime>,
    pub waiting_since: Option<NaiveDateTime>,
    pub last_activity_at: NaiveDateTime,
    pub agent_involved: bool,
    pub version: i64,
}

impl Conversation {
    /// Writes a conversation's final state as the demo's story left it.
    pub fn set_demo_state(
        conn: &mut AnyConnection,
        id: i64,
        update: &ConversationUpdate,
    ) -> QueryResult<()> {
        diesel::update(conversations::table.find(id))
            .set(update)
            .execute(conn)?;
        Ok(())
    }
}
