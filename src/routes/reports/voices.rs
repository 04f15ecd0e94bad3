//! The customer's side of Reports: resolved closes that stayed resolved (once the came-back
//! window has passed; provisional before), customers who came back, their verdicts and the
//! disagreements with the team's outcome. Read from the per-day counters, split by closer and by
//! whether an agent took part, plus the latest disagreements themselves.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::AnyConnection;
use crate::domain::outcomes::settled_through;
use crate::domain::report::Period;
use crate::domain::voices::Voices;
use crate::models::report_count::ReportCount;
use crate::models::verdict::{Disagreement, VerdictRow};

/// How many disagreements the page lists (the link shows them all).
pub const DISAGREEMENTS_SHOWN: i64 = 20;

pub struct CustomerSide {
    pub total: Voices,
    /// Conversations no agent took part in.
    pub bot_alone: Voices,
    /// By who closed last (0: nobody, e.g. automatic closing).
    pub by_member: HashMap<i64, Voices>,
    /// The days of the period whose came-back window has passed.
    pub settled: Option<Period>,
    pub settled_voices: Voices,
    /// The team's came-back window, in days.
    pub window_days: i32,
    pub disagreements: Vec<Disagreement>,
}

impl CustomerSide {
    /// Resolved closes of the period still inside their came-back window.
    pub fn provisional_resolved(&self) -> i64 {
        self.total.closed.resolved - self.settled_voices.closed.resolved
    }
}

fn add_rows(conn: &mut AnyConnection, period: Period) -> diesel::QueryResult<Voices> {
    let mut voices = Voices::default();
    for (metric, _, _, outcome, n) in ReportCount::voices(conn, period.from, period.to)? {
        voices.add(metric, outcome, n);
    }
    Ok(voices)
}

/// Reads the customer's side of `period` on `today`, with the team's window of `window_days`.
pub fn read(
    conn: &mut AnyConnection,
    period: Period,
    today: NaiveDate,
    window_days: i32,
) -> diesel::QueryResult<CustomerSide> {
    let mut total = Voices::default();
    let mut bot_alone = Voices::default();
    let mut by_member: HashMap<i64, Voices> = HashMap::new();
    for (metric, closer, agent_involved, outcome, n) in
        ReportCount::voices(conn, period.from, period.to)?
    {
        total.add(metric, outcome, n);
        if !agent_involved {
            bot_alone.add(metric, outcome, n);
        }
        by_member.entry(closer).or_default().add(metric, outcome, n);
    }
    let last_settled = settled_through(today, window_days).min(period.to);
    let settled = (last_settled >= period.from).then_some(Period {
        from: period.from,
        to: last_settled,
    });
    let settled_voices = match settled {
        Some(settled) => add_rows(conn, settled)?,
        None => Voices::default(),
    };
    let disagreements =
        VerdictRow::disagreements(conn, period.from, period.to, DISAGREEMENTS_SHOWN)?;
    Ok(CustomerSide {
        total,
        bot_alone,
        by_member,
        settled,
        settled_voices,
        window_days,
        disagreements,
    })
}
