//! "Did the edit help?": for a knowledge-base article, the unresolved share of the closed
//! conversations that cited it in the 30 days before the day of its last edit and in the 30 days
//! after (the edit's own day is left out, as it mixes both versions), counted by the day of their
//! latest close. Below a minimum on either side it is too few to judge.

use chrono::{Duration, NaiveDate};

use super::report::{Period, Split};
use super::Outcome;

/// Days compared on each side of the edit.
pub const SIDE_DAYS: i64 = 30;
/// Fewer conversations than this on a side are too few to judge.
pub const MIN_PER_SIDE: i64 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EditEffect {
    /// The article edited.
    pub article_id: i64,
    /// The team's local day of the last edit.
    pub edited: NaiveDate,
    pub before: Split,
    pub after: Split,
    /// The days each side counts.
    pub before_days: Period,
    pub after_days: Period,
}

impl EditEffect {
    /// The days before the edit, and those after it up to `today`.
    pub fn sides(edited: NaiveDate, today: NaiveDate) -> (Period, Period) {
        (
            Period {
                from: edited - Duration::days(SIDE_DAYS),
                to: edited - Duration::days(1),
            },
            Period {
                from: edited + Duration::days(1),
                to: (edited + Duration::days(SIDE_DAYS)).min(today.max(edited)),
            },
        )
    }

    /// Sums `(day, outcome, conversations)` counters of the article into its two sides.
    pub fn from_days(
        article_id: i64,
        edited: NaiveDate,
        today: NaiveDate,
        days: impl IntoIterator<Item = (NaiveDate, Outcome, i64)>,
    ) -> EditEffect {
        let (before_days, after_days) = Self::sides(edited, today);
        let mut effect = EditEffect {
            article_id,
            edited,
            before: Split::default(),
            after: Split::default(),
            before_days,
            after_days,
        };
        for (day, outcome, n) in days {
            if day >= before_days.from && day <= before_days.to {
                effect.before.add(outcome, n);
            } else if day >= after_days.from && day <= after_days.to {
                effect.after.add(outcome, n);
            }
        }
        effect
    }

    pub fn too_few(&self) -> bool {
        self.before.closed() < MIN_PER_SIDE || self.after.closed() < MIN_PER_SIDE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_side_counts_its_own_days() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let rows = vec![
            (day(5), Outcome::Unresolved, 8),
            (day(9), Outcome::Resolved, 4),
            // The edit's day is on neither side.
            (day(10), Outcome::Resolved, 50),
            (day(11), Outcome::Resolved, 9),
            (day(20), Outcome::Unresolved, 1),
            // After today: not yet.
            (day(25), Outcome::Unresolved, 7),
        ];
        let effect = EditEffect::from_days(7, day(10), day(21), rows);
        assert_eq!((effect.before.unresolved, effect.before.resolved), (8, 4));
        assert_eq!((effect.after.unresolved, effect.after.resolved), (1, 9));
        assert!(!effect.too_few());
        let (_, after) = EditEffect::sides(day(10), day(21));
        assert_eq!(after.to, day(21));
    }
}
