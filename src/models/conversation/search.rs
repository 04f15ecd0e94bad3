//! The Conversations list: keyset pages, text search and the reads its tab counts use (the
//! filters themselves are in `filter.rs`).

use crate::domain::counters::CLOSED_BY_CUSTOMER;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::filter::{ConversationFilter, StateFilter};
use super::Conversation;
use crate::db::per_backend::message_has_words;
use crate::db::schema::conversations;
use crate::db::AnyConnection;
use crate::domain::search_words::SearchWords;
use crate::domain::{ConversationState, SystemEvent};

/// A position in the list: the last row of the previous page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub last_activity_at: NaiveDateTime,
    pub id: i64,
}

#[diesel::declare_sql_function]
extern "SQL" {
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

type Count<'a> = diesel::dsl::IntoBoxed<'a, conversations::table, crate::db::MultiBackend>;

type Search<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoin<conversations::table, crate::db::schema::customers::table>,
    crate::db::MultiBackend,
>;

/// Applies every filter but the text to a boxed query over `conversations` (alone, or joined
/// with its customers), the same way for the list and its counts.
macro_rules! narrowed {
    ($query:expr, $filter:expr) => {{
        use crate::db::schema::messages;
        let filter: &ConversationFilter = $filter;
        let mut query = $query;
        query = match filter.state {
            None => query,
            // Named one by one (not "not closed"), so the state index serves it.
            Some(StateFilter::Active) => query.filter(conversations::state.eq_any([
                ConversationState::Bot,
                ConversationState::Waiting,
                ConversationState::Agent,
            ])),
            Some(StateFilter::Waiting) => {
                query.filter(conversations::state.eq(ConversationState::Waiting))
            }
            Some(StateFilter::Agent) => {
                query.filter(conversations::state.eq(ConversationState::Agent))
            }
            Some(StateFilter::Bot) => query.filter(conversations::state.eq(ConversationState::Bot)),
            Some(StateFilter::Closed) => {
                query.filter(conversations::state.eq(ConversationState::Closed))
            }
        };
        if let Some(outcome) = filter.outcome {
            query = query.filter(conversations::outcome.eq(outcome));
        }
        if let Some(agent) = filter.agent_id {
            query = if filter.only_closed() || filter.state == Some(StateFilter::Closed) {
                // Closing clears the holder, so among closed conversations a member's are
                // those they closed: one column, which an index serves newest first.
                query
                    .filter(conversations::state.eq(ConversationState::Closed))
                    .filter(conversations::closed_by_id.eq(agent))
            } else {
                query.filter(
                    conversations::assignee_id
                        .eq(agent)
                        .or(conversations::closed_by_id.eq(agent)),
                )
            };
        }
        if let Some(from) = filter.from {
            query = query.filter(conversations::last_activity_at.ge(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(conversations::last_activity_at.lt(until));
        }
        if let Some(from) = filter.closed_from {
            query = query.filter(conversations::report_day.ge(from));
        }
        if let Some(to) = filter.closed_to {
            query = query.filter(conversations::report_day.le(to));
        }
        if let Some(involved) = filter.agent_involved {
            query = query.filter(conversations::agent_involved.eq(involved));
        }
        match filter.closed_by {
            None => {}
            Some(Some(CLOSED_BY_CUSTOMER)) => {
                query = query.filter(conversations::closed_by_customer.eq(true))
            }
            Some(Some(member)) => query = query.filter(conversations::closed_by_id.eq(member)),
            Some(None) => {
                query = query
                    .filter(conversations::closed_by_id.is_null())
                    .filter(conversations::closed_by_customer.eq(false))
            }
        }
        if let Some(article) = filter.article_id {
            use crate::db::schema::citations;
            query = query.filter(diesel::dsl::exists(
                citations::table
                    .inner_join(messages::table)
                    .filter(messages::conversation_id.eq(conversations::id))
                    .filter(citations::article_id.eq(article)),
            ));
        }
        if let Some((start, end)) = filter.escalated_between {
            query = query.filter(diesel::dsl::exists(
                messages::table
                    .filter(messages::conversation_id.eq(conversations::id))
                    .filter(messages::system_event.eq_any([
                        SystemEvent::BotEscalated,
                        SystemEvent::CustomerRequestedHuman,
                    ]))
                    .filter(messages::created_at.ge(start))
                    .filter(messages::created_at.lt(end)),
            ));
        }
        if let Some((start, end)) = filter.changed_between {
            use crate::db::schema::closure_log;
            let changes = closure_log::table
                .filter(closure_log::conversation_id.eq(conversations::id))
                .filter(closure_log::replaced_outcome.is_not_null())
                .filter(closure_log::closed_at.ge(start))
                .filter(closure_log::closed_at.lt(end));
            query = match filter.changed_by {
                Some(member) => query.filter(diesel::dsl::exists(
                    changes.filter(closure_log::actor_user_id.eq(member)),
                )),
                None => query.filter(diesel::dsl::exists(changes)),
            };
        }
        match filter.came_back {
            None => {}
            Some(true) => query = query.filter(conversations::came_back_at.is_not_null()),
            Some(false) => query = query.filter(conversations::came_back_at.is_null()),
        }
        if let Some(answer) = filter.verdict {
            use crate::db::schema::verdicts;
            query = query.filter(diesel::dsl::exists(
                verdicts::table
                    .filter(verdicts::conversation_id.eq(conversations::id))
                    .filter(verdicts::answer.eq(answer)),
            ));
        }
        if filter.disagree {
            use crate::db::schema::verdicts;
            use crate::models::verdict::disagrees_with_outcome;
            query = query.filter(diesel::dsl::exists(
                verdicts::table
                    .filter(verdicts::conversation_id.eq(conversations::id))
                    .filter(disagrees_with_outcome()),
            ));
        }
        if filter.answered {
            use crate::db::schema::verdicts;
            query = query.filter(diesel::dsl::exists(
                verdicts::table.filter(verdicts::conversation_id.eq(conversations::id)),
            ));
        }
        if let Some((start, end)) = filter.responded_between {
            let (reply, replies) = first_replies!(start, end);
            query = match filter.responded_by {
                Some(member) => query.filter(diesel::dsl::exists(
                    replies.filter(reply.field(messages::author_user_id).eq(member)),
                )),
                None => query.filter(diesel::dsl::exists(replies)),
            };
        }
        if let Some(ids) = &filter.text_matches {
            query = query.filter(conversations::id.eq_any(ids.clone()));
        }
        query
    }};
}

/// The agent messages written within [start, end) that answered a wait for the first time: a
/// wait start before them and no other agent message in between, the rule `TimeCount` counts
/// first responses by. Evaluates to `(the message alias, the query)`.
macro_rules! first_replies {
    ($start:expr, $end:expr) => {{
        use crate::db::schema::messages;
        use crate::domain::Author;
        use crate::models::time_count::WAIT_STARTS;
        let (reply, wait, other) = diesel::alias!(
            messages as first_reply,
            messages as wait_start,
            messages as other_reply
        );
        let answered_before = other
            .filter(other.field(messages::conversation_id).eq(conversations::id))
            .filter(other.field(messages::author).eq(Author::Agent))
            .filter(other.field(messages::id).gt(wait.field(messages::id)))
            .filter(other.field(messages::id).lt(reply.field(messages::id)));
        let waited = wait
            .filter(wait.field(messages::conversation_id).eq(conversations::id))
            .filter(wait.field(messages::system_event).eq_any(WAIT_STARTS))
            .filter(wait.field(messages::id).lt(reply.field(messages::id)))
            .filter(diesel::dsl::not(diesel::dsl::exists(answered_before)));
        let replies = reply
            .filter(reply.field(messages::conversation_id).eq(conversations::id))
            .filter(reply.field(messages::author).eq(Author::Agent))
            .filter(reply.field(messages::created_at).ge($start))
            .filter(reply.field(messages::created_at).lt($end))
            .filter(diesel::dsl::exists(waited));
        (reply, replies)
    }};
}

/// `query` from the position after `cursor`, newest activity first. The first condition bounds
/// the index range, so a deep page starts where it is instead of filtering its way down.
macro_rules! after {
    ($query:expr, $cursor:expr) => {{
        let mut query = $query;
        if let Some(cursor) = $cursor {
            let cursor: Cursor = cursor;
            query = query
                .filter(conversations::last_activity_at.le(cursor.last_activity_at))
                .filter(
                    conversations::last_activity_at
                        .lt(cursor.last_activity_at)
                        .or(conversations::id.lt(cursor.id)),
                );
        }
        query
    }};
}

/// The conversations matching every filter but a text searched by walking the list: what the
/// tabs count (without the customers, which only that text needs).
fn count_query(filter: &ConversationFilter) -> Count<'static> {
    narrowed!(
        conversations::table.into_boxed::<crate::db::MultiBackend>(),
        filter
    )
}

fn search_query(conn: &AnyConnection, filter: &ConversationFilter) -> Search<'static> {
    use crate::db::schema::{customers, messages};
    let mut query = narrowed!(
        conversations::table
            .inner_join(customers::table)
            .into_boxed::<crate::db::MultiBackend>(),
        filter
    );
    if filter.text_matches.is_some() {
        return query;
    }
    if let Some(text) = &filter.text {
        // Text in very many conversations: walk the list newest first and test each one's
        // customer and messages (by the full-text index), stopping at a page.
        let pattern = format!("%{}%", escape_like(text));
        let on_customer = lower(customers::name.assume_not_null())
            .like(pattern.clone())
            .escape('\\')
            .or(lower(customers::email.assume_not_null())
                .like(pattern)
                .escape('\\'));
        query = match SearchWords::of(text) {
            Some(words) => query.filter(
                diesel::dsl::exists(
                    messages::table
                        .filter(messages::conversation_id.eq(conversations::id))
                        .filter(message_has_words(conn, &words)),
                )
                .or(on_customer),
            ),
            None => query.filter(on_customer),
        };
    }
    query
}

/// Makes `%`, `_` and `\` in searched text match themselves.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Conversation {
    /// One page of the Conversations list, newest activity first, after `cursor`.
    pub fn search(
        conn: &mut AnyConnection,
        filter: &ConversationFilter,
        cursor: Option<Cursor>,
        limit: i64,
    ) -> QueryResult<Vec<(Conversation, crate::models::customer::Customer)>> {
        Conversation::search_within(conn, filter, cursor, limit, None)
    }

    /// Like [`Conversation::search`], but with `window`, only among the next `window`
    /// conversations of the list by every filter but the text: a bounded walk, which finds a
    /// page at once when the text is common and gives up early when it is not.
    pub fn search_within(
        conn: &mut AnyConnection,
        filter: &ConversationFilter,
        cursor: Option<Cursor>,
        limit: i64,
        window: Option<i64>,
    ) -> QueryResult<Vec<(Conversation, crate::models::customer::Customer)>> {
        use crate::models::customer::Customer;
        let mut query = after!(search_query(conn, filter), cursor);
        if let Some(window) = window {
            let no_text = ConversationFilter {
                text: None,
                text_matches: None,
                ..filter.clone()
            };
            // Where the window ends: the last of the next `window` rows (none: the list ends
            // sooner, and the walk may go to its end).
            let edge: Option<(NaiveDateTime, i64)> = after!(count_query(&no_text), cursor)
                .order((
                    conversations::last_activity_at.desc(),
                    conversations::id.desc(),
                ))
                .offset(window - 1)
                .select((conversations::last_activity_at, conversations::id))
                .first(conn)
                .optional()?;
            if let Some((at, id)) = edge {
                query = query.filter(conversations::last_activity_at.ge(at)).filter(
                    conversations::last_activity_at
                        .gt(at)
                        .or(conversations::id.ge(id)),
                );
            }
        }
        query
            .order((
                conversations::last_activity_at.desc(),
                conversations::id.desc(),
            ))
            .limit(limit)
            .select((Conversation::as_select(), Customer::as_select()))
            .load(conn)
    }

    /// The conversations whose customer's name or email contains `text`, or with a message that
    /// has its words (full-text index), if there are at most `cap` of them; `None` when there
    /// are more. Two index-backed reads instead of a search per conversation.
    pub fn matching_text(
        conn: &mut AnyConnection,
        text: &str,
        cap: i64,
    ) -> QueryResult<Option<Vec<i64>>> {
        use crate::db::schema::{customers, messages};
        // A conversation has a handful of messages: reading a few times the cap of message
        // rows is enough to know whether the distinct conversations stay under it.
        let from_messages: Vec<i64> = match SearchWords::of(text) {
            Some(words) => messages::table
                .filter(message_has_words(conn, &words))
                .select(messages::conversation_id)
                .limit(cap * 4 + 1)
                .load(conn)?,
            None => Vec::new(),
        };
        if from_messages.len() as i64 > cap * 4 {
            return Ok(None);
        }
        let pattern = format!("%{}%", escape_like(text));
        let from_customers: Vec<i64> = conversations::table
            .filter(
                conversations::customer_id.eq_any(
                    customers::table
                        .filter(
                            lower(customers::name.assume_not_null())
                                .like(pattern.clone())
                                .escape('\\')
                                .or(lower(customers::email.assume_not_null())
                                    .like(pattern)
                                    .escape('\\')),
                        )
                        .select(customers::id),
                ),
            )
            .select(conversations::id)
            .limit(cap + 1)
            .load(conn)?;
        let mut ids: Vec<i64> = from_messages.into_iter().chain(from_customers).collect();
        ids.sort_unstable();
        ids.dedup();
        Ok((ids.len() as i64 <= cap).then_some(ids))
    }

    /// The states of the conversations matching `filter`, at most `cap` + 1 of them: when
    /// there are no more than `cap`, every tab's count is tallied from this one read.
    pub fn states_matching(
        conn: &mut AnyConnection,
        filter: &ConversationFilter,
        cap: i64,
    ) -> QueryResult<Vec<ConversationState>> {
        count_query(filter)
            .select(conversations::state)
            .limit(cap + 1)
            .load(conn)
    }

    /// How many conversations match, counting no further than `cap` + 1: an exact count of a
    /// million rows costs a scan of the table, while "10,000+" is all a tab needs to say.
    pub fn count_matching(
        conn: &mut AnyConnection,
        filter: &ConversationFilter,
        cap: i64,
    ) -> QueryResult<i64> {
        let ids: Vec<i64> = count_query(filter)
            .select(conversations::id)
            .limit(cap + 1)
            .load(conn)?;
        Ok(ids.len() as i64)
    }
}
