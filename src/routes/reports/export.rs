//! `GET /reports/{table}.csv`: every table of the report as CSV, for spreadsheets.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::{load, ReportQuery};
use crate::db::Pool;
use crate::domain::report::{percent, Split};
use crate::error::AppError;

/// Makes a cell safe for spreadsheets: text that starts like a formula is prefixed with `'`,
/// and cells with separators or quotes are quoted.
pub fn cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

fn line(cells: &[String]) -> String {
    let mut row = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    row.push_str("\r\n");
    row
}

fn split_cells(split: &Split) -> [String; 4] {
    [
        split.closed().to_string(),
        split.resolved.to_string(),
        split.unresolved.to_string(),
        percent(split.share()),
    ]
}

pub async fn export(
    path: web::Path<String>,
    query: web::Query<ReportQuery>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let table = path.into_inner();
    let data = match load(&pool, &query).await? {
        Ok(data) => data,
        Err(errors) => return Err(AppError::BadRequest(errors.join(" "))),
    };
    let mut csv = String::new();
    match table.as_str() {
        "outcomes" => {
            csv += &line(&[
                "from".into(),
                "to".into(),
                "closed".into(),
                "resolved".into(),
                "unresolved".into(),
                "resolved share".into(),
            ]);
            for (bucket, split) in data.buckets() {
                let mut cells = vec![bucket.from.to_string(), bucket.to.to_string()];
                cells.extend(split_cells(&split));
                csv += &line(&cells);
            }
        }
        "handled-by" => {
            let (bot, agent) = data.counts.split_in(data.period);
            csv += &line(&[
                "handled by".into(),
                "closed".into(),
                "resolved".into(),
                "unresolved".into(),
                "resolved share".into(),
            ]);
            for (name, split) in [("Bot alone", bot), ("With an agent", agent)] {
                let mut cells = vec![name.to_owned()];
                cells.extend(split_cells(&split));
                csv += &line(&cells);
            }
        }
        "members" => {
            csv += &line(&[
                "member".into(),
                "closed".into(),
                "resolved".into(),
                "unresolved".into(),
                "resolved share".into(),
                "outcomes changed".into(),
            ]);
            for member in &data.members {
                let mut cells = vec![member.name.clone()];
                cells.extend(split_cells(&member.split));
                cells.push(member.changed.to_string());
                csv += &line(&cells);
            }
        }
        "articles" => {
            csv += &line(&[
                "article".into(),
                "linked conversations".into(),
                "unresolved".into(),
                "unresolved share".into(),
                "enough to judge".into(),
            ]);
            for article in &data.articles {
                csv += &line(&[
                    article.title.clone(),
                    article.split.closed().to_string(),
                    article.split.unresolved.to_string(),
                    percent(article.split.unresolved_share()),
                    if article.too_few() {
                        "no".into()
                    } else {
                        "yes".into()
                    },
                ]);
            }
        }
        _ => return Err(AppError::NotFound),
    }
    let filename = format!(
        "hearken-{table}-{}-to-{}.csv",
        data.period.from, data.period.to
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(csv))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell("@cmd"), "'@cmd");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("Refunds, returns"), "\"Refunds, returns\"");
        assert_eq!(cell("plain"), "plain");
    }
}
