//! Response and resolution times for Reports: medians and 90th percentiles per day or week, per
//! member and overall, read from the per-day histograms (`models::time_count`).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::db::AnyConnection;
use crate::domain::report::Period;
use crate::domain::times::{duration_label, Times};
use crate::models::time_count::TimeCount;

pub struct TimeFigures {
    pub total: Times,
    /// By member (0: nobody: automatic closing, or a close without a member).
    pub by_member: BTreeMap<i64, Times>,
    pub by_day: BTreeMap<NaiveDate, Times>,
}

impl TimeFigures {
    /// Every day of `bucket` together.
    pub fn in_bucket(&self, bucket: Period) -> Times {
        let mut times = Times::default();
        for (_, day) in self.by_day.range(bucket.from..=bucket.to) {
            times.merge(day);
        }
        times
    }
}

/// "12 min" for a quantile in seconds, "–" when there is nothing to measure.
pub fn label(seconds: Option<i64>) -> String {
    duration_label(seconds)
}

pub fn read(conn: &mut AnyConnection, period: Period) -> diesel::QueryResult<TimeFigures> {
    let mut figures = TimeFigures {
        total: Times::default(),
        by_member: BTreeMap::new(),
        by_day: BTreeMap::new(),
    };
    // Added up in the database: a 90-day period holds tens of thousands of counters.
    for (metric, member, bucket, n) in TimeCount::by_member(conn, period.from, period.to)? {
        figures.total.add(metric, bucket, n);
        let times = figures.by_member.entry(member).or_default();
        times.add(metric, bucket, n);
    }
    for (day, metric, bucket, n) in TimeCount::by_day(conn, period.from, period.to)? {
        figures
            .by_day
            .entry(day)
            .or_default()
            .add(metric, bucket, n);
    }
    Ok(figures)
}
