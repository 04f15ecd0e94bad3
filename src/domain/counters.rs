//! The report counters' arithmetic: which per-day counters a lifecycle change moves. Pure, so the
//! rules that keep Reports exact (a changed outcome moves its conversation, a reopening removes
//! it) are tested without a database; `models::report_count` writes what this decides.

use chrono::NaiveDate;

use super::outcomes::Verdict;
use super::{text_enum, ConversationState, Outcome};

text_enum!(
    /// What a report counter counts.
    Metric {
        Closed => "closed",
        ArticleClosed => "article_closed",
        Escalated => "escalated",
        Changed => "changed",
        CameBack => "came_back",
        VerdictYes => "verdict_yes",
        VerdictNo => "verdict_no",
    }
);

/// Who closed, in the counters and the Conversations list's filter, when the customer did (by
/// confirming the bot's answer): no team member has this id.
pub const CLOSED_BY_CUSTOMER: i64 = -1;

/// One counter: a metric on a day, split by outcome, whether an agent took part, who closed
/// (0: closed automatically, or not split) and which article (0: not split).
#[derive(Clone, Copy, Debug)]
pub struct CounterKey {
    pub day: NaiveDate,
    pub metric: Metric,
    pub outcome: Option<Outcome>,
    pub agent_involved: bool,
    pub closed_by_id: i64,
    pub article_id: i64,
}

impl CounterKey {
    pub fn new(day: NaiveDate, metric: Metric) -> CounterKey {
        CounterKey {
            day,
            metric,
            outcome: None,
            agent_involved: false,
            closed_by_id: 0,
            article_id: 0,
        }
    }
}

/// Puts counter moves in one fixed order (the order of the counters' unique key), adding up
/// moves of the same counter: two transactions then lock the rows they share in the same order
/// and cannot deadlock on PostgreSQL.
pub fn in_lock_order(mut moves: Vec<(CounterKey, i64)>) -> Vec<(CounterKey, i64)> {
    let order = |key: &CounterKey| {
        (
            key.day,
            key.metric.as_str(),
            key.outcome.map_or("", Outcome::as_str),
            key.agent_involved,
            key.closed_by_id,
            key.article_id,
        )
    };
    moves.sort_by(|(a, _), (b, _)| order(a).cmp(&order(b)));
    let mut merged: Vec<(CounterKey, i64)> = Vec::with_capacity(moves.len());
    for (key, delta) in moves {
        match merged.last_mut() {
            Some((last, sum)) if order(last) == order(&key) => *sum += delta,
            _ => merged.push((key, delta)),
        }
    }
    merged
}

/// A closed conversation as the counters see it: counted once, in the team's local day of its
/// latest close, with its current outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counted {
    pub day: NaiveDate,
    pub outcome: Outcome,
    pub agent_involved: bool,
    /// `None` when it was closed automatically, [`CLOSED_BY_CUSTOMER`] when the customer
    /// confirmed the bot's answer.
    pub closed_by_id: Option<i64>,
    /// Whether the customer came back within the team's window after a close.
    pub came_back: bool,
    /// The customer's own verdict, if they gave one.
    pub verdict: Option<Verdict>,
    /// Seconds from the start of the conversation to this close (its resolution time).
    pub resolved_in: i64,
}

/// A conversation's side of a change: its state and, when closed, how it is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub state: ConversationState,
    pub counted: Option<Counted>,
}

/// One move of the counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterChange {
    /// The conversation counted in (`delta` 1) or out of (-1) its day; the articles it cited
    /// move with it.
    Closed { counted: Counted, delta: i64 },
    /// An outcome changed by closing again.
    Changed {
        day: NaiveDate,
        outcome: Outcome,
        by: Option<i64>,
    },
    /// The conversation left the bot for the team's queue.
    Escalated { day: NaiveDate },
}

/// The counters a change from `before` to `after` moves, `today` being the team's local day of
/// the change.
pub fn counter_changes(before: Standing, after: Standing, today: NaiveDate) -> Vec<CounterChange> {
    use ConversationState::*;
    let mut changes = Vec::new();
    if let (Closed, Some(counted)) = (before.state, before.counted) {
        changes.push(CounterChange::Closed { counted, delta: -1 });
    }
    if let (Closed, Some(counted)) = (after.state, after.counted) {
        changes.push(CounterChange::Closed { counted, delta: 1 });
        if before.state == Closed {
            changes.push(CounterChange::Changed {
                day: today,
                outcome: counted.outcome,
                by: counted.closed_by_id,
            });
        }
    }
    if before.state == Bot && after.state == Waiting {
        changes.push(CounterChange::Escalated { day: today });
    }
    changes
}

/// The counters moved when something about a closed conversation other than its state changes
/// (the customer came back, or gave their verdict): it moves out of its old split and into the
/// new one, which adds up to the new figure alone; no change of outcome is counted.
pub fn restated(before: Counted, after: Counted) -> Vec<CounterChange> {
    vec![
        CounterChange::Closed {
            counted: before,
            delta: -1,
        },
        CounterChange::Closed {
            counted: after,
            delta: 1,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConversationState::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn counted(d: u32, outcome: Outcome, by: Option<i64>) -> Option<Counted> {
        Some(Counted {
            day: day(d),
            outcome,
            agent_involved: true,
            closed_by_id: by,
            came_back: false,
            verdict: None,
            resolved_in: 3600,
        })
    }

    fn open(state: ConversationState) -> Standing {
        Standing {
            state,
            counted: None,
        }
    }

    fn closed(counted: Option<Counted>) -> Standing {
        Standing {
            state: Closed,
            counted,
        }
    }

    #[test]
    fn counters_move_in_one_order_whatever_the_change() {
        let key = |metric, outcome| CounterKey {
            outcome: Some(outcome),
            ..CounterKey::new(day(3), metric)
        };
        use Outcome::*;
        // Resolved to Unresolved and back list the same counters in opposite orders...
        let forward = vec![
            (key(Metric::Closed, Resolved), -1),
            (key(Metric::ArticleClosed, Resolved), -1),
            (key(Metric::Closed, Unresolved), 1),
            (key(Metric::ArticleClosed, Unresolved), 1),
        ];
        let backward = vec![
            (key(Metric::Closed, Unresolved), -1),
            (key(Metric::ArticleClosed, Unresolved), -1),
            (key(Metric::Closed, Resolved), 1),
            (key(Metric::ArticleClosed, Resolved), 1),
            (key(Metric::Closed, Resolved), 1),
        ];
        let order = |moves: Vec<(CounterKey, i64)>| -> Vec<(Metric, Option<Outcome>, i64)> {
            in_lock_order(moves)
                .into_iter()
                .map(|(k, delta)| (k.metric, k.outcome, delta))
                .collect()
        };
        // ...and are written in the same order, repeated counters added up.
        use Metric::{ArticleClosed as A, Closed as C};
        assert_eq!(
            order(forward),
            vec![
                (A, Some(Resolved), -1),
                (A, Some(Unresolved), 1),
                (C, Some(Resolved), -1),
                (C, Some(Unresolved), 1)
            ]
        );
        assert_eq!(
            order(backward),
            vec![
                (A, Some(Resolved), 1),
                (A, Some(Unresolved), -1),
                (C, Some(Resolved), 2),
                (C, Some(Unresolved), -1)
            ]
        );
    }

    #[test]
    fn each_change_moves_exactly_its_counters() {
        use CounterChange as C;
        use Outcome::*;
        let resolved_2 = counted(2, Resolved, Some(7));
        let unresolved_5 = counted(5, Unresolved, Some(9));
        // (before, after, counters moved), the change happening on day 5.
        let table: Vec<(Standing, Standing, Vec<CounterChange>)> = vec![
            // Escalation counts once, in the day it happens.
            (open(Bot), open(Waiting), vec![C::Escalated { day: day(5) }]),
            // Taking over, handing back: nothing to count.
            (open(Waiting), open(Agent), vec![]),
            (open(Bot), open(Agent), vec![]),
            (open(Agent), open(Bot), vec![]),
            // A first close counts the conversation in its day.
            (
                open(Agent),
                closed(unresolved_5),
                vec![C::Closed {
                    counted: unresolved_5.unwrap(),
                    delta: 1,
                }],
            ),
            // A change of outcome moves it from its old day and outcome to today's, and counts
            // the change itself for who made it.
            (
                closed(resolved_2),
                closed(unresolved_5),
                vec![
                    C::Closed {
                        counted: resolved_2.unwrap(),
                        delta: -1,
                    },
                    C::Closed {
                        counted: unresolved_5.unwrap(),
                        delta: 1,
                    },
                    C::Changed {
                        day: day(5),
                        outcome: Unresolved,
                        by: Some(9),
                    },
                ],
            ),
            // Reopening takes it out of the reports.
            (
                closed(resolved_2),
                open(Bot),
                vec![C::Closed {
                    counted: resolved_2.unwrap(),
                    delta: -1,
                }],
            ),
            // A closed conversation that was never counted (data from before the counters)
            // is not taken out of anything.
            (closed(None), open(Bot), vec![]),
        ];
        for (before, after, expected) in table {
            assert_eq!(
                counter_changes(before, after, day(5)),
                expected,
                "{before:?} -> {after:?}"
            );
        }
    }
}
