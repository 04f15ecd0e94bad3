//! Your account: every member changes their own password and signs out their other sessions.

pub mod page;
pub mod password;
pub mod sessions;
pub mod show;
