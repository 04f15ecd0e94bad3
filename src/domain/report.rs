//! Report periods, buckets and figures: plain arithmetic over the per-day counters.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

use super::Outcome;

/// A range of the team's local days, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The last `days` days, today included.
    pub fn last(days: i64, today: NaiveDate) -> Period {
        Period {
            from: today - Duration::days(days - 1),
            to: today,
        }
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Period {
        Period {
            from: self.from - Duration::days(self.days()),
            to: self.from - Duration::days(1),
        }
    }

    /// Consecutive buckets covering the period; weeks start on Monday and are cut at its ends.
    pub fn buckets(&self, by: Granularity) -> Vec<Period> {
        let mut buckets = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let end = match by {
                Granularity::Day => start,
                Granularity::Week => {
                    let to_sunday = 6 - i64::from(start.weekday().num_days_from_monday());
                    (start + Duration::days(to_sunday)).min(self.to)
                }
            };
            buckets.push(Period {
                from: start,
                to: end,
            });
            start = end + Duration::days(1);
        }
        buckets
    }

    pub fn label(&self) -> String {
        if self.from == self.to {
            self.from.format("%b %-d").to_string()
        } else {
            format!(
                "{} – {}",
                self.from.format("%b %-d"),
                self.to.format("%b %-d")
            )
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    Day,
    Week,
}

impl Granularity {
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
        }
    }
}

/// Closed conversations split by outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Split {
    pub resolved: i64,
    pub unresolved: i64,
}

impl Split {
    pub fn add(&mut self, outcome: Outcome, n: i64) {
        match outcome {
            Outcome::Resolved => self.resolved += n,
            Outcome::Unresolved => self.unresolved += n,
        }
    }

    pub fn closed(&self) -> i64 {
        self.resolved + self.unresolved
    }

    /// Resolved share in per cent, or None when nothing closed.
    pub fn share(&self) -> Option<f64> {
        (self.closed() > 0).then(|| self.resolved as f64 * 100.0 / self.closed() as f64)
    }

    /// Unresolved share in per cent, or None when nothing closed.
    pub fn unresolved_share(&self) -> Option<f64> {
        self.share().map(|s| 100.0 - s)
    }
}

/// Every closed count of a period, by day and by whether an agent took part.
#[derive(Clone, Debug, Default)]
pub struct ClosedCounts {
    pub by_day: BTreeMap<NaiveDate, (Split, Split)>,
}

impl ClosedCounts {
    /// From counter rows (day, outcome, agent involved, count).
    pub fn from_rows(rows: impl IntoIterator<Item = (NaiveDate, Outcome, bool, i64)>) -> Self {
        let mut counts = ClosedCounts::default();
        for (day, outcome, agent_involved, n) in rows {
            let entry = counts.by_day.entry(day).or_default();
            if agent_involved {
                entry.1.add(outcome, n);
            } else {
                entry.0.add(outcome, n);
            }
        }
        counts
    }

    /// (bot alone, with an agent) within `period`.
    pub fn split_in(&self, period: Period) -> (Split, Split) {
        let mut bot = Split::default();
        let mut agent = Split::default();
        for (_, (b, a)) in self.by_day.range(period.from..=period.to) {
            bot.resolved += b.resolved;
            bot.unresolved += b.unresolved;
            agent.resolved += a.resolved;
            agent.unresolved += a.unresolved;
        }
        (bot, agent)
    }

    pub fn total_in(&self, period: Period) -> Split {
        let (bot, agent) = self.split_in(period);
        Split {
            resolved: bot.resolved + agent.resolved,
            unresolved: bot.unresolved + agent.unresolved,
        }
    }
}

/// How a figure moved against the previous period, as people read it.
pub fn trend_of_count(current: i64, previous: i64) -> String {
    if previous == 0 {
        return if current == 0 {
            "no change".to_owned()
        } else {
            "none in the previous period".to_owned()
        };
    }
    let change = (current - previous) as f64 * 100.0 / previous as f64;
    match change.round() as i64 {
        0 => "no change".to_owned(),
        c if c > 0 => format!("+{c}% vs previous period"),
        c => format!("{c}% vs previous period"),
    }
}

/// The change of a share, in percentage points.
pub fn trend_of_share(current: Option<f64>, previous: Option<f64>) -> String {
    match (current, previous) {
        (Some(c), Some(p)) => {
            let points = c - p;
            if points.abs() < 0.05 {
                "no change".to_owned()
            } else {
                format!(
                    "{}{:.1} pts vs previous period",
                    if points > 0.0 { "+" } else { "" },
                    points
                )
            }
        }
        _ => "no previous figure".to_owned(),
    }
}

/// A share for display: "84.2%" or "–".
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_owned(), |s| format!("{s:.1}%"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn periods_and_buckets() {
        let period = Period::last(7, day(11, 25));
        assert_eq!(period.from, day(11, 19));
        assert_eq!(
            period.previous(),
            Period {
                from: day(11, 12),
                to: day(11, 18)
            }
        );
        assert_eq!(period.buckets(Granularity::Day).len(), 7);
        // Thu 19 .. Wed 25: Thu–Sun, then Mon–Wed.
        let weeks = period.buckets(Granularity::Week);
        assert_eq!(
            weeks,
            vec![
                Period {
                    from: day(11, 19),
                    to: day(11, 22)
                },
                Period {
                    from: day(11, 23),
                    to: day(11, 25)
                },
            ]
        );
    }

    #[test]
    fn shares_and_trends() {
        let split = Split {
            resolved: 3,
            unresolved: 1,
        };
        assert_eq!(split.share(), Some(75.0));
        assert_eq!(Split::default().share(), None);
        assert_eq!(trend_of_count(12, 10), "+20% vs previous period");
        assert_eq!(trend_of_count(0, 0), "no change");
        assert_eq!(
            trend_of_share(Some(80.0), Some(75.0)),
            "+5.0 pts vs previous period"
        );
        assert_eq!(percent(Some(84.25)), "84.2%");
    }
}
