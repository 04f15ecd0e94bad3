//! What the background jobs look for: conversations left inactive, and waits past the target.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conversation;
use crate::db::schema::conversations;
use crate::db::AnyConnection;
use crate::domain::{ConversationState, SystemEvent};

impl Conversation {
    /// Conversations with the bot or waiting whose last activity is before `cutoff`, oldest
    /// first.
    pub fn inactive_since(
        conn: &mut AnyConnection,
        cutoff: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<Conversation>> {
        conversations::table
            .filter(
                conversations::state.eq_any([ConversationState::Bot, ConversationState::Waiting]),
            )
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
                .filter(messages::system_event.eq(SystemEvent::WaitTimeExceeded))
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
                .filter(messages::system_event.eq(SystemEvent::WaitTimeExceeded))
                .filter(messages::created_at.ge(conversations::waiting_since.assume_not_null())),
        );
        conversations::table
            .filter(conversations::state.eq(ConversationState::Waiting))
            .filter(conversations::waiting_since.lt(cutoff))
            .filter(diesel::dsl::not(already_noted))
            .order(conversations::waiting_since.asc())
            .limit(limit)
            .load(conn)
    }
}
