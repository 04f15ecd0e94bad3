//! The visitor's side: a chat page where a customer asks the bot, gets links to articles, and
//! can ask for a person. It is what the embeddable widget will show.

pub mod feedback;
pub mod limits;
pub mod send;
pub mod show;
pub mod verdict;
pub mod visitor;

use crate::session::WebSession;

const VISITOR_TOKEN: &str = "visitor_token";

/// The token that ties this browser to its conversation, if it has one.
pub fn visitor_token(session: &WebSession) -> Option<String> {
    session.0.get::<String>(VISITOR_TOKEN).ok().flatten()
}

fn set_visitor_token(session: &WebSession, token: &str) {
    let _ = session.0.insert(VISITOR_TOKEN, token);
}
