//! The knowledge base: reading an article (linked from the bot's answers), and writing them.

pub mod edit;
pub mod public;
pub mod show;
