//! Live support: the waiting queue and my conversations, kept current without a reload.

pub mod board;
pub mod show;
