//! `GET /conversations`: every conversation, filtered by the URL, newest activity first,
//! paginated by position (fast however deep one pages).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use chrono_tz::Tz;

use super::list_query::ListQuery;
use crate::db::{self, AnyConnection, Pool};
use crate::domain::{time, ConversationState, Outcome};
use crate::error::AppError;
use crate::models::conversation::{Conversation, ConversationFilter, Cursor, StateFilter};
use crate::models::customer::Customer;
use crate::models::message::Message;
use crate::models::team_settings::TeamSettings;
use crate::models::user::User;
use crate::routes::{render_with_status, Area, Chrome};
use crate::session::CurrentUser;

const PAGE_SIZE: i64 = 25;
/// Tab counts that read rows (filtered lists) stop here and read "1,000+".
const COUNT_CAP: i64 = 1_000;
/// Text found in at most this many conversations is listed from their ids (and its tabs are
/// counted exactly); text in more is searched by walking the list newest first.
const TEXT_CAP: i64 = 2_000;
/// How many conversations down the list a text search looks before it asks the indexes.
const TEXT_WALK: i64 = 200;

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

/// Shown when the database gave up on a search (the statement timeout).
const TOO_BROAD: &str = "That search was too broad to finish in time. Add a filter (a state, \
    a period, an outcome or a team member) or more words, and search again.";

/// A tab's count: exact (from the state counters, or a tally of few rows) or capped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TabCount {
    Exact(i64),
    Capped(i64),
}

impl TabCount {
    fn text(self) -> String {
        match self {
            TabCount::Capped(count) if count > COUNT_CAP => format!("{}+", grouped(COUNT_CAP)),
            TabCount::Exact(count) | TabCount::Capped(count) => grouped(count),
        }
    }
}

/// 1234567 as "1,234,567".
fn grouped(number: i64) -> String {
    let digits = number.unsigned_abs().to_string();
    let mut text = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    if number < 0 {
        text.insert(0, '-');
    }
    text
}

type Counts = Vec<(Option<StateFilter>, Option<TabCount>)>;

/// One page of rows and every tab's count.
fn find(
    conn: &mut AnyConnection,
    mut filter: ConversationFilter,
    cursor: Option<Cursor>,
) -> diesel::QueryResult<(Vec<Row>, Counts)> {
    // Text: first a bounded walk down the list, which fills a page at once when the text is
    // common; otherwise the few conversations that have it, through the indexes.
    let walked = match &filter.text {
        Some(_) => {
            Conversation::search_within(conn, &filter, cursor, PAGE_SIZE + 1, Some(TEXT_WALK))?
        }
        None => Vec::new(),
    };
    let found = if walked.len() as i64 > PAGE_SIZE {
        walked
    } else {
        if let Some(text) = &filter.text {
            filter.text_matches = Conversation::matching_text(conn, text, TEXT_CAP)?;
        }
        Conversation::search(conn, &filter, cursor, PAGE_SIZE + 1)?
    };
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
    let counts = tab_counts(conn, &filter)?;
    Ok((rows, counts))
}

/// Each tab counts what it would show with the other filters kept. Without other filters, from
/// the state counters (exact, a few rows read). Otherwise tallied from one read when at most
/// 1,000 match; beyond, "All" reads "1,000+", tabs whose states hold few conversations are
/// counted through the state index, and the others go without a count (a sparse filter among
/// hundreds of thousands would mean reading them all). Text that too many conversations
/// contain goes without counts for the same reason.
fn tab_counts(
    conn: &mut AnyConnection,
    filter: &ConversationFilter,
) -> diesel::QueryResult<Counts> {
    let tabs = std::iter::once(None).chain(StateFilter::ALL.iter().copied().map(Some));
    if !filter.narrows() {
        let counts = Conversation::counts_by_state(conn)?;
        return Ok(tabs
            .map(|tab| {
                let count = ConversationState::ALL
                    .iter()
                    .copied()
                    .filter(|state| tab.is_none_or(|tab: StateFilter| tab.includes(*state)))
                    .map(|state| counts.of(state))
                    .sum();
                (tab, Some(TabCount::Exact(count)))
            })
            .collect());
    }
    if filter.text.is_some() && filter.text_matches.is_none() {
        return Ok(tabs.map(|tab| (tab, None)).collect());
    }
    // Tabs whose states hold no conversation at all (by the counters), or that the filter rules
    // out, are 0 without reading anything.
    let populations = Conversation::counts_by_state(conn)?;
    let may_hold = |tab: Option<StateFilter>| {
        ConversationState::ALL.iter().any(|state| {
            tab.is_none_or(|tab| tab.includes(*state))
                && populations.of(*state) > 0
                && (!filter.only_closed() || *state == ConversationState::Closed)
        })
    };
    let population = |tab: Option<StateFilter>| -> i64 {
        ConversationState::ALL
            .iter()
            .filter(|state| tab.is_none_or(|tab| tab.includes(**state)))
            .map(|state| populations.of(*state))
            .sum()
    };
    let any_state = ConversationFilter {
        state: filter.only_closed().then_some(StateFilter::Closed),
        ..filter.clone()
    };
    let states = Conversation::states_matching(conn, &any_state, COUNT_CAP)?;
    let mut counts = Vec::new();
    for tab in tabs {
        let count = if !may_hold(tab) {
            TabCount::Exact(0)
        } else if states.len() as i64 <= COUNT_CAP {
            let tally = states
                .iter()
                .filter(|s| tab.is_none_or(|tab| tab.includes(**s)))
                .count();
            TabCount::Exact(tally as i64)
        } else if tab.is_none() || (filter.only_closed() && tab == Some(StateFilter::Closed)) {
            TabCount::Capped(states.len() as i64)
        } else if population(tab) <= COUNT_CAP {
            // Few conversations in these states at all: counted through the state index.
            let tab_filter = ConversationFilter {
                state: tab,
                ..filter.clone()
            };
            TabCount::Exact(Conversation::count_matching(conn, &tab_filter, COUNT_CAP)?)
        } else {
            // Counting a sparse filter among hundreds of thousands would read them all: this
            // tab goes without a count rather than hold the page up.
            counts.push((tab, None));
            continue;
        };
        counts.push((tab, Some(count)));
    }
    Ok(counts)
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
    /// The page without rows: the filters as typed, and why nothing is listed.
    fn refused(
        chrome: Chrome,
        query: ListQuery,
        errors: Vec<String>,
        members: Vec<(i64, String)>,
        zone: Tz,
    ) -> ListPage {
        ListPage {
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
        }
    }

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
            let page = ListPage::refused(chrome, query, errors, members, zone);
            return render_with_status(StatusCode::BAD_REQUEST, &page);
        }
    };
    let current_state = filter.state;
    let listed = db::run(&pool, move |conn| match find(conn, filter, cursor) {
        Err(error) if db::is_statement_timeout(&error) => Ok(None),
        found => Ok(Some(found?)),
    })
    .await?;
    let Some((rows, counts)) = listed else {
        // Cancelled in the database after the statement timeout: say why, keep what was typed.
        let page = ListPage::refused(chrome, query, vec![TOO_BROAD.to_owned()], members, zone);
        return render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
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
            count: count.map(TabCount::text).unwrap_or_default(),
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
