//! "Did the edit help?" for the articles Reports lists and for an article's own page: each
//! edited article's conversations before and after its last edit, from the per-day counters.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use crate::db::AnyConnection;
use crate::domain::edit_effect::{EditEffect, SIDE_DAYS};
use crate::domain::report::Period;
use crate::domain::time::local_day;
use crate::models::report_count::ReportCount;
use crate::routes::conversations::list_query::ListQuery;

/// The effect of the last edit of each article given as (id, created, last updated); articles
/// never edited since they were written have none.
pub fn effects(
    conn: &mut AnyConnection,
    articles: &[(i64, NaiveDateTime, NaiveDateTime)],
    zone: Tz,
    today: NaiveDate,
) -> diesel::QueryResult<HashMap<i64, EditEffect>> {
    let edited: Vec<(i64, NaiveDate)> = articles
        .iter()
        .filter(|(_, created, updated)| updated > created)
        .map(|(id, _, updated)| (*id, local_day(*updated, zone)))
        .collect();
    let Some(first) = edited.iter().map(|(_, day)| *day).min() else {
        return Ok(HashMap::new());
    };
    let ids: Vec<i64> = edited.iter().map(|(id, _)| *id).collect();
    let mut days: HashMap<i64, Vec<(NaiveDate, crate::domain::Outcome, i64)>> = HashMap::new();
    let from = first - chrono::Duration::days(SIDE_DAYS);
    for (article, day, outcome, n) in ReportCount::article_days(conn, &ids, from, today)? {
        days.entry(article).or_default().push((day, outcome, n));
    }
    Ok(edited
        .into_iter()
        .map(|(id, day)| {
            let rows = days.remove(&id).unwrap_or_default();
            (id, EditEffect::from_days(id, day, today, rows))
        })
        .collect())
}

/// The closed conversations citing `article` counted on one side of its edit.
pub fn side_link(effect: &EditEffect, side: &Period) -> String {
    ListQuery::closed_in(*side)
        .with_article(effect.article_id)
        .href()
}
