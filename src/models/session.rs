//! Signed-in sessions, kept server-side so that signing out or deactivating a member ends them.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{sessions, users};
use crate::db::AnyConnection;

use super::user::User;

/// How long a sign-in lasts.
pub const SESSION_DAYS: i64 = 14;

/// How long a session may go unused before it ends (HEARKEN_SESSION_IDLE_HOURS), so a browser
/// left signed in on a shared computer does not stay usable for the whole `SESSION_DAYS`.
#[derive(Clone, Copy, Debug)]
pub struct IdleLimit(pub Duration);

impl IdleLimit {
    pub fn hours(hours: u32) -> Self {
        IdleLimit(Duration::hours(i64::from(hours)))
    }
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sessions)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Session {
    pub id: i64,
    pub token_hash: String,
    pub user_id: i64,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = sessions)]
struct NewSession<'a> {
    token_hash: &'a str,
    user_id: i64,
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

impl Session {
    /// Stores a new session for `user_id`; only the hash of the token is kept.
    pub fn start(conn: &mut AnyConnection, user_id: i64, token_hash: &str) -> QueryResult<Session> {
        let now = super::now();
        diesel::insert_into(sessions::table)
            .values(&NewSession {
                token_hash,
                user_id,
                created_at: now,
                last_seen_at: now,
                expires_at: now + Duration::days(SESSION_DAYS),
            })
            .returning(sessions::all_columns)
            .get_result(conn)
    }

    /// The active member behind a session token hash, if the session is still valid: not
    /// expired and used within `idle`.
    pub fn find_user(
        conn: &mut AnyConnection,
        token_hash: &str,
        idle: IdleLimit,
    ) -> QueryResult<Option<(Session, User)>> {
        let now = super::now();
        let found: Option<(Session, User)> = sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::expires_at.gt(now))
            .filter(sessions::last_seen_at.gt(now - idle.0))
            .filter(users::active.eq(true))
            .select((Session::as_select(), User::as_select()))
            .first(conn)
            .optional()?;
        if let Some((session, _)) = &found {
            // Writing on every request would make each page view a write; once a minute is
            // precise enough for an idle limit counted in hours.
            if now - session.last_seen_at > Duration::minutes(1) {
                diesel::update(sessions::table.find(session.id))
                    .set(sessions::last_seen_at.eq(now))
                    .execute(conn)?;
            }
        }
        Ok(found)
    }

    pub fn end(conn: &mut AnyConnection, token_hash: &str) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)
    }

    /// The member's sessions other than `current_hash` that could still be used.
    pub fn count_others(
        conn: &mut AnyConnection,
        user_id: i64,
        current_hash: &str,
        idle: IdleLimit,
    ) -> QueryResult<i64> {
        let now = super::now();
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::token_hash.ne(current_hash))
            .filter(sessions::expires_at.gt(now))
            .filter(sessions::last_seen_at.gt(now - idle.0))
            .count()
            .get_result(conn)
    }

    /// Ends every session of a member except `current_hash` ("Sign out other sessions").
    pub fn end_others(
        conn: &mut AnyConnection,
        user_id: i64,
        current_hash: &str,
    ) -> QueryResult<usize> {
        diesel::delete(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::token_hash.ne(current_hash)),
        )
        .execute(conn)
    }

    /// Ends every session of a member (deactivation, new password).
    pub fn end_all_for_user(conn: &mut AnyConnection, user_id: i64) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
    }

    /// Sessions past their end are useless; they are swept at each sign-in.
    pub fn delete_expired(conn: &mut AnyConnection) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::expires_at.le(super::now()))).execute(conn)
    }
}
