//! Live support's read models: the Waiting and My conversations columns and the overview tiles.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

use super::Conversation;
use crate::db::fixed_sql::{fixed, FixedSql};
use crate::db::schema::conversations;
use crate::db::AnyConnection;
use crate::domain::Outcome;
use crate::models::customer::Customer;

/// A waiting or assigned conversation as Live support shows it.
#[derive(Clone, Debug)]
pub struct BoardCard {
    pub conversation: Conversation,
    pub customer: Customer,
    pub last_message: Option<String>,
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

/// What the customer said last in the conversation of the row, as a column of a query on
/// `conversations` (by the index on messages' conversation and id: the newest first).
const CUSTOMER_SAID_LAST: FixedSql<Nullable<Text>> = fixed(
    "(SELECT said.body FROM messages said WHERE said.conversation_id = conversations.id \
     AND said.author = 'customer' ORDER BY said.id DESC LIMIT 1)",
);

/// The states Live support reads, written into the SQL rather than bound: PostgreSQL plans a
/// prepared statement once only if its generic plan looks as cheap as the plans for the values
/// it saw, and `state = $1` over states as uneven as these (a few waiting, nearly all closed)
/// never does, so with a bound state it planned the overview and the Waiting column again on
/// every request (0.2 ms each, more than running them).
const WAITING: FixedSql<Bool> = fixed("conversations.state = 'waiting'");
const HELD: FixedSql<Bool> = fixed("conversations.state = 'agent'");

impl Conversation {
    /// Counts for the home page, in one query: the queue and my conversations (indexed counts),
    /// and the resolved share of the 7 days up to `today` in the team's time zone (from the
    /// report counters, so it is the same figure Reports shows).
    pub fn overview(
        conn: &mut AnyConnection,
        user_id: i64,
        today: NaiveDate,
    ) -> QueryResult<Overview> {
        use crate::db::schema::report_counts as counts;
        use crate::domain::counters::Metric;
        use conversations::dsl as c;
        // SUM of a BIGINT is NUMERIC on PostgreSQL; the cast keeps one type on both databases.
        let total = || fixed::<BigInt>("CAST(SUM(report_counts.count) AS BIGINT)");
        let closed_this_week = || {
            counts::table
                .filter(counts::metric.eq(Metric::Closed))
                .filter(counts::day.between(today - chrono::Duration::days(6), today))
        };
        let (waiting, mine, closed, resolved) = diesel::select((
            c::conversations.filter(WAITING).count().single_value(),
            c::conversations
                .filter(HELD)
                .filter(c::assignee_id.eq(user_id))
                .count()
                .single_value(),
            closed_this_week().select(total()).single_value(),
            closed_this_week()
                .filter(counts::outcome.eq(Outcome::Resolved))
                .select(total())
                .single_value(),
        ))
        .get_result::<(Option<i64>, Option<i64>, Option<i64>, Option<i64>)>(conn)?;
        Ok(Overview {
            waiting: waiting.unwrap_or(0),
            mine: mine.unwrap_or(0),
            closed_recently: closed.unwrap_or(0),
            resolved_recently: resolved.unwrap_or(0),
        })
    }

    /// Live support: conversations waiting for the team (longest wait first) and those `user_id`
    /// holds (latest activity first), each with what its customer said last.
    pub fn board(
        conn: &mut AnyConnection,
        user_id: i64,
    ) -> QueryResult<(Vec<BoardCard>, Vec<BoardCard>)> {
        use crate::db::schema::customers;
        let cards = |rows: Vec<(Conversation, Customer, Option<String>)>| {
            rows.into_iter()
                .map(|(conversation, customer, last_message)| BoardCard {
                    conversation,
                    customer,
                    last_message,
                })
                .collect::<Vec<_>>()
        };
        let waiting = conversations::table
            .inner_join(customers::table)
            .filter(WAITING)
            .order((conversations::waiting_since.asc(), conversations::id.asc()))
            .limit(200)
            .select((
                Conversation::as_select(),
                Customer::as_select(),
                CUSTOMER_SAID_LAST,
            ))
            .load(conn)?;
        let mine = conversations::table
            .inner_join(customers::table)
            .filter(HELD)
            .filter(conversations::assignee_id.eq(user_id))
            .order((
                conversations::last_activity_at.desc(),
                conversations::id.desc(),
            ))
            .limit(200)
            .select((
                Conversation::as_select(),
                Customer::as_select(),
                CUSTOMER_SAID_LAST,
            ))
            .load(conn)?;
        Ok((cards(waiting), cards(mine)))
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::ConversationState;

    #[test]
    fn the_states_written_into_the_sql_are_the_stored_ones() {
        for (sql, state) in [
            (super::WAITING, ConversationState::Waiting),
            (super::HELD, ConversationState::Agent),
        ] {
            let text = format!("{sql:?}");
            assert!(text.contains(&format!("'{}'", state.as_str())), "{text}");
        }
    }
}
