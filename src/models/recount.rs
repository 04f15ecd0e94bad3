//! Live counters against a recount: the recount is made inside a transaction that is rolled
//! back, so checking changes nothing.

use std::collections::HashSet;
use std::fmt::Debug;
use std::hash::Hash;

use chrono_tz::Tz;
use diesel::{Connection, QueryResult};

use crate::db::AnyConnection;

/// How `read` gives different rows before and after `rebuild` (in the team's time zone), as
/// sentences about each `what` (e.g. "report counter").
pub fn differences<R: Eq + Hash + Debug>(
    conn: &mut AnyConnection,
    what: &str,
    read: fn(&mut AnyConnection) -> QueryResult<Vec<R>>,
    rebuild: fn(&mut AnyConnection, Tz) -> QueryResult<()>,
) -> QueryResult<Vec<String>> {
    let live = read(conn)?;
    let zone = crate::models::team_settings::TeamSettings::get(conn)?
        .time_zone
        .tz();
    let mut recounted = Vec::new();
    let rolled_back = conn.transaction::<(), _, _>(|conn| {
        rebuild(conn, zone)?;
        recounted = read(conn)?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    match rolled_back {
        Err(diesel::result::Error::RollbackTransaction) | Ok(()) => {}
        Err(error) => return Err(error),
    }
    let (live_set, recounted_set): (HashSet<_>, HashSet<_>) =
        (live.iter().collect(), recounted.iter().collect());
    let mut said: Vec<String> = live
        .iter()
        .filter(|row| !recounted_set.contains(row))
        .map(|row| format!("{what} {row:?} is not what a recount gives"))
        .collect();
    said.extend(
        recounted
            .iter()
            .filter(|row| !live_set.contains(row))
            .map(|row| format!("a recount gives {what} {row:?}, which the live counters lack")),
    );
    Ok(said)
}
