//! `GET /reports`: tiles with trends, the outcome chart, bot alone versus with an agent, members
//! and knowledge-base articles.

use crate::domain::counters::CLOSED_BY_CUSTOMER;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::{load, ArticleRow, MemberRow, ReportData, ReportQuery, MIN_SAMPLE, PERIOD_CHOICES};
use crate::db::Pool;
use crate::domain::report::{percent, trend_of_count, trend_of_share, Granularity, Period, Split};
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
    pub definition: &'static str,
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
    tiles: Vec<Tile>,
    chart: String,
    buckets: Vec<(Period, Split)>,
    bot: Split,
    agent: Split,
    min_sample: i64,
}

impl ReportView {
    fn pct(&self, share: Option<f64>) -> String {
        percent(share)
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
            definition: "Conversations whose latest close falls in the period, by the team's time zone.",
            href: data.closed_list().href(),
            id: "tile-closed",
        },
        Tile {
            label: "Resolved share",
            value: percent(now.share()),
            trend: trend_of_share(now.share(), was.share()),
            definition: "Resolved among those closed conversations, by their current outcome.",
            href: data.closed_list().with_outcome(Some(Outcome::Resolved)).href(),
            id: "tile-resolved",
        },
        Tile {
            label: "Resolved by the bot alone",
            value: percent(now_bot.share()),
            trend: trend_of_share(now_bot.share(), was_bot.share()),
            definition: "Resolved share of closed conversations no agent took part in.",
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
            definition: "Times a conversation went from the bot to the waiting queue (asked for a person, or the bot could not answer), by when it happened.",
            href: ListQuery::escalated_in(data.period).href(),
            id: "tile-escalations",
        },
        Tile {
            label: "Outcomes changed",
            value: data.changed.0.to_string(),
            trend: trend_of_count(data.changed.0, data.changed.1),
            definition: "Changes of outcome after the first close, by when the change was made.",
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
    match load(&pool, &query).await? {
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
            let report = ReportView {
                tiles: tiles(&data),
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
