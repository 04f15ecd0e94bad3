//! Messages in a conversation's history, including system notes and the bot's citations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{citations, messages};
use crate::db::AnyConnection;
use crate::domain::{Author, Outcome, SystemEvent};

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = messages)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub author: Author,
    pub author_user_id: Option<i64>,
    pub body: String,
    pub system_event: Option<SystemEvent>,
    pub event_outcome: Option<Outcome>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = messages)]
pub struct NewMessage<'a> {
    pub conversation_id: i64,
    pub author: Author,
    pub author_user_id: Option<i64>,
    pub body: &'a str,
    pub system_event: Option<SystemEvent>,
    pub event_outcome: Option<Outcome>,
    pub created_at: NaiveDateTime,
}

impl Message {
    /// Writes a message; on PostgreSQL it is announced to every instance when its write
    /// transaction commits (`db::announce`). An agent's first message of a wait also counts its
    /// response time (call in the transaction that writes it, as every writer does).
    pub fn create(conn: &mut AnyConnection, new: &NewMessage<'_>) -> QueryResult<Message> {
        let message: Message = diesel::insert_into(messages::table)
            .values(new)
            .returning(messages::all_columns)
            .get_result(conn)?;
        crate::db::announce::written(message.id, message.conversation_id, message.system_event);
        if message.author == Author::Agent {
            crate::models::time_count::TimeCount::agent_wrote(
                conn,
                message.conversation_id,
                message.id,
                message.author_user_id,
                message.created_at,
            )?;
        }
        Ok(message)
    }

    pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
        messages::table.count().get_result(conn)
    }

    /// Messages written after message `after`, oldest first, as (id, conversation id), at most
    /// `limit`: what a live-update client missed, or what the hub has not passed on yet.
    pub fn written_after(
        conn: &mut AnyConnection,
        after: i64,
        conversation_id: Option<i64>,
        limit: i64,
    ) -> QueryResult<Vec<(i64, i64, Option<SystemEvent>)>> {
        let mut query = messages::table
            .select((
                messages::id,
                messages::conversation_id,
                messages::system_event,
            ))
            .filter(messages::id.gt(after))
            .order(messages::id)
            .limit(limit)
            .into_boxed();
        if let Some(conversation_id) = conversation_id {
            query = query.filter(messages::conversation_id.eq(conversation_id));
        }
        query.load(conn)
    }

    /// The id of the newest message (0 when there is none).
    pub fn latest_id(conn: &mut AnyConnection) -> QueryResult<i64> {
        use diesel::dsl::max;
        Ok(messages::table
            .select(max(messages::id))
            .first::<Option<i64>>(conn)?
            .unwrap_or(0))
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

/// A message with the name of the team member who wrote it (agents and system notes).
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub message: Message,
    pub author_name: Option<String>,
    /// (title, slug) of the articles a bot message cited.
    pub citations: Vec<(String, String)>,
}

/// A message, its author's name, and one article it cited (title, slug).
type HistoryRow = (Message, Option<String>, Option<(String, String)>);

impl Message {
    /// A conversation's history, oldest first, with authors' names and citations, in one
    /// query: a message citing several articles comes once per article, in citation order.
    pub fn history(
        conn: &mut AnyConnection,
        conversation_id: i64,
    ) -> QueryResult<Vec<HistoryEntry>> {
        use crate::db::schema::{articles, users};
        let rows: Vec<HistoryRow> = messages::table
            .left_join(users::table.on(users::id.nullable().eq(messages::author_user_id)))
            .left_join(citations::table.on(citations::message_id.eq(messages::id)))
            .left_join(articles::table.on(articles::id.eq(citations::article_id)))
            .filter(messages::conversation_id.eq(conversation_id))
            .order((messages::id.asc(), citations::id.asc()))
            .select((
                Message::as_select(),
                users::name.nullable(),
                (articles::title, articles::slug).nullable(),
            ))
            .load(conn)?;
        let mut history: Vec<HistoryEntry> = Vec::new();
        for (message, author_name, citation) in rows {
            match history.last_mut() {
                Some(entry) if entry.message.id == message.id => {
                    entry.citations.extend(citation);
                }
                _ => history.push(HistoryEntry {
                    message,
                    author_name,
                    citations: citation.into_iter().collect(),
                }),
            }
        }
        Ok(history)
    }

    /// The latest message of each conversation: by anyone but the system, or (with
    /// `customer_only`) what the customer last said, which is what a waiting card needs.
    pub fn last_said(
        conn: &mut AnyConnection,
        conversation_ids: &[i64],
        customer_only: bool,
    ) -> QueryResult<std::collections::HashMap<i64, String>> {
        if conversation_ids.is_empty() {
            return Ok(Default::default());
        }
        let authors: &[Author] = if customer_only {
            &[Author::Customer]
        } else {
            &[Author::Customer, Author::Bot, Author::Agent]
        };
        let latest: Vec<Option<i64>> = messages::table
            .filter(messages::conversation_id.eq_any(conversation_ids))
            .filter(messages::author.eq_any(authors))
            .group_by(messages::conversation_id)
            .select(diesel::dsl::max(messages::id))
            .load(conn)?;
        let ids: Vec<i64> = latest.into_iter().flatten().collect();
        let rows: Vec<(i64, String)> = messages::table
            .filter(messages::id.eq_any(ids))
            .select((messages::conversation_id, messages::body))
            .load(conn)?;
        Ok(rows.into_iter().collect())
    }
}

impl Message {
    /// Whether `message_id` is the latest thing said in the conversation (notes aside) and is
    /// an answer of the bot's citing an article: the only answer a customer may confirm.
    pub fn is_latest_answer(
        conn: &mut AnyConnection,
        conversation_id: i64,
        message_id: i64,
    ) -> QueryResult<bool> {
        let latest: Option<(i64, Author)> = messages::table
            .filter(messages::conversation_id.eq(conversation_id))
            .filter(messages::system_event.is_null())
            .order(messages::id.desc())
            .select((messages::id, messages::author))
            .first(conn)
            .optional()?;
        if latest != Some((message_id, Author::Bot)) {
            return Ok(false);
        }
        let cited: i64 = citations::table
            .filter(citations::message_id.eq(message_id))
            .count()
            .get_result(conn)?;
        Ok(cited > 0)
    }
}
