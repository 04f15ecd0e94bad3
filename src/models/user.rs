//! Team members.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::users;
use crate::db::AnyConnection;
use crate::domain::{Email, PersonName, Role};

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl<'a> NewUser<'a> {
    pub fn new(name: &'a PersonName, email: &'a Email, password_hash: &'a str, role: Role) -> Self {
        let now = super::now();
        NewUser {
            name: name.as_str(),
            email: email.as_str(),
            password_hash,
            role,
            active: true,
            created_at: now,
            updated_at: now,
        }
    }
}

impl User {
    pub fn create(conn: &mut AnyConnection, new: &NewUser<'_>) -> QueryResult<User> {
        diesel::insert_into(users::table)
            .values(new)
            .returning(users::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<User>> {
        users::table.find(id).first(conn).optional()
    }

    pub fn find_by_email(conn: &mut AnyConnection, email: &Email) -> QueryResult<Option<User>> {
        users::table
            .filter(users::email.eq(email.as_str()))
            .first(conn)
            .optional()
    }

    pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
        users::table.count().get_result(conn)
    }

    pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<User>> {
        users::table
            .order((users::active.desc(), users::name.asc(), users::id.asc()))
            .load(conn)
    }
}

impl User {
    pub fn name_of(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<String>> {
        users::table
            .find(id)
            .select(users::name)
            .first(conn)
            .optional()
    }

    /// Every member's name by id (deactivated ones too: they still closed conversations).
    pub fn names(conn: &mut AnyConnection) -> QueryResult<std::collections::HashMap<i64, String>> {
        let rows: Vec<(i64, String)> = users::table.select((users::id, users::name)).load(conn)?;
        Ok(rows.into_iter().collect())
    }

    /// Active members, for the agent filter.
    pub fn active_members(conn: &mut AnyConnection) -> QueryResult<Vec<(i64, String)>> {
        users::table
            .filter(users::active.eq(true))
            .order(users::name.asc())
            .select((users::id, users::name))
            .load(conn)
    }
}

impl User {
    pub fn active_admins(conn: &mut AnyConnection) -> QueryResult<i64> {
        users::table
            .filter(users::role.eq(Role::Admin))
            .filter(users::active.eq(true))
            .count()
            .get_result(conn)
    }

    pub fn set_role(conn: &mut AnyConnection, id: i64, role: Role) -> QueryResult<usize> {
        diesel::update(users::table.find(id))
            .set((users::role.eq(role), users::updated_at.eq(super::now())))
            .execute(conn)
    }

    pub fn set_active(conn: &mut AnyConnection, id: i64, active: bool) -> QueryResult<usize> {
        diesel::update(users::table.find(id))
            .set((users::active.eq(active), users::updated_at.eq(super::now())))
            .execute(conn)
    }

    /// Replaces the password hash only if it is still `old_hash`, so two changes racing each
    /// other cannot both pass the current-password check. Returns the rows changed (0 or 1).
    pub fn replace_password_hash(
        conn: &mut AnyConnection,
        id: i64,
        old_hash: &str,
        new_hash: &str,
    ) -> QueryResult<usize> {
        diesel::update(
            users::table
                .find(id)
                .filter(users::password_hash.eq(old_hash)),
        )
        .set((
            users::password_hash.eq(new_hash),
            users::updated_at.eq(super::now()),
        ))
        .execute(conn)
    }

    pub fn set_password_hash(conn: &mut AnyConnection, id: i64, hash: &str) -> QueryResult<usize> {
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(hash),
                users::updated_at.eq(super::now()),
            ))
            .execute(conn)
    }
}
