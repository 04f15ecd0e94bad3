//! The one door through which a conversation changes state: check the version, ask the pure
//! rules (`domain::lifecycle::decide`), and write the change with its system note, its
//! closure-log row and the report counters in one transaction. Routes, the bot, the background
//! jobs and the demo all come through here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conversation;
use crate::db::schema::conversations;
use crate::db::{self, AnyConnection};
use crate::domain::counters::{counter_changes, Counted, Standing, CLOSED_BY_CUSTOMER};
use crate::domain::lifecycle::{decide, Action, Actor, Refusal, Snapshot, Transition};
use crate::domain::outcomes::Verdict;
use crate::domain::time::Moment;
use crate::domain::{Author, ConversationState, Outcome};
use crate::models::closure::{Closure, NewClosure};
use crate::models::message::{Message, NewMessage};
use crate::models::report_count::ReportCount;
use crate::models::verdict::VerdictRow;

/// What came of an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Acted {
    /// Written; `version` is the conversation's version now.
    Done {
        confirmation: String,
        version: i64,
    },
    /// The conversation had changed since the version the request was based on.
    Stale,
    Refused(Refusal),
    /// There is no such conversation.
    Missing,
}

/// The columns a change writes; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = conversations)]
struct Changes {
    state: ConversationState,
    assignee_id: Option<Option<i64>>,
    outcome: Option<Option<Outcome>>,
    closed_by_id: Option<Option<i64>>,
    closed_at: Option<Option<NaiveDateTime>>,
    waiting_since: Option<Option<NaiveDateTime>>,
    agent_involved: Option<bool>,
    last_activity_at: NaiveDateTime,
    version: i64,
    report_day: Option<Option<chrono::NaiveDate>>,
    closed_by_customer: bool,
}

/// Who closed, as the counters count it.
fn closer(closed_by_id: Option<i64>, by_customer: bool) -> Option<i64> {
    if by_customer {
        Some(CLOSED_BY_CUSTOMER)
    } else {
        closed_by_id
    }
}

impl Conversation {
    /// `actor` does `action` to conversation `id`, based on its `version`, at moment `at` (whose
    /// team time zone decides the report day), in one write transaction (a savepoint when called
    /// inside one), tried again when PostgreSQL aborts it for a deadlock or serialization
    /// failure. The zone comes from the caller, who has the team's settings at hand (cached), so
    /// the transaction holds its locks for as few round trips as it can.
    pub fn act(
        conn: &mut AnyConnection,
        id: i64,
        version: i64,
        actor: &Actor,
        action: Action,
        at: Moment,
    ) -> QueryResult<Acted> {
        db::write_transaction_retrying(conn, |conn| {
            // Two instances acting on one conversation take turns (PostgreSQL; SQLite has one
            // writer anyway), so even a note that keeps the version is written once.
            let Some(Locked {
                conversation,
                assignee_name,
                wait_noted,
            }) = Locked::read(conn, id)?
            else {
                return Ok(Acted::Missing);
            };
            if conversation.version != version {
                return Ok(Acted::Stale);
            }
            let snapshot = conversation.snapshot_of(assignee_name, wait_noted, at.at);
            let transition = match decide(&snapshot, actor, action.clone()) {
                Ok(transition) => transition,
                Err(refusal) => return Ok(Acted::Refused(refusal)),
            };
            conversation.apply(conn, actor, &transition, at)?;
            Ok(Acted::Done {
                version: version + i64::from(!transition.note_only),
                confirmation: transition.confirmation,
            })
        })
    }

    /// Hands every conversation `holder_id` holds back to the team's queue, as `actor` (the lead
    /// or admin deactivating them); call in the transaction that deactivates the holder.
    pub fn release_all_held_by(
        conn: &mut AnyConnection,
        holder_id: i64,
        actor: &Actor,
        at: Moment,
    ) -> QueryResult<usize> {
        let mut released = 0;
        for held in Conversation::held_by(conn, holder_id)? {
            let mut version = held.version;
            // The holder may have acted since the list was read; a second look under the lock
            // that `act` took settles it.
            for _ in 0..2 {
                match Conversation::act(conn, held.id, version, actor, Action::Release, at)? {
                    Acted::Done { .. } => {
                        released += 1;
                        break;
                    }
                    Acted::Stale => match Conversation::find(conn, held.id)? {
                        Some(now) if now.assignee_id == Some(holder_id) => version = now.version,
                        _ => break,
                    },
                    Acted::Refused(_) | Acted::Missing => break,
                }
            }
        }
        Ok(released)
    }

    /// The snapshot, from what was read about the assignee and the wait already.
    pub fn snapshot_of(
        &self,
        assignee_name: Option<String>,
        wait_noted: bool,
        at: NaiveDateTime,
    ) -> Snapshot {
        Snapshot {
            state: self.state,
            assignee_id: self.assignee_id,
            assignee_name,
            outcome: self.outcome,
            closed_by_id: self.closed_by_id,
            idle_for: at - self.last_activity_at,
            wait_noted,
        }
    }

    /// How the report counters count this conversation now, if they do, with the customer's
    /// `verdict` on it (kept in its own table).
    pub(crate) fn counted(&self, verdict: Option<Verdict>) -> Option<Counted> {
        match (self.state, self.outcome, self.report_day, self.closed_at) {
            (ConversationState::Closed, Some(outcome), Some(day), Some(closed_at)) => {
                Some(Counted {
                    day,
                    outcome,
                    agent_involved: self.agent_involved,
                    closed_by_id: closer(self.closed_by_id, self.closed_by_customer),
                    came_back: self.came_back_at.is_some(),
                    verdict,
                    resolved_in: (closed_at - self.created_at).num_seconds(),
                })
            }
            _ => None,
        }
    }

    /// Writes `transition` with its note, closure-log row and counters.
    fn apply(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        transition: &Transition,
        moment: Moment,
    ) -> QueryResult<()> {
        let Moment { at, .. } = moment;
        let member = actor.member();
        Message::create(
            conn,
            &NewMessage {
                conversation_id: self.id,
                author: Author::System,
                author_user_id: member.map(|m| m.id),
                body: &transition.note.note(
                    transition
                        .note_names
                        .as_deref()
                        .or(member.map(|m| m.name.as_str())),
                    transition.note_hours,
                ),
                system_event: Some(transition.note),
                event_outcome: transition.note_outcome(),
                created_at: at,
            },
        )?;
        if transition.note_only {
            return Ok(());
        }
        let today = moment.day();
        let closes = transition.state == ConversationState::Closed;
        let agent_involved = self.agent_involved || transition.marks_agent_involved;
        let changes = Changes {
            state: transition.state,
            assignee_id: Some(transition.assignee_id),
            outcome: Some(transition.outcome),
            closed_by_id: Some(transition.closed_by_id),
            closed_at: Some(closes.then_some(at)),
            waiting_since: Some((transition.state == ConversationState::Waiting).then_some(at)),
            agent_involved: transition.marks_agent_involved.then_some(true),
            last_activity_at: at,
            version: self.version + 1,
            report_day: Some(closes.then_some(today)),
            closed_by_customer: transition.closed_by_customer,
        };
        diesel::update(conversations::table.find(self.id))
            .set(&changes)
            .execute(conn)?;
        if let Some(closure) = &transition.closure {
            Closure::record(
                conn,
                &NewClosure {
                    conversation_id: self.id,
                    outcome: closure.outcome,
                    replaced_outcome: closure.replaced,
                    actor_user_id: member.map(|m| m.id),
                    reason: closure.reason.as_deref(),
                    closed_at: at,
                },
            )?;
        }
        // A verdict only ever counts with a closed conversation.
        let verdict = if self.state == ConversationState::Closed || closes {
            VerdictRow::answer_of(conn, self.id)?
        } else {
            None
        };
        let before = Standing {
            state: self.state,
            counted: self.counted(verdict),
        };
        let after = Standing {
            state: transition.state,
            counted: transition
                .outcome
                .filter(|_| closes)
                .map(|outcome| Counted {
                    day: today,
                    outcome,
                    agent_involved,
                    closed_by_id: closer(transition.closed_by_id, transition.closed_by_customer),
                    came_back: self.came_back_at.is_some(),
                    verdict,
                    resolved_in: (at - self.created_at).num_seconds(),
                }),
        };
        ReportCount::apply(conn, self.id, &counter_changes(before, after, today))
    }
}

/// A conversation read under its row lock, with what the lifecycle rules need besides the row.
struct Locked {
    conversation: Conversation,
    assignee_name: Option<String>,
    wait_noted: bool,
}

impl Locked {
    /// Reads conversation `id` with its assignee's name and locks the row until the end of the
    /// transaction (`FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already lets one
    /// writer in at a time); then, for a waiting conversation, whether its wait was already
    /// noted. That is a second statement on purpose: on PostgreSQL a statement that waited for
    /// the lock still reads other tables as they were when it started, so a note another
    /// instance committed meanwhile would go unseen and be written twice.
    fn read(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Locked>> {
        use crate::db::fixed_sql::fixed;
        use diesel::sql_types::{Nullable, Text};
        // A member's name, not a state: reading it as of the statement's start is fine.
        let assignee_name = fixed::<Nullable<Text>>(
            "(SELECT users.name FROM users WHERE users.id = conversations.assignee_id)",
        );
        // `as_select` is typed per backend, so each arm builds its own query.
        macro_rules! row {
            () => {
                conversations::table
                    .find(id)
                    .select((Conversation::as_select(), assignee_name))
            };
        }
        let found = match conn {
            AnyConnection::Postgresql(pg) => row!().for_update().first(pg).optional(),
            AnyConnection::Sqlite(lite) => row!().first(lite).optional(),
        }?;
        let Some((conversation, assignee_name)) = found else {
            return Ok(None);
        };
        let wait_noted = conversation.state == ConversationState::Waiting
            && Conversation::wait_already_noted(conn, &conversation)?;
        Ok(Some(Locked {
            conversation,
            assignee_name,
            wait_noted,
        }))
    }
}
