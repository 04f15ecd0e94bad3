//! Hearken: a self-hosted customer-support chat.

pub mod bot;
pub mod cli;
pub mod config;
pub mod csrf;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod events;
pub mod jobs;
pub mod models;
pub mod routes;
pub mod seed;
pub mod session;
pub mod startup;
