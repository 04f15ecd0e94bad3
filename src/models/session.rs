//! Signed-in sessions, kept server-side so that signing out or deactivating a member ends them.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{sessions, users};
use crate::db::AnyConnection;

use super::user::User;

/// How long a sign-in lasts.
pub const SESSION_DAYS: i64 = 14;

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

    /// The active member behind a session token hash, if the session is still valid.
    pub fn find_user(
        conn: &mut AnyConnection,
        token_hash: &str,
    ) -> QueryResult<Option<(Session, User)>> {
        let now = super::now();
        let found: Option<(Session, User)> = sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::expires_at.gt(now))
            .filter(users::active.eq(true))
            .select((Session::as_select(), User::as_select()))
            .first(conn)
            .optional()?;
        if let Some((session, _)) = &found {
            // Writing on every request would make each page view a write; once a minute is enough.
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

    /// Ends every session of a member (deactivation, new password).
    pub fn end_all_for_user(conn: &mut AnyConnection, user_id: i64) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
    }

    /// Sessions past their end are useless; they are swept at each sign-in.
    pub fn delete_expired(conn: &mut AnyConnection) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::expires_at.le(super::now()))).execute(conn)
    }
}
