//! The Conversations list, the conversation view and every action on a conversation.

pub mod act;
pub mod close;
pub mod list;
mod list_links;
pub mod list_query;
pub mod page;
pub mod reply;
pub mod show;

use serde::Deserialize;

use crate::error::AppError;

/// The hidden fields every action form carries besides the CSRF token.
#[derive(Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    pub version: String,
}

impl VersionForm {
    pub fn version(&self) -> Result<i64, AppError> {
        parse_version(&self.version)
    }
}

pub fn parse_version(raw: &str) -> Result<i64, AppError> {
    raw.trim().parse().map_err(|_| {
        AppError::BadRequest(
            "This form does not say which version of the conversation it was based on. Reload \
             the conversation and try again."
                .into(),
        )
    })
}
