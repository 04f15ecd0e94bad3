//! How many conversations are in each state, for the Conversations tabs: counters kept by
//! triggers on `conversations` in the same transaction as every change of state (see the
//! migration `list_speed`), so reading them costs a handful of rows however large the table.

use diesel::prelude::*;

use super::Conversation;
use crate::db::schema::conversation_state_counts;
use crate::db::AnyConnection;
use crate::domain::ConversationState;

/// The number of conversations in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StateCounts {
    pub bot: i64,
    pub waiting: i64,
    pub agent: i64,
    pub closed: i64,
}

impl StateCounts {
    pub fn of(&self, state: ConversationState) -> i64 {
        match state {
            ConversationState::Bot => self.bot,
            ConversationState::Waiting => self.waiting,
            ConversationState::Agent => self.agent,
            ConversationState::Closed => self.closed,
        }
    }

    fn add(&mut self, state: ConversationState, count: i64) {
        let slot = match state {
            ConversationState::Bot => &mut self.bot,
            ConversationState::Waiting => &mut self.waiting,
            ConversationState::Agent => &mut self.agent,
            ConversationState::Closed => &mut self.closed,
        };
        *slot += count;
    }
}

impl Conversation {
    /// Every state's count, summed over the counter's slots.
    pub fn counts_by_state(conn: &mut AnyConnection) -> QueryResult<StateCounts> {
        let slots: Vec<(ConversationState, i64)> = conversation_state_counts::table
            .select((
                conversation_state_counts::state,
                conversation_state_counts::count,
            ))
            .load(conn)?;
        let mut counts = StateCounts::default();
        for (state, count) in slots {
            counts.add(state, count);
        }
        Ok(counts)
    }
}

impl Conversation {
    /// Each state whose counter differs from a count of the rows (empty when they agree).
    pub fn state_count_differences(conn: &mut AnyConnection) -> QueryResult<Vec<String>> {
        use crate::db::schema::conversations;
        let kept = Conversation::counts_by_state(conn)?;
        let mut differences = Vec::new();
        for &state in ConversationState::ALL {
            let counted: i64 = conversations::table
                .filter(conversations::state.eq(state))
                .count()
                .get_result(conn)?;
            if counted != kept.of(state) {
                differences.push(format!(
                    "{} conversations: the counter says {}, the table holds {counted}",
                    state.label(),
                    kept.of(state)
                ));
            }
        }
        Ok(differences)
    }
}
