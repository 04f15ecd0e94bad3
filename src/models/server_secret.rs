//! Values the server generates once and keeps (the session key, markers such as "demo loaded").

use diesel::prelude::*;

use crate::db::schema::server_secrets;
use crate::db::AnyConnection;

/// The one-time code of the first-admin setup link; it exists while the team has no members.
pub const SETUP_CODE: &str = "setup_code";

pub struct ServerSecret;

impl ServerSecret {
    pub fn get(conn: &mut AnyConnection, name: &str) -> QueryResult<Option<String>> {
        server_secrets::table
            .find(name)
            .select(server_secrets::value)
            .first(conn)
            .optional()
    }

    /// Inserts `name`; fails with a unique violation when it already exists, which makes it
    /// usable as a once-only marker inside a transaction.
    pub fn insert(conn: &mut AnyConnection, name: &str, value: &str) -> QueryResult<()> {
        diesel::insert_into(server_secrets::table)
            .values((
                server_secrets::name.eq(name),
                server_secrets::value.eq(value),
                server_secrets::created_at.eq(super::now()),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Returns the stored value, or stores `generate()` and returns it. Two instances starting
    /// together agree on one value: the loser of the insert reads the winner's.
    pub fn get_or_create(
        conn: &mut AnyConnection,
        name: &str,
        generate: impl FnOnce() -> String,
    ) -> QueryResult<String> {
        if let Some(value) = Self::get(conn, name)? {
            return Ok(value);
        }
        let value = generate();
        match Self::insert(conn, name, &value) {
            Ok(()) => Ok(value),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Self::get(conn, name)?.ok_or(diesel::result::Error::NotFound),
            Err(e) => Err(e),
        }
    }

    pub fn delete(conn: &mut AnyConnection, name: &str) -> QueryResult<usize> {
        diesel::delete(server_secrets::table.find(name)).execute(conn)
    }
}
