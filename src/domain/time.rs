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

/// Milliseconds since the epoch, for the small script that keeps times current.
pub fn epoch_millis(at: NaiveDateTime) -> i64 {
    at.and_utc().timestamp_millis()
}

/// The team's zone, falling back to UTC for a name chrono-tz does not know.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
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
        assert_eq!(exact(now, zone("Europe/Berlin")), "2026-11-25 13:00 CET");
    }
}
