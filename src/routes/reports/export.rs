//! `GET /reports/{table}.csv`: every table of the report as CSV, for spreadsheets.

use std::borrow::Cow;

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::{load, ReportQuery};
use crate::db::Pool;
use crate::domain::report::{percent, Split};
use crate::error::AppError;

/// Text that starts like a formula is prefixed with `'`, so a spreadsheet shows it instead of
/// running it.
pub fn neutralise(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// One CSV file being written. Every cell that is not a number is quoted: besides `,`, quotes
/// and line breaks, that covers `;` and tabs, which spreadsheets in some locales split on.
struct Sheet(csv::Writer<Vec<u8>>);

impl Sheet {
    fn new() -> Self {
        Sheet(
            csv::WriterBuilder::new()
                .quote_style(csv::QuoteStyle::NonNumeric)
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::new()),
        )
    }

    fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), AppError> {
        self.0
            .write_record(
                cells
                    .iter()
                    .map(|cell| neutralise(cell.as_ref()).into_owned()),
            )
            .map_err(|e| anyhow::anyhow!("could not write a CSV row: {e}").into())
    }

    fn finish(self) -> Result<Vec<u8>, AppError> {
        self.0
            .into_inner()
            .map_err(|e| anyhow::anyhow!("could not finish the CSV file: {e}").into())
    }
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
    req: actix_web::HttpRequest,
    path: web::Path<String>,
    query: web::Query<ReportQuery>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let table = path.into_inner();
    let settings = crate::routes::team_settings(&req, &pool).await?;
    let data = match load(&pool, settings, &query).await? {
        Ok(data) => data,
        Err(errors) => return Err(AppError::BadRequest(errors.join(" "))),
    };
    let mut sheet = Sheet::new();
    match table.as_str() {
        "outcomes" => {
            sheet.row(&[
                "from",
                "to",
                "closed",
                "resolved",
                "unresolved",
                "resolved share",
            ])?;
            for (bucket, split) in data.buckets() {
                let mut cells = vec![bucket.from.to_string(), bucket.to.to_string()];
                cells.extend(split_cells(&split));
                sheet.row(&cells)?;
            }
        }
        "handled-by" => {
            let (bot, agent) = data.counts.split_in(data.period);
            sheet.row(&[
                "handled by",
                "closed",
                "resolved",
                "unresolved",
                "resolved share",
            ])?;
            for (name, split) in [("Bot alone", bot), ("With an agent", agent)] {
                let mut cells = vec![name.to_owned()];
                cells.extend(split_cells(&split));
                sheet.row(&cells)?;
            }
        }
        "members" => {
            sheet.row(&[
                "member",
                "closed",
                "resolved",
                "unresolved",
                "resolved share",
                "outcomes changed",
            ])?;
            for member in &data.members {
                let mut cells = vec![member.name.clone()];
                cells.extend(split_cells(&member.split));
                cells.push(member.changed.to_string());
                sheet.row(&cells)?;
            }
        }
        "articles" => {
            sheet.row(&[
                "article",
                "linked conversations",
                "unresolved",
                "unresolved share",
                "enough to judge",
            ])?;
            for article in &data.articles {
                sheet.row(&[
                    article.title.clone(),
                    article.split.closed().to_string(),
                    article.split.unresolved.to_string(),
                    percent(article.split.unresolved_share()),
                    if article.too_few() { "no" } else { "yes" }.to_owned(),
                ])?;
            }
        }
        "customers" => {
            sheet.row(&[
                "closed by",
                "closed",
                "came back",
                "came-back share",
                "answered",
                "said yes",
                "yes share",
                "disagreements",
            ])?;
            for line in super::show::voice_lines(&data) {
                let v = line.voices;
                sheet.row(&[
                    line.label,
                    v.closed.closed().to_string(),
                    v.came_back.closed().to_string(),
                    percent(v.came_back_share()),
                    v.answered().to_string(),
                    v.yes.closed().to_string(),
                    percent(v.yes_share()),
                    v.disagreements().to_string(),
                ])?;
            }
        }
        "times" => {
            sheet.row(&[
                "scope",
                "label",
                "first responses",
                "first response median seconds",
                "first response p90 seconds",
                "resolutions",
                "resolution median seconds",
                "resolution p90 seconds",
            ])?;
            let (buckets, members) = super::show::time_lines(&data);
            let seconds = |s: Option<i64>| s.map(|s| s.to_string()).unwrap_or_default();
            for (scope, lines) in [(data.by.as_str(), buckets), ("member", members)] {
                for line in lines {
                    let t = &line.times;
                    sheet.row(&[
                        scope.to_owned(),
                        line.label,
                        t.responses().to_string(),
                        seconds(t.response(0.5)),
                        seconds(t.response(0.9)),
                        t.resolutions().to_string(),
                        seconds(t.resolved(0.5)),
                        seconds(t.resolved(0.9)),
                    ])?;
                }
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
        .body(sheet.finish()?))
}

#[cfg(test)]
mod tests {
    use super::{neutralise, Sheet};

    fn written(cells: &[&str]) -> String {
        let mut sheet = Sheet::new();
        sheet.row(cells).unwrap();
        String::from_utf8(sheet.finish().unwrap()).unwrap()
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralise("@cmd"), "'@cmd");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("plain"), "plain");
    }

    #[test]
    fn text_is_quoted_and_numbers_are_not() {
        assert_eq!(
            written(&["Refunds, returns", "a;b", "a\tb", "say \"hi\"", "12", "50%"]),
            "\"Refunds, returns\",\"a;b\",\"a\tb\",\"say \"\"hi\"\"\",12,\"50%\"\r\n"
        );
    }
}
