//! Writing a Conversations-list link: typed values in, the list's own spelling out. Reports
//! builds its click-through links with these, the list its tab and page links.

use crate::domain::counters::CLOSED_BY_CUSTOMER;
use crate::domain::outcomes::Verdict;
use crate::domain::report::Period;
use crate::domain::Outcome;
use crate::models::conversation::{Cursor, StateFilter};

use super::list_query::{
    cursor_text, ListQuery, ANY_VERDICT, BOT_ALONE, CLOSED_AUTOMATICALLY, CLOSED_BY_THE_CUSTOMER,
    WITH_AGENT,
};

/// Writing the link: typed values in, the list's own spelling out.
impl ListQuery {
    /// Closed conversations counted in `period`'s report days.
    pub fn closed_in(period: Period) -> ListQuery {
        ListQuery {
            state: StateFilter::Closed.as_str().to_owned(),
            closed_from: period.from.to_string(),
            closed_to: period.to.to_string(),
            ..ListQuery::default()
        }
    }

    /// Conversations escalated to the team within `period`.
    pub fn escalated_in(period: Period) -> ListQuery {
        ListQuery {
            escalated_from: period.from.to_string(),
            escalated_to: period.to.to_string(),
            ..ListQuery::default()
        }
    }

    /// Conversations a first response was written in within `period`, by `member` if given.
    pub fn responded_in(period: Period, member: Option<i64>) -> ListQuery {
        ListQuery {
            responded_from: period.from.to_string(),
            responded_to: period.to.to_string(),
            responded_by: member.map(|id| id.to_string()).unwrap_or_default(),
            ..ListQuery::default()
        }
    }

    /// Conversations whose outcome `member` changed within `period`.
    pub fn changed_in(period: Period, member: Option<i64>) -> ListQuery {
        ListQuery {
            changed_from: period.from.to_string(),
            changed_to: period.to.to_string(),
            changed_by: member.map(|id| id.to_string()).unwrap_or_default(),
            ..ListQuery::default()
        }
    }

    pub fn with_outcome(self, outcome: Option<Outcome>) -> ListQuery {
        ListQuery {
            outcome: outcome.map(|o| o.as_str().to_owned()).unwrap_or_default(),
            ..self
        }
    }

    /// Only those the bot handled alone (`true`) or those an agent took part in (`false`).
    pub fn with_bot_alone(self, bot_alone: bool) -> ListQuery {
        let involved = if bot_alone { BOT_ALONE } else { WITH_AGENT };
        ListQuery {
            involved: involved.to_owned(),
            ..self
        }
    }

    /// Closed by this member, or automatically (`None`).
    pub fn with_closed_by(self, member: Option<i64>) -> ListQuery {
        ListQuery {
            closed_by: match member {
                None => CLOSED_AUTOMATICALLY.to_owned(),
                Some(CLOSED_BY_CUSTOMER) => CLOSED_BY_THE_CUSTOMER.to_owned(),
                Some(id) => id.to_string(),
            },
            ..self
        }
    }

    /// Only those whose customer came back (`true`) or did not (`false`).
    pub fn with_came_back(self, came_back: bool) -> ListQuery {
        ListQuery {
            came_back: if came_back { "1" } else { "0" }.to_owned(),
            ..self
        }
    }

    /// Only those the customer answered `verdict` on, or answered at all (`None`).
    pub fn with_verdict(self, verdict: Option<Verdict>) -> ListQuery {
        ListQuery {
            verdict: verdict.map_or(ANY_VERDICT, |v| v.as_str()).to_owned(),
            ..self
        }
    }

    /// Only those whose customer's verdict contradicts the outcome.
    pub fn disagreeing(self) -> ListQuery {
        ListQuery {
            disagree: "1".to_owned(),
            ..self
        }
    }

    /// Citing this article.
    pub fn with_article(self, article: i64) -> ListQuery {
        ListQuery {
            article: article.to_string(),
            ..self
        }
    }

    /// The same list under another state tab, from its first page.
    pub fn with_state(&self, state: Option<StateFilter>) -> ListQuery {
        ListQuery {
            state: state.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            after: String::new(),
            ..self.clone()
        }
    }

    /// The same list from the position after `cursor` (the first page with `None`).
    pub fn with_position(&self, cursor: Option<Cursor>) -> ListQuery {
        ListQuery {
            after: cursor.map(cursor_text).unwrap_or_default(),
            ..self.clone()
        }
    }

    /// The list's address with these filters.
    pub fn href(&self) -> String {
        match serde_urlencoded::to_string(self) {
            Ok(query) if !query.is_empty() => format!("/conversations?{query}"),
            // Strings always encode; an empty query is the whole list.
            _ => "/conversations".to_owned(),
        }
    }
}
