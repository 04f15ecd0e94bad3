//! What the Conversations page filters by, already validated.

use chrono::NaiveDateTime;

use crate::domain::outcomes::Verdict;
use crate::domain::{ConversationState, Outcome};

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

    /// Whether a conversation in `state` belongs under this tab.
    pub fn includes(self, state: ConversationState) -> bool {
        match self {
            StateFilter::Active => state.is_open(),
            StateFilter::Waiting => state == ConversationState::Waiting,
            StateFilter::Agent => state == ConversationState::Agent,
            StateFilter::Bot => state == ConversationState::Bot,
            StateFilter::Closed => state == ConversationState::Closed,
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
    /// Whether the customer came back within the window after the close.
    pub came_back: Option<bool>,
    /// The customer's verdict was this.
    pub verdict: Option<Verdict>,
    /// The customer's verdict contradicts the outcome.
    pub disagree: bool,
    /// The customer answered "Did we solve your problem?" at all.
    pub answered: bool,
    /// An agent answered a wait for the first time within [start, end) (UTC): what the
    /// reports count as a first response.
    pub responded_between: Option<(NaiveDateTime, NaiveDateTime)>,
    /// With `responded_between`: that first response was this member's.
    pub responded_by: Option<i64>,
}

impl ConversationFilter {
    /// Whether anything but the state narrows the list: the tabs then count rows; otherwise
    /// they read the state counters.
    pub fn narrows(&self) -> bool {
        let ConversationFilter {
            state: _,
            outcome,
            agent_id,
            from,
            until,
            text,
            text_matches,
            closed_from,
            closed_to,
            agent_involved,
            closed_by,
            article_id,
            escalated_between,
            changed_between,
            changed_by,
            came_back,
            verdict,
            disagree,
            answered,
            responded_between,
            responded_by,
        } = self;
        outcome.is_some()
            || agent_id.is_some()
            || from.is_some()
            || until.is_some()
            || text.is_some()
            || text_matches.is_some()
            || closed_from.is_some()
            || closed_to.is_some()
            || agent_involved.is_some()
            || closed_by.is_some()
            || article_id.is_some()
            || escalated_between.is_some()
            || changed_between.is_some()
            || changed_by.is_some()
            || came_back.is_some()
            || verdict.is_some()
            || *disagree
            || *answered
            || responded_between.is_some()
            || responded_by.is_some()
    }
}

impl ConversationFilter {
    /// Whether only closed conversations can match: an outcome, and a report day, belong to
    /// closed conversations alone (the database's checks and `act` keep it so).
    pub fn only_closed(&self) -> bool {
        self.outcome.is_some()
            || self.closed_from.is_some()
            || self.closed_to.is_some()
            || self.disagree
    }
}
