//! The people who chat with the team through the widget.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::customers;
use crate::db::AnyConnection;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = customers)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Customer {
    pub id: i64,
    pub name: Option<String>,
    pub email: Option<String>,
    pub notes: String,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = customers)]
pub struct NewCustomer<'a> {
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub notes: &'a str,
    pub created_at: NaiveDateTime,
}

impl Customer {
    pub fn create(conn: &mut AnyConnection, new: &NewCustomer<'_>) -> QueryResult<Customer> {
        diesel::insert_into(customers::table)
            .values(new)
            .returning(customers::all_columns)
            .get_result(conn)
    }

    /// The name shown on cards and in the history: the customer's name, or "Visitor #id".
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(name) if !name.trim().is_empty() => name.clone(),
            _ => format!("Visitor #{}", self.id),
        }
    }
}

impl Customer {
    pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Customer>> {
        customers::table.find(id).first(conn).optional()
    }
}

impl Customer {
    /// Records the name and email a visitor gave on a later message (a blank one changes nothing).
    pub fn add_contact(
        conn: &mut AnyConnection,
        id: i64,
        name: Option<&str>,
        email: Option<&str>,
    ) -> QueryResult<()> {
        if let Some(name) = name {
            diesel::update(customers::table.find(id))
                .set(customers::name.eq(name))
                .execute(conn)?;
        }
        if let Some(email) = email {
            diesel::update(customers::table.find(id))
                .set(customers::email.eq(email))
                .execute(conn)?;
        }
        Ok(())
    }
}
