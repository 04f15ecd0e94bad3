//! `GET /conversations`: every conversation, filtered by the URL, newest activity first,
//! paginated by position (fast however deep one pages).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::list_query::ListQuery;
use crate::db::{self, Pool};
use crate::domain::{time, Outcome};
use crate::error::AppError;
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
            query.with_position(Some(cursor)).href()
        })
    } else {
        None
    };
    let tabs = counts
        .into_iter()
        .map(|(state, count)| Tab {
            label: state.map(StateFilter::label).unwrap_or("All"),
            href: query.with_state(state).href(),
            count: count.map(count_text).unwrap_or_default(),
            current: state == current_state,
        })
        .collect();
    let first_href = (!query.after.is_empty()).then(|| query.with_position(None).href());
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
