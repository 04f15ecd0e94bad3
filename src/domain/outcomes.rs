//! Outcomes as the customer lived them: whether they came back within the team's window after a
//! close, and their own verdict ("Did we solve your problem?"), beside the outcome the team
//! chose. Pure rules; `models::verdict` and `models::conversation::came_back` write them.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::{text_enum, Outcome, SystemEvent};

text_enum!(
    /// The customer's answer to "Did we solve your problem?".
    Verdict { Yes => "yes", No => "no" }
);

text_enum!(
    /// Who a close (and so a verdict) is credited to.
    Closer { Member => "member", Bot => "bot", Automatic => "automatic" }
);

/// The longest comment a customer may add to their verdict.
pub const MAX_COMMENT_CHARS: usize = 1000;

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Yes => "Yes",
            Verdict::No => "No",
        }
    }

    /// The team's outcome this answer contradicts: No contradicts Resolved, Yes contradicts
    /// Unresolved.
    pub fn contradicts(self) -> Outcome {
        match self {
            Verdict::No => Outcome::Resolved,
            Verdict::Yes => Outcome::Unresolved,
        }
    }

    /// Whether the customer's answer contradicts the team's outcome: closed Resolved but the
    /// customer said No, or Unresolved but they said Yes. In SQL: `models::verdict::
    /// disagrees_with_outcome`.
    pub fn disagrees_with(self, outcome: Outcome) -> bool {
        outcome == self.contradicts()
    }
}

impl Closer {
    /// Who closed, from the member who closed last (if any) and the note of that close: a
    /// member; automatic closing; otherwise the bot (a close the customer confirmed with the
    /// bot alone writes its own note, never the automatic one).
    pub fn of(closed_by_id: Option<i64>, closing_note: Option<SystemEvent>) -> Closer {
        match (closed_by_id, closing_note) {
            (Some(_), _) => Closer::Member,
            (None, Some(SystemEvent::AutoClosed)) => Closer::Automatic,
            (None, _) => Closer::Bot,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Closer::Member => "a team member",
            Closer::Bot => "the bot alone",
            Closer::Automatic => "automatic closing",
        }
    }
}

/// A verdict as typed: the answer and an optional comment.
pub fn parse_verdict(
    answer: &str,
    comment: &str,
) -> Result<(Verdict, Option<String>), &'static str> {
    let Ok(answer) = answer.parse::<Verdict>() else {
        return Err("Choose Yes or No.");
    };
    let comment = comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err("A comment can be at most 1000 characters.");
    }
    if !super::text::free_of_control_characters(comment, true) {
        return Err("A comment cannot contain control characters.");
    }
    Ok((answer, (!comment.is_empty()).then(|| comment.to_owned())))
}

/// Whether a conversation started at `started` follows one closed at `closed_at`: within the
/// team's window of `days` days after the close.
pub fn within_window(closed_at: NaiveDateTime, started: NaiveDateTime, days: i32) -> bool {
    started >= closed_at && started - closed_at <= Duration::days(i64::from(days))
}

/// The last report day whose closes are settled on `today`: every close of that day or before
/// has had its whole window of `days` days (a close late on day D may be followed until D + days).
pub fn settled_through(today: NaiveDate, days: i32) -> NaiveDate {
    today - Duration::days(i64::from(days) + 1)
}

/// "N hours" (or minutes, or days) between a close and the customer's return, for the view.
pub fn came_back_after(closed_at: NaiveDateTime, came_back_at: NaiveDateTime) -> String {
    let gap = (came_back_at - closed_at).max(Duration::zero());
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if gap < Duration::hours(1) {
        plural(gap.num_minutes(), "minute")
    } else if gap < Duration::hours(48) {
        plural(gap.num_hours(), "hour")
    } else {
        plural(gap.num_days(), "day")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    }

    #[test]
    fn verdicts_disagree_only_against_the_other_outcome() {
        use Outcome::*;
        #[rustfmt::skip]
        let table = [
            (Resolved,   Verdict::Yes, false),
            (Resolved,   Verdict::No,  true),
            (Unresolved, Verdict::Yes, true),
            (Unresolved, Verdict::No,  false),
        ];
        for (outcome, verdict, disagrees) in table {
            assert_eq!(
                verdict.disagrees_with(outcome),
                disagrees,
                "{outcome:?} {verdict:?}"
            );
        }
    }

    #[test]
    fn closes_are_credited_to_who_closed() {
        #[rustfmt::skip]
        let table = [
            (Some(4), Some(SystemEvent::Closed),     Closer::Member),
            (None,    Some(SystemEvent::AutoClosed), Closer::Automatic),
            (None,    Some(SystemEvent::Closed),     Closer::Bot),
            (None,    None,                          Closer::Bot),
        ];
        for (by, note, closer) in table {
            assert_eq!(Closer::of(by, note), closer, "{by:?} {note:?}");
        }
    }

    #[test]
    fn the_window_counts_from_the_close() {
        #[rustfmt::skip]
        let table = [
            (at(1, 10), at(1, 11), 3, true),
            (at(1, 10), at(4, 10), 3, true),
            (at(1, 10), at(4, 11), 3, false),
            (at(1, 10), at(1, 9),  3, false),
            (at(1, 10), at(2, 11), 1, false),
        ];
        for (closed, started, days, within) in table {
            assert_eq!(
                within_window(closed, started, days),
                within,
                "{closed} {started} {days}"
            );
        }
        let today = at(10, 0).date();
        assert_eq!(settled_through(today, 3), at(6, 0).date());
        assert_eq!(came_back_after(at(1, 10), at(2, 16)), "30 hours");
        assert_eq!(came_back_after(at(1, 10), at(5, 10)), "4 days");
    }

    #[test]
    fn a_verdict_is_checked() {
        assert_eq!(parse_verdict("yes", "  "), Ok((Verdict::Yes, None)));
        assert_eq!(
            parse_verdict("no", " Still broken "),
            Ok((Verdict::No, Some("Still broken".to_owned())))
        );
        assert_eq!(parse_verdict("maybe", ""), Err("Choose Yes or No."));
        assert!(parse_verdict("no", &"x".repeat(1001)).is_err());
    }
}
