//! The form every widget API call sends (`token`, `body`, `name`, `email`, `after`; `answer` and
//! `comment` for the verdict), read only
//! once the website is admitted.

use serde::Deserialize;

#[derive(Default, Deserialize)]
pub struct WidgetForm {
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub after: Option<String>,
    /// The answer to "Did we solve your problem?" (`yes` or `no`) and its optional comment.
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub comment: String,
    /// The bot's answer "That answered my question" or "I still need help" is about.
    #[serde(default)]
    pub message: Option<String>,
}

pub const UNREADABLE: &str = "The chat could not read that message. Reload the page and try again.";

/// The form, read only once the website is admitted.
pub fn read_form(body: &[u8]) -> Option<WidgetForm> {
    serde_urlencoded::from_bytes(body).ok()
}

/// The token as the widget sent it: an empty one is none.
pub fn given_token(token: Option<String>) -> Option<String> {
    token.filter(|token| !token.trim().is_empty())
}

/// The last message id the widget shows, if it sent a number.
pub fn given_after(after: Option<&str>) -> Option<i64> {
    after.and_then(|after| after.trim().parse().ok())
}
