//! Messages in a conversation's history, including system notes and the bot's citations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{citations, messages};
use crate::db::AnyConnection;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = messages)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub author: String,
    pub author_user_id: Option<i64>,
    pub body: String,
    pub system_event: Option<String>,
    pub event_outcome: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = messages)]
pub struct NewMessage<'a> {
    pub conversation_id: i64,
    pub author: &'static str,
    pub author_user_id: Option<i64>,
    pub body: &'a str,
    pub system_event: Option<&'static str>,
    pub event_outcome: Option<&'static str>,
    pub created_at: NaiveDateTime,
}

impl Message {
    pub fn create(conn: &mut AnyConnection, new: &NewMessage<'_>) -> QueryResult<Message> {
        diesel::insert_into(messages::table)
            .values(new)
            .returning(messages::all_columns)
            .get_result(conn)
    }

    pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
        messages::table.count().get_result(conn)
    }

    /// Records that this bot message cited `article_id`.
    pub fn cite(conn: &mut AnyConnection, message_id: i64, article_id: i64) -> QueryResult<()> {
        diesel::insert_into(citations::table)
            .values((
                citations::message_id.eq(message_id),
                citations::article_id.eq(article_id),
            ))
            .execute(conn)?;
        Ok(())
    }
}
