//! Validated types and the rules of the product, free of HTTP and SQL.

pub mod article;
pub mod conversation;
pub mod counters;
pub mod credentials;
pub mod edit_effect;
pub mod lifecycle;
#[cfg(test)]
mod lifecycle_table;
pub mod local_path;
pub mod outcomes;
pub mod report;
pub mod role;
pub mod search_words;
pub mod team;
pub mod text;
pub mod time;
pub mod times;
pub mod voices;
pub mod widget;

pub use conversation::{Author, ConversationState, Outcome, SystemEvent};
pub use credentials::{
    hash_password, verify_against_dummy, verify_password, Email, Password, PasswordChangeRefusal,
    PersonName,
};
pub use local_path::LocalPath;
pub use role::Role;

/// A stored text value that is not one of an enumeration's known values.
#[derive(Debug, thiserror::Error)]
#[error("unknown {kind} value {value:?}")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

/// Declares an enumeration stored as CHECK-constrained text, with its conversions. Its column
/// conversions (`FromSql`/`ToSql` over `Text`) are in `crate::db::text_column`.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[serde(rename_all = "lowercase")]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value stored in the database and sent in forms.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::domain::UnknownValue {
                        kind: stringify!($name),
                        value: other.to_owned(),
                    }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::UnknownValue;
            fn try_from(s: String) -> Result<Self, Self::Error> { s.parse() }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String { value.as_str().to_owned() }
        }
    };
}
pub(crate) use text_enum;
