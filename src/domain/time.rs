//! Times as people read them: relative ("4 minutes ago") with the exact time on hover, in the
//! team's time zone.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// "just now", "4 minutes ago", "3 hours ago", "2 days ago".
pub fn ago(at: NaiveDateTime, now: NaiveDateTime) -> String {
    let seconds = (now - at).num_seconds().max(0);
    let (n, unit) = match seconds {
        0..=44 => return "just now".to_owned(),
        45..=3599 => ((seconds + 30) / 60, "minute"),
        3600..=86_399 => (seconds / 3600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    let n = n.max(1);
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// "Waiting for 1 minute", "Waiting for 12 minutes".
pub fn waiting_for(since: NaiveDateTime, now: NaiveDateTime) -> String {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        0 => "Waiting for less than a minute".to_owned(),
        1 => "Waiting for 1 minute".to_owned(),
        n => format!("Waiting for {n} minutes"),
    }
}

/// The exact time in the team's zone, e.g. "2026-11-25 23:30 CET".
pub fn exact(at: NaiveDateTime, zone: Tz) -> String {
    zone.from_utc_datetime(&at)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string()
}

/// The team's local day of a UTC time.
pub fn local_day(at: NaiveDateTime, zone: Tz) -> chrono::NaiveDate {
    zone.from_utc_datetime(&at).date_naive()
}

/// When something happens (UTC), with the team's time zone, which decides the day the reports
/// count it on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub at: NaiveDateTime,
    pub zone: Tz,
}

impl Moment {
    /// The team's day this moment falls on.
    pub fn day(self) -> chrono::NaiveDate {
        local_day(self.at, self.zone)
    }
}

/// The first and last years a date in a form or link may have: reports and filters never need
/// more, and far-off years overflow the databases' date types and chrono's arithmetic.
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// A day written like 2026-11-25, in a year in `YEARS`.
pub fn parse_day(raw: &str) -> Option<chrono::NaiveDate> {
    use chrono::Datelike;
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .filter(|day| YEARS.contains(&day.year()))
}

/// Milliseconds since the epoch, for the small script that keeps times current.
pub fn epoch_millis(at: NaiveDateTime) -> i64 {
    at.and_utc().timestamp_millis()
}

/// The team's time zone, stored by its IANA name ("Europe/Berlin").
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct TeamZone(pub Tz);

impl TeamZone {
    pub fn as_str(self) -> &'static str {
        self.0.name()
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    /// `at` in this zone.
    pub fn at(self, at: NaiveDateTime) -> Moment {
        Moment { at, zone: self.0 }
    }
}

impl std::str::FromStr for TeamZone {
    type Err = std::convert::Infallible;

    /// A name chrono-tz does not know (a zone removed from the database after it was saved)
    /// reads as UTC rather than making every page fail.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(TeamZone(name.parse().unwrap_or(Tz::UTC)))
    }
}

impl From<Tz> for TeamZone {
    fn from(zone: Tz) -> Self {
        TeamZone(zone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_naturally() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        assert_eq!(ago(now, now), "just now");
        assert_eq!(
            ago(now - chrono::Duration::minutes(4), now),
            "4 minutes ago"
        );
        assert_eq!(ago(now - chrono::Duration::hours(1), now), "1 hour ago");
        assert_eq!(
            waiting_for(now - chrono::Duration::minutes(12), now),
            "Waiting for 12 minutes"
        );
        assert_eq!(
            exact(now, chrono_tz::Europe::Berlin),
            "2026-11-25 13:00 CET"
        );
    }
}
