//! `GET /conversations`: every conversation, filtered by the URL, newest activity first,
//! paginated by position (fast however deep one pages).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::db::{self, Pool};
use crate::domain::{time, Outcome};
use crate::error::{url_encode, AppError};
use crate::models::conversation::{Conversation, ConversationFilter, Cursor, StateFilter};
use crate::models::customer::Customer;
use crate::models::message::Message;
use crate::models::team_settings::TeamSettings;
use crate::models::user::User;
use crate::routes::{render_with_status, Area, Chrome};
use crate::session::CurrentUser;

const PAGE_SIZE: i64 = 25;
/// Tab counts stop here and read "10,000+".
const COUNT_CAP: i64 = 10_000;

/// The filters as typed in the URL, kept verbatim to refill the form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub agent: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub after: String,
    /// Set by the links in Reports: closed in these report days, by whom, bot alone or not,
    /// citing which article.
    #[serde(default)]
    pub closed_from: String,
    #[serde(default)]
    pub closed_to: String,
    #[serde(default)]
    pub involved: String,
    #[serde(default)]
    pub closed_by: String,
    #[serde(default)]
    pub article: String,
    #[serde(default)]
    pub escalated_from: String,
    #[serde(default)]
    pub escalated_to: String,
    #[serde(default)]
    pub changed_from: String,
    #[serde(default)]
    pub changed_to: String,
    #[serde(default)]
    pub changed_by: String,
}

impl ListQuery {
    /// This list's URL with another state tab and/or position.
    /// Whether the list was narrowed from a report.
    pub fn from_report(&self) -> bool {
        !(self.closed_from.is_empty()
            && self.closed_to.is_empty()
            && self.involved.is_empty()
            && self.closed_by.is_empty()
            && self.article.is_empty()
            && self.escalated_from.is_empty()
            && self.changed_from.is_empty())
    }

    pub fn href(&self, state: &str, after: Option<&str>) -> String {
        let pairs = [
            ("state", state),
            ("outcome", self.outcome.as_str()),
            ("agent", self.agent.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("q", self.q.as_str()),
            ("closed_from", self.closed_from.as_str()),
            ("closed_to", self.closed_to.as_str()),
            ("involved", self.involved.as_str()),
            ("closed_by", self.closed_by.as_str()),
            ("article", self.article.as_str()),
            ("escalated_from", self.escalated_from.as_str()),
            ("escalated_to", self.escalated_to.as_str()),
            ("changed_from", self.changed_from.as_str()),
            ("changed_to", self.changed_to.as_str()),
            ("changed_by", self.changed_by.as_str()),
            ("after", after.unwrap_or("")),
        ];
        let query: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        if query.is_empty() {
            "/conversations".to_owned()
        } else {
            format!("/conversations?{}", query.join("&"))
        }
    }

    fn parse(&self, zone: Tz) -> Result<(ConversationFilter, Option<Cursor>), Vec<String>> {
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
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| errors.push(format!("\"{raw}\" is not a date like 2026-11-25.")))
                .ok()
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
        } else if !text.is_empty() {
            filter.text = Some(text.to_lowercase());
        }
        filter.closed_from = day(&self.closed_from, &mut errors);
        filter.closed_to = day(&self.closed_to, &mut errors);
        match self.involved.as_str() {
            "" => {}
            "bot" => filter.agent_involved = Some(false),
            "agent" => filter.agent_involved = Some(true),
            other => errors.push(format!("\"{other}\" is neither bot nor agent.")),
        }
        match self.closed_by.as_str() {
            "" => {}
            "system" => filter.closed_by = Some(None),
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

/// The UTC time of midnight at the start of `day` in the team's zone.
fn local_midnight_utc(day: NaiveDate, zone: Tz) -> NaiveDateTime {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    zone.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.naive_utc())
        .unwrap_or(midnight)
}

fn cursor_text(cursor: Cursor) -> String {
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

pub struct Row {
    pub conversation: Conversation,
    pub customer: Customer,
    pub last_message: Option<String>,
    pub assignee: Option<String>,
}

pub struct Tab {
    pub label: &'static str,
    pub href: String,
    pub count: String,
    pub current: bool,
}

fn count_text(count: i64) -> String {
    if count > COUNT_CAP {
        "10,000+".to_owned()
    } else {
        count.to_string()
    }
}

#[derive(Template)]
#[template(path = "conversations/list.html")]
struct ListPage {
    chrome: Chrome,
    query: ListQuery,
    errors: Vec<String>,
    tabs: Vec<Tab>,
    rows: Vec<Row>,
    members: Vec<(i64, String)>,
    next_href: Option<String>,
    first_href: Option<String>,
    zone: Tz,
    now: NaiveDateTime,
}

impl ListPage {
    fn ago(&self, at: &NaiveDateTime) -> String {
        time::ago(*at, self.now)
    }

    fn exact(&self, at: &NaiveDateTime) -> String {
        time::exact(*at, self.zone)
    }
}

pub async fn list(
    req: HttpRequest,
    user: CurrentUser,
    query: web::Query<ListQuery>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (zone, members) = db::run(&pool, |conn| {
        Ok((
            TeamSettings::get(conn)?.time_zone.tz(),
            User::active_members(conn)?,
        ))
    })
    .await?;
    let parsed = query.parse(zone);
    let chrome = Chrome::new(&req, "Conversations", Some(&user), Area::Conversations);
    let (filter, cursor) = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => {
            let page = ListPage {
                chrome,
                query,
                errors,
                tabs: Vec::new(),
                rows: Vec::new(),
                members,
                next_href: None,
                first_href: None,
                zone,
                now: crate::models::now(),
            };
            return render_with_status(StatusCode::BAD_REQUEST, &page);
        }
    };
    let current_state = filter.state;
    let (rows, counts) = db::run(&pool, move |conn| {
        let mut filter = filter;
        if let Some(text) = &filter.text {
            filter.text_matches = Conversation::matching_text(conn, text, COUNT_CAP)?;
        }
        let found = Conversation::search(conn, &filter, cursor, PAGE_SIZE + 1)?;
        let ids: Vec<i64> = found.iter().map(|(c, _)| c.id).collect();
        let mut last = Message::last_said(conn, &ids, false)?;
        let names = User::names(conn)?;
        let mut rows = Vec::new();
        for (conversation, customer) in found {
            let assignee = conversation
                .assignee_id
                .or(conversation.closed_by_id)
                .and_then(|id| names.get(&id).cloned());
            rows.push(Row {
                last_message: last.remove(&conversation.id),
                conversation,
                customer,
                assignee,
            });
        }
        // Each tab counts what it would show with the other filters kept: tallied from one read
        // when the matches are few, else one capped count per tab.
        let any_state = ConversationFilter {
            state: None,
            ..filter.clone()
        };
        // Text that too many conversations contain is searched the slow way; counting it per
        // tab would repeat that six times, so those tabs go without counts.
        let too_common = filter.text.is_some() && filter.text_matches.is_none();
        let states = if too_common {
            Vec::new()
        } else {
            Conversation::states_matching(conn, &any_state, COUNT_CAP)?
        };
        let mut counts = Vec::new();
        for state in std::iter::once(None).chain(StateFilter::ALL.iter().copied().map(Some)) {
            let count = if too_common {
                None
            } else if states.len() as i64 <= COUNT_CAP {
                Some(
                    states
                        .iter()
                        .filter(|s| state.is_none_or(|f| f.includes(**s)))
                        .count() as i64,
                )
            } else {
                let tab_filter = ConversationFilter {
                    state,
                    ..filter.clone()
                };
                Some(Conversation::count_matching(conn, &tab_filter, COUNT_CAP)?)
            };
            counts.push((state, count));
        }
        Ok((rows, counts))
    })
    .await?;
    let mut rows = rows;
    let next_href = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|row| {
            let cursor = Cursor {
                last_activity_at: row.conversation.last_activity_at,
                id: row.conversation.id,
            };
            query.href(&query.state, Some(&cursor_text(cursor)))
        })
    } else {
        None
    };
    let tabs = counts
        .into_iter()
        .map(|(state, count)| Tab {
            label: state.map(StateFilter::label).unwrap_or("All"),
            href: query.href(state.map(StateFilter::as_str).unwrap_or(""), None),
            count: count.map(count_text).unwrap_or_default(),
            current: state == current_state,
        })
        .collect();
    let first_href = (!query.after.is_empty()).then(|| query.href(&query.state, None));
    render_with_status(
        StatusCode::OK,
        &ListPage {
            chrome,
            query,
            errors: Vec::new(),
            tabs,
            rows,
            members,
            next_href,
            first_href,
            zone,
            now: crate::models::now(),
        },
    )
}
