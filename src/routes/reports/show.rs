//! `GET /reports`: tiles with trends, the outcome chart, bot alone versus with an agent, members
//! and knowledge-base articles.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::{load, ReportData, ReportQuery, MIN_SAMPLE};
use crate::db::Pool;
use crate::domain::report::{percent, trend_of_count, trend_of_share, Period, Split};
use crate::error::AppError;
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

    fn href(&self, bucket: &Period, extra: &str) -> String {
        self.data.list_href(Some(*bucket), extra)
    }

    fn period_href(&self, extra: &str) -> String {
        self.data.list_href(None, extra)
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
            href: data.list_href(None, ""),
            id: "tile-closed",
        },
        Tile {
            label: "Resolved share",
            value: percent(now.share()),
            trend: trend_of_share(now.share(), was.share()),
            definition: "Resolved among those closed conversations, by their current outcome.",
            href: data.list_href(None, "&outcome=resolved"),
            id: "tile-resolved",
        },
        Tile {
            label: "Resolved by the bot alone",
            value: percent(now_bot.share()),
            trend: trend_of_share(now_bot.share(), was_bot.share()),
            definition: "Resolved share of closed conversations no agent took part in.",
            href: data.list_href(None, "&involved=bot&outcome=resolved"),
            id: "tile-bot",
        },
        Tile {
            label: "Escalations to the team",
            value: data.escalations.0.to_string(),
            trend: trend_of_count(data.escalations.0, data.escalations.1),
            definition: "Times a conversation went from the bot to the waiting queue (asked for a person, or the bot could not answer), by when it happened.",
            href: format!("/conversations?escalated_from={}&escalated_to={}", data.period.from, data.period.to),
            id: "tile-escalations",
        },
        Tile {
            label: "Outcomes changed",
            value: data.changed.0.to_string(),
            trend: trend_of_count(data.changed.0, data.changed.1),
            definition: "Changes of outcome after the first close, by when the change was made.",
            href: format!("/conversations?changed_from={}&changed_to={}", data.period.from, data.period.to),
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
