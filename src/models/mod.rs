//! One file per table: the row, its insert and update forms, and its queries.

pub mod article;
pub mod closure;
pub mod conversation;
pub mod customer;
pub mod message;
pub mod recount;
pub mod report_count;
pub mod server_secret;
pub mod session;
pub mod sign_in_failure;
pub mod team_settings;
pub mod time_count;
pub mod user;
pub mod verdict;

/// The current time as stored: UTC without a zone.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Whether a write failed on a unique index (a taken email address, a used article address).
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
