//! Failed sign-in attempts, counted per email address to slow down password guessing.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::sign_in_failures;
use crate::db::AnyConnection;

/// Failures allowed in the window before sign-in for that address pauses.
pub const ALLOWED_FAILURES: i64 = 5;
/// The window over which failures are counted, and the pause once it is exceeded.
pub const WINDOW_MINUTES: i64 = 15;

pub struct SignInFailure;

impl SignInFailure {
    pub fn record(conn: &mut AnyConnection, email: &str) -> QueryResult<()> {
        diesel::insert_into(sign_in_failures::table)
            .values((
                sign_in_failures::email.eq(email),
                sign_in_failures::failed_at.eq(super::now()),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// When sign-in for `email` may be tried again, if it is paused now.
    pub fn paused_until(
        conn: &mut AnyConnection,
        email: &str,
    ) -> QueryResult<Option<NaiveDateTime>> {
        let now = super::now();
        let window_start = now - Duration::minutes(WINDOW_MINUTES);
        let recent: Vec<NaiveDateTime> = sign_in_failures::table
            .filter(sign_in_failures::email.eq(email))
            .filter(sign_in_failures::failed_at.gt(window_start))
            .order(sign_in_failures::failed_at.desc())
            .select(sign_in_failures::failed_at)
            .limit(ALLOWED_FAILURES)
            .load(conn)?;
        if (recent.len() as i64) < ALLOWED_FAILURES {
            return Ok(None);
        }
        // The pause lasts until the oldest of the last few failures leaves the window.
        let oldest = recent.last().copied().unwrap_or(now);
        Ok(Some(oldest + Duration::minutes(WINDOW_MINUTES)))
    }

    /// Forgets failures older than the window, for every address.
    pub fn forget_old(conn: &mut AnyConnection) -> QueryResult<usize> {
        let window_start = super::now() - Duration::minutes(WINDOW_MINUTES);
        diesel::delete(sign_in_failures::table.filter(sign_in_failures::failed_at.le(window_start)))
            .execute(conn)
    }

    pub fn clear(conn: &mut AnyConnection, email: &str) -> QueryResult<usize> {
        diesel::delete(sign_in_failures::table.filter(sign_in_failures::email.eq(email)))
            .execute(conn)
    }
}
