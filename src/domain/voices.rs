//! What customers said and did about a set of closed conversations, from the report counters:
//! closes, returns within the window, verdicts, disagreements.

use super::counters::Metric;
use super::report::Split;
use super::Outcome;

/// What customers said and did about a set of closed conversations (all, the bot alone's, one
/// member's), each split by the conversation's current outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Voices {
    pub closed: Split,
    pub came_back: Split,
    pub yes: Split,
    pub no: Split,
}

impl Voices {
    /// Adds `n` of the counter `metric` with `outcome`; other metrics are not the customer's.
    pub fn add(&mut self, metric: Metric, outcome: Outcome, n: i64) {
        match metric {
            Metric::Closed => self.closed.add(outcome, n),
            Metric::CameBack => self.came_back.add(outcome, n),
            Metric::VerdictYes => self.yes.add(outcome, n),
            Metric::VerdictNo => self.no.add(outcome, n),
            Metric::ArticleClosed | Metric::Escalated | Metric::Changed => {}
        }
    }

    /// Share (per cent) of closed conversations whose customer came back.
    pub fn came_back_share(&self) -> Option<f64> {
        share(self.came_back.closed(), self.closed.closed())
    }

    /// How many customers answered "Did we solve your problem?".
    pub fn answered(&self) -> i64 {
        self.yes.closed() + self.no.closed()
    }

    /// Share (per cent) of answers that were Yes.
    pub fn yes_share(&self) -> Option<f64> {
        share(self.yes.closed(), self.answered())
    }

    /// Closed Resolved but the customer said No, or Unresolved but they said Yes.
    pub fn disagreements(&self) -> i64 {
        self.no.resolved + self.yes.unresolved
    }

    /// Resolved closes whose customer did not come back within the window.
    pub fn stayed_resolved(&self) -> i64 {
        self.closed.resolved - self.came_back.resolved
    }

    /// Share (per cent) of resolved closes that stayed resolved.
    pub fn stayed_resolved_share(&self) -> Option<f64> {
        share(self.stayed_resolved(), self.closed.resolved)
    }
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voices_add_up_as_their_definitions_say() {
        let mut voices = Voices::default();
        #[rustfmt::skip]
        let counters = [
            (Metric::Closed,     Outcome::Resolved,   10),
            (Metric::Closed,     Outcome::Unresolved, 5),
            (Metric::CameBack,   Outcome::Resolved,   2),
            (Metric::CameBack,   Outcome::Unresolved, 1),
            (Metric::VerdictYes, Outcome::Resolved,   6),
            (Metric::VerdictYes, Outcome::Unresolved, 1),
            (Metric::VerdictNo,  Outcome::Resolved,   2),
            (Metric::VerdictNo,  Outcome::Unresolved, 3),
            (Metric::Escalated,  Outcome::Resolved,   99),
        ];
        for (metric, outcome, n) in counters {
            voices.add(metric, outcome, n);
        }
        assert_eq!(voices.came_back_share(), Some(20.0));
        assert_eq!(voices.answered(), 12);
        assert_eq!(
            voices.disagreements(),
            3,
            "2 resolved said no, 1 unresolved said yes"
        );
        assert_eq!(voices.stayed_resolved(), 8);
        assert_eq!(voices.stayed_resolved_share(), Some(80.0));
        assert_eq!(Voices::default().yes_share(), None);
    }
}
