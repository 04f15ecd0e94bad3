//! Team settings: human support, the wait-time target, automatic closing, the time zone.

pub mod edit;
