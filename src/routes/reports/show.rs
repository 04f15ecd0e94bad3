//! `GET /reports`: tiles with trends, the outcome chart, bot alone versus with an agent, members
//! and knowledge-base articles.

use crate::domain::counters::CLOSED_BY_CUSTOMER;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::{load, ArticleRow, MemberRow, ReportData, ReportQuery, MIN_SAMPLE, PERIOD_CHOICES};
use crate::db::Pool;
use crate::domain::outcomes::Verdict;
use crate::domain::report::{percent, trend_of_count, trend_of_share, Granularity, Period, Split};
use crate::domain::times::Times;
use crate::domain::voices::Voices;
use crate::domain::Outcome;
use crate::error::AppError;
use crate::routes::conversations::list_query::ListQuery;
use crate::routes::{render_with_status, Area, Chrome};
use crate::session::CurrentUser;

/// One tile: the figure, how it moved, what it counts, and where its conversations are.
pub struct Tile {
    pub label: &'static str,
    pub value: String,
    pub trend: String,
    pub definition: String,
    pub href: String,
    pub id: &'static str,
}

#[derive(Template)]
#[template(path = "reports/show.html")]
struct ReportsPage {
    chrome: Chrome,
    query: ReportQuery,
    errors: Vec<String>,
    report: Option<ReportView>,
}

struct ReportView {
    data: ReportData,
    /// The customer's side, overall, for the bot alone and per member.
    voice_lines: Vec<VoiceLine>,
    /// Response and resolution times per day or week, and per member.
    time_buckets: Vec<TimeLine>,
    time_members: Vec<TimeLine>,
    tiles: Vec<Tile>,
    chart: String,
    buckets: Vec<(Period, Split)>,
    bot: Split,
    agent: Split,
    min_sample: i64,
}

/// One row of "What customers said and did": whose conversations, their figures, and the list
/// behind them.
pub struct VoiceLine {
    pub label: String,
    pub voices: Voices,
    pub list: ListQuery,
}

impl VoiceLine {
    pub fn came_back_link(&self) -> String {
        self.list.clone().with_came_back(true).href()
    }

    pub fn verdict_link(&self, verdict: Verdict) -> String {
        self.list.clone().with_verdict(Some(verdict)).href()
    }

    pub fn answered_link(&self) -> String {
        self.list.clone().with_verdict(None).href()
    }

    pub fn disagree_link(&self) -> String {
        self.list.clone().disagreeing().href()
    }
}

pub fn voice_lines(data: &ReportData) -> Vec<VoiceLine> {
    let mut lines = vec![
        VoiceLine {
            label: "Everyone".to_owned(),
            voices: data.customers.total,
            list: data.closed_list(),
        },
        VoiceLine {
            label: "Bot alone".to_owned(),
            voices: data.customers.bot_alone,
            list: data.closed_list().with_bot_alone(true),
        },
    ];
    lines.extend(
        data.members
            .iter()
            .filter(|m| m.split.closed() > 0)
            .map(|m| VoiceLine {
                label: m.name.clone(),
                voices: m.voices,
                list: data.closed_list().with_closed_by(m.closer()),
            }),
    );
    lines
}

/// One row of the times table: whose or which period, and its times.
pub struct TimeLine {
    pub label: String,
    pub times: Times,
    /// The conversations whose resolution times these are.
    pub closed: ListQuery,
    /// The conversations whose first responses these are.
    pub responded: ListQuery,
}

impl TimeLine {
    pub fn response(&self, q: f64) -> String {
        super::times::label(self.times.response(q))
    }

    pub fn resolved(&self, q: f64) -> String {
        super::times::label(self.times.resolved(q))
    }
}

/// The times per day or week, then overall and per member.
pub fn time_lines(data: &ReportData) -> (Vec<TimeLine>, Vec<TimeLine>) {
    let per_bucket = data
        .period
        .buckets(data.by)
        .into_iter()
        .map(|bucket| TimeLine {
            label: bucket.label(),
            times: data.times.in_bucket(bucket),
            closed: ListQuery::closed_in(bucket),
            responded: ListQuery::responded_in(bucket, None),
        })
        .collect();
    let mut per_member = vec![TimeLine {
        label: "Everyone".to_owned(),
        times: data.times.total.clone(),
        closed: data.closed_list(),
        responded: ListQuery::responded_in(data.period, None),
    }];
    for (id, times) in &data.times.by_member {
        per_member.push(TimeLine {
            label: match (id, data.names.get(id)) {
                (0, _) => "Nobody (automatic closing)".to_owned(),
                (_, Some(name)) => name.clone(),
                (id, None) => format!("Member #{id}"),
            },
            times: times.clone(),
            closed: data.closed_list().with_closed_by((*id != 0).then_some(*id)),
            responded: ListQuery::responded_in(data.period, Some(*id)),
        });
    }
    (per_bucket, per_member)
}

impl ReportView {
    fn pct(&self, share: Option<f64>) -> String {
        percent(share)
    }

    /// Who closed a disagreement's conversation last.
    fn closer_name(&self, closed_by: &Option<i64>) -> String {
        match closed_by {
            None => "Nobody (bot or automatic)".to_owned(),
            Some(id) => self
                .data
                .names
                .get(id)
                .cloned()
                .unwrap_or_else(|| format!("Member #{id}")),
        }
    }

    /// The conversations closed in `bucket` (with `outcome`).
    fn bucket_link(&self, bucket: &Period, outcome: Option<Outcome>) -> String {
        ListQuery::closed_in(*bucket).with_outcome(outcome).href()
    }

    /// Those the bot handled alone, or with an agent (with `outcome`).
    fn handled_link(&self, bot_alone: bool, outcome: Option<Outcome>) -> String {
        self.data
            .closed_list()
            .with_bot_alone(bot_alone)
            .with_outcome(outcome)
            .href()
    }

    /// The conversations the customer closed by confirming the bot's answer: always resolved
    /// and by the bot alone, beside the bot's other resolutions.
    fn confirmed(&self) -> i64 {
        self.data
            .members
            .iter()
            .find(|m| m.id == CLOSED_BY_CUSTOMER)
            .map_or(0, |m| m.split.closed())
    }

    fn confirmed_link(&self) -> String {
        self.data
            .closed_list()
            .with_bot_alone(true)
            .with_closed_by(Some(CLOSED_BY_CUSTOMER))
            .href()
    }

    /// Those `member` closed last (with `outcome`).
    fn member_link(&self, member: &MemberRow, outcome: Option<Outcome>) -> String {
        self.data
            .closed_list()
            .with_closed_by(member.closer())
            .with_outcome(outcome)
            .href()
    }

    /// Those whose outcome `member` changed in the period.
    fn changed_link(&self, member: &MemberRow) -> String {
        ListQuery::changed_in(self.data.period, member.closer()).href()
    }

    /// Those citing `article` (with `outcome`).
    fn article_link(&self, article: &ArticleRow, outcome: Option<Outcome>) -> String {
        self.data
            .closed_list()
            .with_article(article.id)
            .with_outcome(outcome)
            .href()
    }
}

/// The customer's side: stayed resolved, came back, said yes, disagreed.
fn customer_tiles(data: &ReportData) -> Vec<Tile> {
    let side = &data.customers;
    let days = side.window_days;
    let settled_list = match side.settled {
        Some(settled) => ListQuery::closed_in(settled),
        None => data.closed_list(),
    };
    let provisional = side.provisional_resolved();
    vec![
        Tile {
            label: "Stayed resolved",
            value: percent(side.settled_voices.stayed_resolved_share()),
            trend: match (side.settled, provisional) {
                (None, _) => format!("provisional: the {days}-day window has not passed yet"),
                (Some(_), 0) => format!("{} of {} resolved", side.settled_voices.stayed_resolved(), side.settled_voices.closed.resolved),
                (Some(_), n) => format!(
                    "{} of {} resolved; {n} later ones provisional",
                    side.settled_voices.stayed_resolved(),
                    side.settled_voices.closed.resolved
                ),
            },
            definition: format!("Resolved closes whose customer did not start a new conversation within {days} days (same browser or same email). Counted once those {days} days have passed; closes of the last {days} days are provisional."),
            href: settled_list
                .with_outcome(Some(Outcome::Resolved))
                .with_came_back(false)
                .href(),
            id: "tile-stayed",
        },
        Tile {
            label: "Came back",
            value: percent(side.total.came_back_share()),
            trend: format!("{} of {} closed", side.total.came_back.closed(), side.total.closed.closed()),
            definition: format!("Closed conversations whose customer started a new one within {days} days."),
            href: data.closed_list().with_came_back(true).href(),
            id: "tile-came-back",
        },
        Tile {
            label: "Customers said yes",
            value: percent(side.total.yes_share()),
            trend: format!("{} answered", side.total.answered()),
            definition: "Answers \"Yes\" to \"Did we solve your problem?\", asked once after a close, among closed conversations the customer answered.".into(),
            href: data.closed_list().with_verdict(Some(Verdict::Yes)).href(),
            id: "tile-yes",
        },
        Tile {
            label: "Disagreements",
            value: side.total.disagreements().to_string(),
            trend: String::new(),
            definition: "Closed Resolved but the customer answered No, or Unresolved but they answered Yes: the first place to look when reclassifying.".into(),
            href: data.closed_list().disagreeing().href(),
            id: "tile-disagree",
        },
    ]
}

fn tiles(data: &ReportData) -> Vec<Tile> {
    let (now_bot, _) = data.counts.split_in(data.period);
    let (was_bot, _) = data.counts.split_in(data.previous);
    let now = data.counts.total_in(data.period);
    let was = data.counts.total_in(data.previous);
    vec![
        Tile {
            label: "Closed conversations",
            value: now.closed().to_string(),
            trend: trend_of_count(now.closed(), was.closed()),
            definition: "Conversations whose latest close falls in the period, by the team's time zone.".into(),
            href: data.closed_list().href(),
            id: "tile-closed",
        },
        Tile {
            label: "Resolved share",
            value: percent(now.share()),
            trend: trend_of_share(now.share(), was.share()),
            definition: "Resolved among those closed conversations, by their current outcome.".into(),
            href: data.closed_list().with_outcome(Some(Outcome::Resolved)).href(),
            id: "tile-resolved",
        },
        Tile {
            label: "Resolved by the bot alone",
            value: percent(now_bot.share()),
            trend: trend_of_share(now_bot.share(), was_bot.share()),
            definition: "Resolved share of closed conversations no agent took part in.".into(),
            href: data
                .closed_list()
                .with_bot_alone(true)
                .with_outcome(Some(Outcome::Resolved))
                .href(),
            id: "tile-bot",
        },
        Tile {
            label: "Escalations to the team",
            value: data.escalations.0.to_string(),
            trend: trend_of_count(data.escalations.0, data.escalations.1),
            definition: "Times a conversation went from the bot to the waiting queue (asked for a person, or the bot could not answer), by when it happened.".into(),
            href: ListQuery::escalated_in(data.period).href(),
            id: "tile-escalations",
        },
        Tile {
            label: "Outcomes changed",
            value: data.changed.0.to_string(),
            trend: trend_of_count(data.changed.0, data.changed.1),
            definition: "Changes of outcome after the first close, by when the change was made.".into(),
            href: ListQuery::changed_in(data.period, None).href(),
            id: "tile-changed",
        },
    ]
}

pub async fn show(
    req: HttpRequest,
    user: CurrentUser,
    query: web::Query<ReportQuery>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let chrome = Chrome::new(&req, "Reports", Some(&user), Area::Reports);
    let settings = crate::routes::team_settings(&req, &pool).await?;
    match load(&pool, settings, &query).await? {
        Err(errors) => render_with_status(
            StatusCode::BAD_REQUEST,
            &ReportsPage {
                chrome,
                query,
                errors,
                report: None,
            },
        ),
        Ok(data) => {
            let buckets = data.buckets();
            let chart = super::chart::outcomes_chart(&buckets)
                .map_err(|e| anyhow::anyhow!("drawing the chart failed: {e}"))?;
            let (bot, agent) = data.counts.split_in(data.period);
            let mut all_tiles = tiles(&data);
            all_tiles.extend(customer_tiles(&data));
            let (time_buckets, time_members) = time_lines(&data);
            let report = ReportView {
                time_buckets,
                time_members,
                voice_lines: voice_lines(&data),
                tiles: all_tiles,
                chart,
                buckets,
                bot,
                agent,
                data,
                min_sample: MIN_SAMPLE,
            };
            render_with_status(
                StatusCode::OK,
                &ReportsPage {
                    chrome,
                    query,
                    errors: Vec::new(),
                    report: Some(report),
                },
            )
        }
    }
}
