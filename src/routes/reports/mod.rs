//! Reports for team leads and admins: how often conversations end resolved, bot alone versus
//! with an agent, per member, and which articles keep showing up in unresolved conversations.
//! Every figure comes from the per-day counters and links to the conversations behind it.

pub mod chart;
pub mod edits;
pub mod export;
pub mod show;
pub mod times;
pub mod voices;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::db::{self, Pool};
use crate::domain::counters::{Metric, CLOSED_BY_CUSTOMER};
use crate::domain::edit_effect::EditEffect;
use crate::domain::report::{ClosedCounts, Granularity, Period, Split};
use crate::domain::time::{local_day, parse_day};
use crate::domain::voices::Voices;
use crate::error::AppError;
use crate::models::article::Article;
use crate::models::report_count::ReportCount;
use crate::models::team_settings::TeamSettings;
use crate::models::user::User;
use crate::routes::conversations::list_query::ListQuery;

/// Articles linked to fewer conversations than this are marked as too few to judge.
pub const MIN_SAMPLE: i64 = 5;

/// The period choices the page offers: (value in the URL, label).
pub const PERIOD_CHOICES: [(&str, &str); 5] = [
    ("7", "Last 7 days"),
    ("14", "Last 14 days"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("custom", "Custom"),
];

/// The period as chosen in the URL, kept verbatim to refill the form and written back the same
/// way for the CSV links.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub period: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub from: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub by: String,
}

impl ReportQuery {
    /// The same report's query string, for the CSV links.
    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }

    /// Whether the period choice `value` is the one shown (30 days when none was chosen).
    pub fn period_is(&self, value: &str) -> bool {
        self.period == value || (self.period.is_empty() && value == "30")
    }

    pub fn by_is(&self, by: Granularity) -> bool {
        self.by == by.as_str()
    }

    fn parse(&self, today: NaiveDate) -> Result<(Period, Granularity), Vec<String>> {
        let mut errors = Vec::new();
        let period = match self.period.as_str() {
            "" => Some(Period::last(30, today)),
            "7" | "14" | "30" | "90" => {
                Some(Period::last(self.period.parse().unwrap_or(30), today))
            }
            "custom" => {
                let parse = |raw: &str, what: &str, errors: &mut Vec<String>| {
                    let day = parse_day(raw);
                    if day.is_none() {
                        errors.push(format!(
                            "Enter the {what} date like 2026-11-25, in a year between 1970 and 9999."
                        ));
                    }
                    day
                };
                match (
                    parse(&self.from, "start", &mut errors),
                    parse(&self.to, "end", &mut errors),
                ) {
                    (Some(from), Some(to)) if from > to => {
                        errors.push("The period ends before it starts.".to_owned());
                        None
                    }
                    (Some(from), Some(to)) if (to - from).num_days() > 366 => {
                        errors.push("Choose a period of at most a year.".to_owned());
                        None
                    }
                    (Some(from), Some(to)) => Some(Period { from, to }),
                    _ => None,
                }
            }
            other => {
                errors.push(format!("There is no period called \"{other}\"; choose 7, 14, 30 or 90 days, or a custom range."));
                None
            }
        };
        let by = match (self.by.as_str(), period) {
            ("day", _) => Some(Granularity::Day),
            ("week", _) => Some(Granularity::Week),
            ("", Some(p)) if p.days() > 45 => Some(Granularity::Week),
            ("", _) => Some(Granularity::Day),
            (other, _) => {
                errors.push(format!("Group by day or week, not \"{other}\"."));
                None
            }
        };
        match (period, by) {
            (Some(period), Some(by)) if errors.is_empty() => Ok((period, by)),
            _ => Err(errors),
        }
    }
}

/// One member's row (member 0 is "closed automatically", and [`CLOSED_BY_CUSTOMER`] the
/// conversations the customer closed by confirming the bot's answer).
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub split: Split,
    pub changed: i64,
    /// What the customers of the conversations they closed said and did.
    pub voices: Voices,
}

impl MemberRow {
    /// Who closed, as the Conversations list filters it (`None`: closed automatically).
    pub fn closer(&self) -> Option<i64> {
        (self.id != 0).then_some(self.id)
    }
}

pub struct ArticleRow {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub split: Split,
    /// Before and after its last edit, if it was edited.
    pub edit: Option<EditEffect>,
}

impl ArticleRow {
    pub fn too_few(&self) -> bool {
        self.split.closed() < MIN_SAMPLE
    }
}

/// Everything the page and the CSV files show.
pub struct ReportData {
    pub period: Period,
    pub previous: Period,
    pub by: Granularity,
    pub zone: String,
    pub counts: ClosedCounts,
    pub escalations: (i64, i64),
    pub changed: (i64, i64),
    pub members: Vec<MemberRow>,
    pub articles: Vec<ArticleRow>,
    pub customers: voices::CustomerSide,
    pub times: times::TimeFigures,
    /// Every member's name, for the rows of members who did not close anything.
    pub names: HashMap<i64, String>,
}

impl ReportData {
    pub fn buckets(&self) -> Vec<(Period, Split)> {
        self.period
            .buckets(self.by)
            .into_iter()
            .map(|bucket| (bucket, self.counts.total_in(bucket)))
            .collect()
    }

    /// The Conversations list behind a closed-conversations figure of this period.
    pub fn closed_list(&self) -> ListQuery {
        ListQuery::closed_in(self.period)
    }
}

/// Reads the report for `query`: a handful of grouped reads of the counters. The customer's
/// side and the time histograms are read at the same time as the rest, each on a connection of
/// its own, so a lead waits for the slowest third rather than for all of them in a row.
pub async fn load(
    pool: &Pool,
    settings: Arc<TeamSettings>,
    query: &ReportQuery,
) -> Result<Result<ReportData, Vec<String>>, AppError> {
    let today = local_day(crate::models::now(), settings.time_zone.tz());
    let (period, by) = match query.parse(today) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Err(errors)),
    };
    let came_back_days = settings.came_back_days;
    let (customers, times, counted) = futures_util::future::try_join3(
        db::run(pool, move |conn| {
            Ok(voices::read(conn, period, today, came_back_days)?)
        }),
        db::run(pool, move |conn| Ok(times::read(conn, period)?)),
        db::run(pool, move |conn| counters(conn, &settings, today, period)),
    )
    .await?;
    let Counted {
        previous,
        zone,
        counts,
        escalations,
        changed,
        mut members,
        articles,
        names,
    } = counted;
    for member in &mut members {
        if let Some(voices) = customers.by_member.get(&member.id) {
            member.voices = *voices;
        }
    }
    Ok(Ok(ReportData {
        period,
        previous,
        by,
        zone,
        counts,
        escalations,
        changed,
        members,
        articles,
        customers,
        times,
        names,
    }))
}

/// Everything but the customer's side and the times.
struct Counted {
    previous: Period,
    zone: String,
    counts: ClosedCounts,
    escalations: (i64, i64),
    changed: (i64, i64),
    members: Vec<MemberRow>,
    articles: Vec<ArticleRow>,
    names: HashMap<i64, String>,
}

fn counters(
    conn: &mut crate::db::AnyConnection,
    settings: &TeamSettings,
    today: NaiveDate,
    period: Period,
) -> Result<Counted, AppError> {
    let zone_name = settings.time_zone.as_str().to_owned();
    let zone = settings.time_zone.tz();
    let previous = period.previous();
    let rows = ReportCount::closed_by_day(conn, previous.from, period.to)?;
    let counts = ClosedCounts::from_rows(rows);
    let escalations = (
        ReportCount::metric_total(conn, Metric::Escalated, period.from, period.to)?,
        ReportCount::metric_total(conn, Metric::Escalated, previous.from, previous.to)?,
    );
    let changed = (
        ReportCount::metric_total(conn, Metric::Changed, period.from, period.to)?,
        ReportCount::metric_total(conn, Metric::Changed, previous.from, previous.to)?,
    );
    let names: HashMap<i64, String> = User::names(conn)?;
    let mut members: HashMap<i64, MemberRow> = HashMap::new();
    let member = |id: i64| MemberRow {
        id,
        name: if id == 0 {
            "Closed automatically".to_owned()
        } else if id == CLOSED_BY_CUSTOMER {
            "Confirmed by the customer".to_owned()
        } else {
            names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("Member #{id}"))
        },
        split: Split::default(),
        changed: 0,
        voices: Voices::default(),
    };
    for (id, outcome, n) in ReportCount::closed_by_member(conn, period.from, period.to)? {
        members
            .entry(id)
            .or_insert_with(|| member(id))
            .split
            .add(outcome, n);
    }
    for (id, n) in ReportCount::changes_by_member(conn, period.from, period.to)? {
        members.entry(id).or_insert_with(|| member(id)).changed += n;
    }
    let mut members: Vec<MemberRow> = members
        .into_values()
        .filter(|m| m.split.closed() > 0 || m.changed > 0)
        .collect();
    members.sort_by(|a, b| {
        b.split
            .closed()
            .cmp(&a.split.closed())
            .then(a.name.cmp(&b.name))
    });
    let titles: HashMap<i64, (String, String)> = Article::titles(conn)?;
    let mut by_article: HashMap<i64, Split> = HashMap::new();
    for (id, outcome, n) in ReportCount::by_article(conn, period.from, period.to)? {
        by_article.entry(id).or_default().add(outcome, n);
    }
    let by_article_ids: std::collections::HashSet<i64> = by_article.keys().copied().collect();
    let mut articles: Vec<ArticleRow> = by_article
        .into_iter()
        .filter(|(_, split)| split.closed() > 0)
        .map(|(id, split)| {
            let (title, slug) = titles
                .get(&id)
                .cloned()
                .unwrap_or_else(|| (format!("Article #{id}"), String::new()));
            ArticleRow {
                id,
                title,
                slug,
                split,
                edit: None,
            }
        })
        .collect();
    articles.sort_by(|a, b| {
        b.split
            .unresolved
            .cmp(&a.split.unresolved)
            .then(b.split.closed().cmp(&a.split.closed()))
            .then(a.title.cmp(&b.title))
    });
    let listed: Vec<_> = Article::edit_times(conn)?
        .into_iter()
        .filter(|(id, ..)| by_article_ids.contains(id))
        .collect();
    let mut effects = edits::effects(conn, &listed, zone, today)?;
    for article in &mut articles {
        article.edit = effects.remove(&article.id);
    }
    Ok(Counted {
        previous,
        zone: zone_name,
        counts,
        escalations,
        changed,
        members,
        articles,
        names,
    })
}
