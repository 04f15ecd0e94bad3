//! Failed sign-in attempts, counted per email address and per client address to slow down
//! password guessing. An attempt is counted before its password is checked and forgotten when
//! the password was right, so concurrent guesses cannot slip past the count.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::sign_in_failures;
use crate::db::{per_backend, write_transaction, AnyConnection};

/// Failures allowed per email address in the window before sign-in for it pauses.
pub const ALLOWED_FAILURES: i64 = 5;
/// Failures allowed per client address in the window, across all email addresses.
pub const ALLOWED_FAILURES_PER_CLIENT: i64 = 20;
/// The window over which failures are counted, and the pause once it is exceeded.
pub const WINDOW_MINUTES: i64 = 15;

pub struct SignInFailure;

/// The answer to "may this attempt check a password?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reservation {
    /// Counted as a failure already; clear it if the password turns out right.
    Reserved,
    /// Too many failures for this email address, until then.
    EmailPaused(NaiveDateTime),
    /// Too many failures from this client address, until then.
    ClientPaused(NaiveDateTime),
}

impl SignInFailure {
    /// Counts an attempt for `email` from `client` as failed unless either is paused. Runs under
    /// a lock, so of many concurrent attempts only the allowed number are reserved.
    pub fn reserve(
        conn: &mut AnyConnection,
        email: &str,
        client: &str,
    ) -> QueryResult<Reservation> {
        write_transaction(conn, |conn| {
            per_backend::lock_sign_in_attempts(conn)?;
            let now = super::now();
            let window_start = now - Duration::minutes(WINDOW_MINUTES);
            let recent_from_client: Vec<NaiveDateTime> = sign_in_failures::table
                .filter(sign_in_failures::client_address.eq(client))
                .filter(sign_in_failures::failed_at.gt(window_start))
                .order(sign_in_failures::failed_at.desc())
                .select(sign_in_failures::failed_at)
                .limit(ALLOWED_FAILURES_PER_CLIENT)
                .load(conn)?;
            if let Some(until) = pause_end(&recent_from_client, ALLOWED_FAILURES_PER_CLIENT) {
                return Ok(Reservation::ClientPaused(until));
            }
            let recent_for_email: Vec<NaiveDateTime> = sign_in_failures::table
                .filter(sign_in_failures::email.eq(email))
                .filter(sign_in_failures::failed_at.gt(window_start))
                .order(sign_in_failures::failed_at.desc())
                .select(sign_in_failures::failed_at)
                .limit(ALLOWED_FAILURES)
                .load(conn)?;
            if let Some(until) = pause_end(&recent_for_email, ALLOWED_FAILURES) {
                return Ok(Reservation::EmailPaused(until));
            }
            diesel::insert_into(sign_in_failures::table)
                .values((
                    sign_in_failures::email.eq(email),
                    sign_in_failures::client_address.eq(client),
                    sign_in_failures::failed_at.eq(now),
                ))
                .execute(conn)?;
            Ok(Reservation::Reserved)
        })
    }

    /// Forgets failures older than the window, for every address.
    pub fn forget_old(conn: &mut AnyConnection) -> QueryResult<usize> {
        let window_start = super::now() - Duration::minutes(WINDOW_MINUTES);
        diesel::delete(sign_in_failures::table.filter(sign_in_failures::failed_at.le(window_start)))
            .execute(conn)
    }

    /// Forgets every failure for `email`: after a right password, or a new one set by an admin.
    pub fn clear(conn: &mut AnyConnection, email: &str) -> QueryResult<usize> {
        diesel::delete(sign_in_failures::table.filter(sign_in_failures::email.eq(email)))
            .execute(conn)
    }
}

/// With `recent` the latest failures (newest first, at most `allowed`): when the pause ends, if
/// there is one. It lasts until the oldest of them leaves the window.
fn pause_end(recent: &[NaiveDateTime], allowed: i64) -> Option<NaiveDateTime> {
    if (recent.len() as i64) < allowed {
        return None;
    }
    recent
        .last()
        .map(|oldest| *oldest + Duration::minutes(WINDOW_MINUTES))
}
