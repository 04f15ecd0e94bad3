//! Live support's read models: the Waiting and My conversations columns and the overview tiles.

use diesel::prelude::*;

use super::Conversation;
use crate::db::schema::conversations;
use crate::db::AnyConnection;
use crate::domain::{ConversationState, Outcome};
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

impl Conversation {
    /// Counts for the home page: the queue and my conversations (indexed counts), and the
    /// resolved share of the last 7 days in the team's time zone (from the report counters, so
    /// it is the same figure Reports shows).
    pub fn overview(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Overview> {
        use crate::domain::time::local_day;
        use crate::models::report_count::ReportCount;
        use crate::models::team_settings::TeamSettings;
        use conversations::dsl as c;
        let in_state = |state: ConversationState| c::state.eq(state);
        let waiting = c::conversations
            .filter(in_state(ConversationState::Waiting))
            .count()
            .get_result(conn)?;
        let mine = c::conversations
            .filter(in_state(ConversationState::Agent))
            .filter(c::assignee_id.eq(user_id))
            .count()
            .get_result(conn)?;
        let zone = TeamSettings::get(conn)?.time_zone.tz();
        let today = local_day(crate::models::now(), zone);
        let mut overview = Overview {
            waiting,
            mine,
            ..Overview::default()
        };
        for (_, outcome, _, n) in
            ReportCount::closed_by_day(conn, today - chrono::Duration::days(6), today)?
        {
            overview.closed_recently += n;
            if outcome == Outcome::Resolved {
                overview.resolved_recently += n;
            }
        }
        Ok(overview)
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
            .filter(conversations::state.eq(ConversationState::Waiting))
            .order((conversations::waiting_since.asc(), conversations::id.asc()))
            .limit(200)
            .select((Conversation::as_select(), Customer::as_select()))
            .load(conn)?;
        let mine: Vec<(Conversation, Customer)> = conversations::table
            .inner_join(customers::table)
            .filter(conversations::state.eq(ConversationState::Agent))
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
}
