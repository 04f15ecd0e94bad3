//! The knowledge base. For now: reading an article (linked from the bot's answers).

pub mod public;
pub mod show;
