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
    pub visitor_token_hash: Option<String>,
    pub report_day: Option<chrono::NaiveDate>,
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
            state: ConversationState::Bot.as_str(),
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

/// The few numbers on the home page.
#[derive(Clone, Debug, Default)]
pub struct Overview {
    pub waiting: i64,
    pub mine: i64,
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
    /// Counts for the home page: the queue and my conversations (indexed counts), and the
    /// resolved share of the last 7 days in the team's time zone (from the report counters, so
    /// it is the same figure Reports shows).
    pub fn overview(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Overview> {
        use crate::models::report_count::{local_day, ReportCount};
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
        let zone = crate::domain::time::zone(
            &crate::models::team_settings::TeamSettings::get(conn)?.time_zone,
        );
        let today = local_day(super::now(), zone);
        let mut overview = Overview {
            waiting,
            mine,
            ..Overview::default()
        };
        for (_, outcome, _, n) in
            ReportCount::closed_by_day(conn, today - chrono::Duration::days(6), today)?
        {
            overview.closed_recently += n;
            if outcome == Outcome::Resolved.as_str() {
                overview.resolved_recently += n;
            }
        }
        Ok(overview)
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
    pub report_day: Option<chrono::NaiveDate>,
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

/// The columns a lifecycle transition writes; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = conversations)]
struct TransitionChangeset {
    state: &'static str,
    assignee_id: Option<Option<i64>>,
    outcome: Option<Option<&'static str>>,
    closed_by_id: Option<Option<i64>>,
    closed_at: Option<Option<NaiveDateTime>>,
    waiting_since: Option<Option<NaiveDateTime>>,
    agent_involved: Option<bool>,
    last_activity_at: NaiveDateTime,
    version: i64,
    report_day: Option<Option<chrono::NaiveDate>>,
}

/// A waiting or assigned conversation as Live support shows it.
#[derive(Clone, Debug)]
pub struct BoardCard {
    pub conversation: Conversation,
    pub customer: crate::models::customer::Customer,
    pub last_message: Option<String>,
}

/// Which conversations the Conversations page lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StateFilter {
    Active,
    Waiting,
    Agent,
    Bot,
    Closed,
}

impl StateFilter {
    pub const ALL: [StateFilter; 5] = [
        StateFilter::Active,
        StateFilter::Waiting,
        StateFilter::Agent,
        StateFilter::Bot,
        StateFilter::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StateFilter::Active => "active",
            StateFilter::Waiting => "waiting",
            StateFilter::Agent => "agent",
            StateFilter::Bot => "bot",
            StateFilter::Closed => "closed",
        }
    }

    /// Whether a conversation in stored state `state` belongs under this tab.
    pub fn includes(self, state: &str) -> bool {
        match self {
            StateFilter::Active => state != ConversationState::Closed.as_str(),
            other => other.as_str() == state,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StateFilter::Active => "Active",
            StateFilter::Waiting => "Waiting",
            StateFilter::Agent => "With an agent",
            StateFilter::Bot => "With the bot",
            StateFilter::Closed => "Closed",
        }
    }
}

/// Every filter of the Conversations page, already validated.
#[derive(Clone, Debug, Default)]
pub struct ConversationFilter {
    pub state: Option<StateFilter>,
    pub outcome: Option<Outcome>,
    /// Conversations this member holds or closed.
    pub agent_id: Option<i64>,
    /// Last activity at or after (UTC).
    pub from: Option<NaiveDateTime>,
    /// Last activity before (UTC).
    pub until: Option<NaiveDateTime>,
    /// Lower-case text to find in the customer's name or email, or in any message.
    pub text: Option<String>,
    /// The conversations that text matches, when they were few enough to list
    /// ([`Conversation::matching_text`]); the list then looks them up by id.
    pub text_matches: Option<Vec<i64>>,
    /// Closed conversations counted in these report days (the reports link here).
    pub closed_from: Option<chrono::NaiveDate>,
    pub closed_to: Option<chrono::NaiveDate>,
    /// Whether an agent took part (false: the bot alone).
    pub agent_involved: Option<bool>,
    /// Closed by this member; `Some(None)` for closed automatically.
    pub closed_by: Option<Option<i64>>,
    /// The bot cited this article.
    pub article_id: Option<i64>,
    /// Escalated to the team within [start, end) (UTC).
    pub escalated_between: Option<(NaiveDateTime, NaiveDateTime)>,
    /// Had its outcome changed within [start, end) (UTC).
    pub changed_between: Option<(NaiveDateTime, NaiveDateTime)>,
    /// With `changed_between`: changed by this member.
    pub changed_by: Option<i64>,
}

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

type Search<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoin<conversations::table, crate::db::schema::customers::table>,
    crate::db::MultiBackend,
>;

fn search_query(filter: &ConversationFilter) -> Search<'static> {
    use crate::db::schema::{customers, messages};
    let mut query = conversations::table
        .inner_join(customers::table)
        .into_boxed::<crate::db::MultiBackend>();
    query = match filter.state {
        None => query,
        Some(StateFilter::Active) => {
            query.filter(conversations::state.ne(ConversationState::Closed.as_str()))
        }
        Some(StateFilter::Waiting) => {
            query.filter(conversations::state.eq(ConversationState::Waiting.as_str()))
        }
        Some(StateFilter::Agent) => {
            query.filter(conversations::state.eq(ConversationState::Agent.as_str()))
        }
        Some(StateFilter::Bot) => {
            query.filter(conversations::state.eq(ConversationState::Bot.as_str()))
        }
        Some(StateFilter::Closed) => {
            query.filter(conversations::state.eq(ConversationState::Closed.as_str()))
        }
    };
    if let Some(outcome) = filter.outcome {
        query = query.filter(conversations::outcome.eq(outcome.as_str()));
    }
    if let Some(agent) = filter.agent_id {
        query = query.filter(
            conversations::assignee_id
                .eq(agent)
                .or(conversations::closed_by_id.eq(agent)),
        );
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
        Some(Some(member)) => query = query.filter(conversations::closed_by_id.eq(member)),
        Some(None) => query = query.filter(conversations::closed_by_id.is_null()),
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
                    crate::domain::SystemEvent::BotEscalated.as_str(),
                    crate::domain::SystemEvent::CustomerRequestedHuman.as_str(),
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
    if let Some(ids) = &filter.text_matches {
        query = query.filter(conversations::id.eq_any(ids.clone()));
    } else if let Some(text) = &filter.text {
        // Written as IN (subquery) rather than a correlated EXISTS: the subqueries run once and,
        // on PostgreSQL, use the trigram indexes on lower(body), lower(name) and lower(email).
        let pattern = format!("%{}%", escape_like(text));
        let in_messages = messages::table
            .filter(lower(messages::body).like(pattern.clone()).escape('\\'))
            .select(messages::conversation_id);
        // The outer query already joins customers, so the subquery reads them under another name.
        let matches = diesel::alias!(customers as matching_customers);
        let matching_customers = matches
            .filter(
                lower(matches.field(customers::name).assume_not_null())
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(matches.field(customers::email).assume_not_null())
                        .like(pattern)
                        .escape('\\')),
            )
            .select(matches.field(customers::id));
        query = query.filter(
            conversations::id
                .eq_any(in_messages)
                .or(conversations::customer_id.eq_any(matching_customers)),
        );
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
    pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Conversation>> {
        conversations::table.find(id).first(conn).optional()
    }

    /// Writes a transition if the conversation is still at `expected_version`, with its system
    /// note and closure-log row. Returns false, writing nothing, when somebody else changed the
    /// conversation first. `actor` is None for what the bot or the system does. Call inside a
    /// transaction.
    pub fn apply_transition(
        conn: &mut AnyConnection,
        before: &Conversation,
        actor: Option<&crate::domain::lifecycle::Actor>,
        transition: &crate::domain::lifecycle::Transition,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        use crate::domain::lifecycle::ClosedAt;
        use crate::domain::Author;
        use crate::models::closure::{Closure, NewClosure};
        use crate::models::message::{Message, NewMessage};
        use crate::models::report_count::{local_day, Counted, ReportCount};

        let id = before.id;
        let expected_version = before.version;
        let zone = crate::domain::time::zone(
            &crate::models::team_settings::TeamSettings::get(conn)?.time_zone,
        );
        let today = local_day(now, zone);
        let closes = transition.state == ConversationState::Closed;

        let changes = TransitionChangeset {
            state: transition.state.as_str(),
            assignee_id: Some(transition.assignee_id),
            outcome: Some(transition.outcome.map(Outcome::as_str)),
            closed_by_id: Some(transition.closed_by_id),
            closed_at: Some(match transition.closed_at {
                ClosedAt::Now => Some(now),
                ClosedAt::Cleared => None,
            }),
            waiting_since: if transition.state == ConversationState::Waiting {
                Some(Some(now))
            } else {
                transition.waiting_since_cleared.then_some(None)
            },
            agent_involved: transition.marks_agent_involved.then_some(true),
            last_activity_at: now,
            version: expected_version + 1,
            report_day: Some(closes.then_some(today)),
        };
        let updated = diesel::update(
            conversations::table
                .filter(conversations::id.eq(id))
                .filter(conversations::version.eq(expected_version)),
        )
        .set(&changes)
        .execute(conn)?;
        if updated == 0 {
            return Ok(false);
        }
        let note = transition
            .note
            .note(actor.map(|a| a.name.as_str()), transition.note_hours);
        Message::create(
            conn,
            &NewMessage {
                conversation_id: id,
                author: Author::System.as_str(),
                author_user_id: actor.map(|a| a.id),
                body: &note,
                system_event: Some(transition.note.as_str()),
                event_outcome: transition.note_outcome.map(Outcome::as_str),
                created_at: now,
            },
        )?;
        if let Some((outcome, replaced, reason)) = &transition.closure {
            Closure::record(
                conn,
                &NewClosure {
                    conversation_id: id,
                    outcome: outcome.as_str(),
                    replaced_outcome: replaced.map(Outcome::as_str),
                    actor_user_id: actor.map(|a| a.id),
                    reason: reason.as_deref(),
                    closed_at: now,
                },
            )?;
        }
        // The reports' counters move with the conversation, in this same transaction.
        if let (ConversationState::Closed, Some(old), Some(day)) =
            (before.state, before.outcome(), before.report_day)
        {
            let counted = Counted {
                conversation_id: id,
                day,
                outcome: old,
                agent_involved: before.agent_involved,
                closed_by_id: before.closed_by_id,
            };
            ReportCount::count_closed(conn, counted, -1)?;
        }
        if let (true, Some(outcome)) = (closes, transition.outcome) {
            let counted = Counted {
                conversation_id: id,
                day: today,
                outcome,
                agent_involved: before.agent_involved || transition.marks_agent_involved,
                closed_by_id: transition.closed_by_id,
            };
            ReportCount::count_closed(conn, counted, 1)?;
            if before.state == ConversationState::Closed {
                ReportCount::count_change(conn, today, outcome, transition.closed_by_id)?;
            }
        }
        if before.state == ConversationState::Bot && transition.state == ConversationState::Waiting
        {
            ReportCount::count_escalation(conn, today)?;
        }
        Ok(true)
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
                .filter(conversations::state.eq(ConversationState::Agent.as_str()))
                .filter(conversations::assignee_id.eq(assignee_id)),
        )
        .set(conversations::last_activity_at.eq(now))
        .execute(conn)?;
        Ok(updated == 1)
    }

    /// Live support: conversations waiting for the team (longest wait first) and those `user_id`
    /// holds (latest activity first).
    pub fn board(
        conn: &mut AnyConnection,
        user_id: i64,
    ) -> QueryResult<(Vec<BoardCard>, Vec<BoardCard>)> {
        use crate::db::schema::customers;
        use crate::models::customer::Customer;
        let waiting: Vec<(Conversation, Customer)> = conversations::table
            .inner_join(customers::table)
            .filter(conversations::state.eq(ConversationState::Waiting.as_str()))
            .order((conversations::waiting_since.asc(), conversations::id.asc()))
            .limit(200)
            .select((Conversation::as_select(), Customer::as_select()))
            .load(conn)?;
        let mine: Vec<(Conversation, Customer)> = conversations::table
            .inner_join(customers::table)
            .filter(conversations::state.eq(ConversationState::Agent.as_str()))
            .filter(conversations::assignee_id.eq(user_id))
            .order((
                conversations::last_activity_at.desc(),
                conversations::id.desc(),
            ))
            .limit(200)
            .select((Conversation::as_select(), Customer::as_select()))
            .load(conn)?;
        let ids: Vec<i64> = waiting
            .iter()
            .chain(mine.iter())
            .map(|(c, _)| c.id)
            .collect();
        let mut last = crate::models::message::Message::last_said(conn, &ids, true)?;
        let cards = |rows: Vec<(Conversation, Customer)>,
                     last: &mut std::collections::HashMap<i64, String>| {
            rows.into_iter()
                .map(|(conversation, customer)| BoardCard {
                    last_message: last.remove(&conversation.id),
                    conversation,
                    customer,
                })
                .collect::<Vec<_>>()
        };
        let waiting = cards(waiting, &mut last);
        let mine = cards(mine, &mut last);
        Ok((waiting, mine))
    }

    /// One page of the Conversations list, newest activity first, after `cursor`.
    pub fn search(
        conn: &mut AnyConnection,
        filter: &ConversationFilter,
        cursor: Option<Cursor>,
        limit: i64,
    ) -> QueryResult<Vec<(Conversation, crate::models::customer::Customer)>> {
        use crate::models::customer::Customer;
        let mut query = search_query(filter);
        if let Some(cursor) = cursor {
            query = query.filter(
                conversations::last_activity_at
                    .lt(cursor.last_activity_at)
                    .or(conversations::last_activity_at
                        .eq(cursor.last_activity_at)
                        .and(conversations::id.lt(cursor.id))),
            );
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

    /// The conversations whose customer's name or email, or any message, contains `text`
    /// (lower case), if there are at most `cap` of them; `None` when there are more. Two
    /// index-backed reads (trigram indexes on PostgreSQL) instead of a search per conversation.
    pub fn matching_text(
        conn: &mut AnyConnection,
        text: &str,
        cap: i64,
    ) -> QueryResult<Option<Vec<i64>>> {
        use crate::db::schema::{customers, messages};
        let pattern = format!("%{}%", escape_like(text));
        // A conversation has a handful of messages: reading a few times the cap of message
        // rows is enough to know whether the distinct conversations stay under it.
        let from_messages: Vec<i64> = messages::table
            .filter(lower(messages::body).like(pattern.clone()).escape('\\'))
            .select(messages::conversation_id)
            .limit(cap * 4 + 1)
            .load(conn)?;
        if from_messages.len() as i64 > cap * 4 {
            return Ok(None);
        }
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
    ) -> QueryResult<Vec<String>> {
        search_query(filter)
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
        let ids: Vec<i64> = search_query(filter)
            .select(conversations::id)
            .limit(cap + 1)
            .load(conn)?;
        Ok(ids.len() as i64)
    }
}

impl Conversation {
    /// New activity (a customer message): the conversation moves up the lists.
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
}

impl Conversation {
    /// Conversations with the bot or waiting whose last activity is before `cutoff`, oldest
    /// first.
    pub fn inactive_since(
        conn: &mut AnyConnection,
        cutoff: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<Conversation>> {
        conversations::table
            .filter(conversations::state.eq_any([
                ConversationState::Bot.as_str(),
                ConversationState::Waiting.as_str(),
            ]))
            .filter(conversations::last_activity_at.lt(cutoff))
            .order((
                conversations::last_activity_at.asc(),
                conversations::id.asc(),
            ))
            .limit(limit)
            .load(conn)
    }
}

impl Conversation {
    /// Whether this conversation's current wait already has its "wait time exceeded" note.
    pub fn wait_already_noted(
        conn: &mut AnyConnection,
        conversation: &Conversation,
    ) -> QueryResult<bool> {
        use crate::db::schema::messages;
        let Some(since) = conversation.waiting_since else {
            return Ok(false);
        };
        diesel::select(diesel::dsl::exists(
            messages::table
                .filter(messages::conversation_id.eq(conversation.id))
                .filter(
                    messages::system_event
                        .eq(crate::domain::SystemEvent::WaitTimeExceeded.as_str()),
                )
                .filter(messages::created_at.ge(since)),
        ))
        .get_result(conn)
    }

    /// Conversations waiting since before `cutoff` whose current wait has no "wait time
    /// exceeded" note yet.
    pub fn waiting_past_target(
        conn: &mut AnyConnection,
        cutoff: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<Conversation>> {
        use crate::db::schema::messages;
        let already_noted = diesel::dsl::exists(
            messages::table
                .filter(messages::conversation_id.eq(conversations::id))
                .filter(
                    messages::system_event
                        .eq(crate::domain::SystemEvent::WaitTimeExceeded.as_str()),
                )
                .filter(messages::created_at.ge(conversations::waiting_since.assume_not_null())),
        );
        conversations::table
            .filter(conversations::state.eq(ConversationState::Waiting.as_str()))
            .filter(conversations::waiting_since.lt(cutoff))
            .filter(diesel::dsl::not(already_noted))
            .order(conversations::waiting_since.asc())
            .limit(limit)
            .load(conn)
    }
}
