//! The Conversations list's query string as one typed contract: the list parses it, refills
//! its form and writes its tab and page links with it, and Reports builds its click-through
//! links with the same struct (`serde` both ways, `serde_urlencoded` for the text), so a link
//! can never name a filter the list does not read.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::domain::counters::CLOSED_BY_CUSTOMER;
use crate::domain::outcomes::Verdict;
use crate::domain::text::free_of_control_characters;
use crate::domain::time::parse_day;
use crate::domain::Outcome;
use crate::models::conversation::{ConversationFilter, Cursor, StateFilter};

/// `involved` in the URL: handled by the bot alone, or with an agent.
pub(super) const BOT_ALONE: &str = "bot";
pub(super) const WITH_AGENT: &str = "agent";
/// `verdict` in the URL for conversations the customer answered either way.
pub(super) const ANY_VERDICT: &str = "any";
/// `closed_by` in the URL for conversations closed automatically.
pub(super) const CLOSED_AUTOMATICALLY: &str = "system";
/// `closed_by` in the URL for conversations the customer closed by confirming the bot's answer.
pub(super) const CLOSED_BY_THE_CUSTOMER: &str = "customer";

/// The filters as typed in the URL, kept verbatim so a refused value comes back as typed. Empty
/// means "not filtered" and is left out of links.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub state: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub outcome: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub agent: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    /// Set by the links in Reports: closed in these report days, by whom, bot alone or not,
    /// citing which article; escalated or changed within days.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub closed_from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub closed_to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub involved: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub closed_by: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub article: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub escalated_from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub escalated_to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub changed_from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub changed_to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub changed_by: String,
    /// The customer's side: came back (`1`) or not (`0`), their verdict (`yes`, `no`), or a
    /// verdict that contradicts the outcome (`disagree=1`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub came_back: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub verdict: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub disagree: String,
    /// First responses written in these days, by this member.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub responded_from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub responded_to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub responded_by: String,
    /// The position: the last row of the previous page.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
}

/// What the page says about the filters, read from the same values the list filters by.
impl ListQuery {
    /// Whether the list was narrowed from a report.
    pub fn from_report(&self) -> bool {
        !(self.closed_from.is_empty()
            && self.closed_to.is_empty()
            && self.involved.is_empty()
            && self.closed_by.is_empty()
            && self.article.is_empty()
            && self.escalated_from.is_empty()
            && self.changed_from.is_empty()
            && self.came_back.is_empty()
            && self.verdict.is_empty()
            && self.disagree.is_empty()
            && self.responded_from.is_empty())
    }

    /// The report's own filters as (name, value) pairs, for the list form to carry along while
    /// the user narrows further: everything but what the form itself shows and the position.
    pub fn report_fields(&self) -> Vec<(String, String)> {
        let carried = ListQuery {
            state: String::new(),
            outcome: String::new(),
            agent: String::new(),
            from: String::new(),
            to: String::new(),
            q: String::new(),
            after: String::new(),
            ..self.clone()
        };
        serde_urlencoded::to_string(&carried)
            .ok()
            .and_then(|text| serde_urlencoded::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// `Some(true)` for "the customer came back", `Some(false)` for "did not".
    pub fn came_back_filter(&self) -> Option<bool> {
        match self.came_back.as_str() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        }
    }

    pub fn outcome_is(&self, outcome: Outcome) -> bool {
        self.outcome == outcome.as_str()
    }

    /// `Some(true)` for the bot alone, `Some(false)` with an agent.
    pub fn bot_alone(&self) -> Option<bool> {
        match self.involved.as_str() {
            BOT_ALONE => Some(true),
            WITH_AGENT => Some(false),
            _ => None,
        }
    }

    pub fn closed_automatically(&self) -> bool {
        self.closed_by == CLOSED_AUTOMATICALLY
    }

    pub fn closed_by_the_customer(&self) -> bool {
        self.closed_by == CLOSED_BY_THE_CUSTOMER
    }

    pub fn agent_is(&self, member: &i64) -> bool {
        self.agent == member.to_string()
    }

    /// Whether the report figure is `member`'s first responses.
    pub fn responded_by_is(&self, member: &i64) -> bool {
        self.responded_by == member.to_string()
    }

    /// Whether the report figure is the outcomes `member` changed.
    pub fn changed_by_is(&self, member: &i64) -> bool {
        self.changed_by == member.to_string()
    }

    /// The validated filter and position, or every reason the URL was refused.
    pub fn parse(&self, zone: Tz) -> Result<(ConversationFilter, Option<Cursor>), Vec<String>> {
        let mut errors = Vec::new();
        let mut filter = ConversationFilter::default();
        match self.state.as_str() {
            "" | "all" => {}
            value => match StateFilter::ALL.iter().find(|s| s.as_str() == value) {
                Some(state) => filter.state = Some(*state),
                None => errors.push(format!("There is no state called \"{value}\".")),
            },
        }
        if !self.outcome.is_empty() {
            match self.outcome.parse::<Outcome>() {
                Ok(outcome) => filter.outcome = Some(outcome),
                Err(_) => errors.push(format!("There is no outcome called \"{}\".", self.outcome)),
            }
        }
        if !self.agent.is_empty() {
            match self.agent.parse::<i64>() {
                Ok(id) => filter.agent_id = Some(id),
                Err(_) => errors.push("Choose a team member from the list.".to_owned()),
            }
        }
        let day = |raw: &str, errors: &mut Vec<String>| -> Option<NaiveDate> {
            if raw.is_empty() {
                return None;
            }
            let day = parse_day(raw);
            if day.is_none() {
                errors.push(format!(
                    "\"{raw}\" is not a date like 2026-11-25 in a year between 1970 and 9999."
                ));
            }
            day
        };
        let from = day(&self.from, &mut errors);
        let to = day(&self.to, &mut errors);
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                errors.push("The period ends before it starts.".to_owned());
            }
        }
        filter.from = from.map(|d| local_midnight_utc(d, zone));
        filter.until = to
            .and_then(|d| d.succ_opt())
            .map(|d| local_midnight_utc(d, zone));
        let text = self.q.trim();
        if text.chars().count() > 200 {
            errors.push("Search for at most 200 characters.".to_owned());
        } else if !free_of_control_characters(text, false) {
            errors.push("Search text cannot contain control characters.".to_owned());
        } else if !text.is_empty() {
            filter.text = Some(text.to_lowercase());
        }
        filter.closed_from = day(&self.closed_from, &mut errors);
        filter.closed_to = day(&self.closed_to, &mut errors);
        match self.involved.as_str() {
            "" => {}
            BOT_ALONE => filter.agent_involved = Some(false),
            WITH_AGENT => filter.agent_involved = Some(true),
            other => errors.push(format!("\"{other}\" is neither bot nor agent.")),
        }
        match self.closed_by.as_str() {
            "" => {}
            CLOSED_AUTOMATICALLY => filter.closed_by = Some(None),
            CLOSED_BY_THE_CUSTOMER => filter.closed_by = Some(Some(CLOSED_BY_CUSTOMER)),
            other => match other.parse::<i64>() {
                Ok(id) => filter.closed_by = Some(Some(id)),
                Err(_) => {
                    errors.push("Choose who closed the conversations from the list.".to_owned())
                }
            },
        }
        if !self.article.is_empty() {
            match self.article.parse::<i64>() {
                Ok(id) => filter.article_id = Some(id),
                Err(_) => errors.push("That article link is not valid.".to_owned()),
            }
        }
        // Local days to UTC instants: [start of the first day, start of the day after the last).
        let between = |from: &str, to: &str, errors: &mut Vec<String>| {
            if from.is_empty() && to.is_empty() {
                return None;
            }
            let first = day(from, errors)?;
            let last = day(to, errors)?;
            Some((
                local_midnight_utc(first, zone),
                local_midnight_utc(last.succ_opt()?, zone),
            ))
        };
        filter.escalated_between = between(&self.escalated_from, &self.escalated_to, &mut errors);
        filter.changed_between = between(&self.changed_from, &self.changed_to, &mut errors);
        if !self.changed_by.is_empty() {
            match self.changed_by.parse::<i64>() {
                Ok(id) => filter.changed_by = Some(id),
                Err(_) => errors.push("Choose who changed the outcomes from the list.".to_owned()),
            }
        }
        filter.responded_between = between(&self.responded_from, &self.responded_to, &mut errors);
        if !self.responded_by.is_empty() {
            match self.responded_by.parse::<i64>() {
                Ok(id) => filter.responded_by = Some(id),
                Err(_) => errors.push("Choose who responded from the list.".to_owned()),
            }
            if filter.responded_between.is_none() {
                errors.push("Say in which days the first responses were written.".to_owned());
            }
        }
        self.parse_customer_side(&mut filter, &mut errors);
        let cursor = if self.after.is_empty() {
            None
        } else {
            match parse_cursor(&self.after) {
                Some(cursor) => Some(cursor),
                None => {
                    errors.push(
                        "That page position is not valid; start from the first page.".to_owned(),
                    );
                    None
                }
            }
        };
        if errors.is_empty() {
            Ok((filter, cursor))
        } else {
            Err(errors)
        }
    }
}

impl ListQuery {
    /// The customer's side of the filters: came back, verdict, disagreement.
    fn parse_customer_side(&self, filter: &mut ConversationFilter, errors: &mut Vec<String>) {
        match (self.came_back.as_str(), self.came_back_filter()) {
            ("", _) => {}
            (_, Some(came_back)) => filter.came_back = Some(came_back),
            (_, None) => errors.push("\"Came back\" is 1 or 0.".to_owned()),
        }
        if self.verdict == ANY_VERDICT {
            filter.answered = true;
        } else if !self.verdict.is_empty() {
            match self.verdict.parse::<Verdict>() {
                Ok(verdict) => filter.verdict = Some(verdict),
                Err(_) => errors.push("The customer's verdict is yes or no.".to_owned()),
            }
        }
        match self.disagree.as_str() {
            "" => {}
            "1" => filter.disagree = true,
            _ => errors.push("That disagreement link is not valid.".to_owned()),
        }
    }
}

/// The UTC time of midnight at the start of `day` in the team's zone.
fn local_midnight_utc(day: NaiveDate, zone: Tz) -> NaiveDateTime {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    zone.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.naive_utc())
        .unwrap_or(midnight)
}

pub fn cursor_text(cursor: Cursor) -> String {
    format!(
        "{}_{}",
        cursor.last_activity_at.and_utc().timestamp_micros(),
        cursor.id
    )
}

fn parse_cursor(raw: &str) -> Option<Cursor> {
    let (micros, id) = raw.split_once('_')?;
    let at = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
    Some(Cursor {
        last_activity_at: at,
        id: id.parse().ok()?,
    })
}

#[cfg(test)]
#[path = "list_query_tests.rs"]
mod tests;
