//! The append-only closure log: every close, change of outcome and automatic close.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::closure_log;
use crate::db::AnyConnection;
use crate::domain::Outcome;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = closure_log)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Closure {
    pub id: i64,
    pub conversation_id: i64,
    pub outcome: Outcome,
    pub replaced_outcome: Option<Outcome>,
    pub actor_user_id: Option<i64>,
    pub reason: Option<String>,
    pub closed_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = closure_log)]
pub struct NewClosure<'a> {
    pub conversation_id: i64,
    pub outcome: Outcome,
    pub replaced_outcome: Option<Outcome>,
    pub actor_user_id: Option<i64>,
    pub reason: Option<&'a str>,
    pub closed_at: NaiveDateTime,
}

impl Closure {
    pub fn record(conn: &mut AnyConnection, new: &NewClosure<'_>) -> QueryResult<()> {
        diesel::insert_into(closure_log::table)
            .values(new)
            .execute(conn)?;
        Ok(())
    }

    pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
        closure_log::table.count().get_result(conn)
    }
}

impl Closure {
    /// Every closing of a conversation, oldest first, with the name of who closed it.
    pub fn history(
        conn: &mut AnyConnection,
        conversation_id: i64,
    ) -> QueryResult<Vec<(Closure, Option<String>)>> {
        use crate::db::schema::users;
        closure_log::table
            .left_join(users::table.on(users::id.nullable().eq(closure_log::actor_user_id)))
            .filter(closure_log::conversation_id.eq(conversation_id))
            .order(closure_log::id.asc())
            .select((Closure::as_select(), users::name.nullable()))
            .load(conn)
    }
}
