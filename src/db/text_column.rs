//! Column conversions for the values stored as CHECK-constrained text (states, outcomes, roles,
//! authors, note kinds, counter metrics, the team's zone): each reads and writes as its own Rust
//! type on both backends, so no code or template compares stored strings.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use super::MultiBackend;
use crate::domain::counters::Metric;
use crate::domain::outcomes::{Closer, Verdict};
use crate::domain::time::TeamZone;
use crate::domain::times::TimeMetric;
use crate::domain::{Author, ConversationState, Outcome, Role, SystemEvent};

/// A value with one stored text form.
pub trait TextColumn: Sized {
    fn to_text(&self) -> &'static str;
    fn from_text(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>>;
}

macro_rules! text_column {
    ($($ty:ty),+ $(,)?) => {$(
        impl TextColumn for $ty {
            fn to_text(&self) -> &'static str {
                self.as_str()
            }
            fn from_text(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok(text.parse::<$ty>()?)
            }
        }

        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                <$ty>::from_text(&bytes.from_sql::<String, Text>()?)
            }
        }

        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                <str as ToSql<Text, MultiBackend>>::to_sql(self.to_text(), out)
            }
        }

        // Rows are checked against both backends (`check_for_backend`), and bulk inserts
        // (`hearken seed`) run on the concrete connections.
        impl FromSql<Text, Pg> for $ty {
            fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                <$ty>::from_text(&<String as FromSql<Text, Pg>>::from_sql(bytes)?)
            }
        }

        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                <$ty>::from_text(&<String as FromSql<Text, Sqlite>>::from_sql(bytes)?)
            }
        }

        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.to_text(), out)
            }
        }

        impl ToSql<Text, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                <str as ToSql<Text, Sqlite>>::to_sql(self.to_text(), out)
            }
        }
    )+};
}

text_column!(
    ConversationState,
    Outcome,
    Author,
    SystemEvent,
    Role,
    Metric,
    TeamZone,
    Verdict,
    Closer,
    TimeMetric,
);
