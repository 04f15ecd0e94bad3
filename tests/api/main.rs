//! One test binary for the whole web app, run against SQLite and (when configured) PostgreSQL.

mod helpers;

mod account;
mod auth_sessions;
mod auth_setup;
mod auth_sign_in;
mod browser;
mod chat;
mod cli;
mod consistency;
mod conversation_actions;
mod conversations;
mod database;
mod headers;
mod health;
mod jobs;
mod kb;
mod live;
mod reports;
mod settings;
mod snapshots;
mod startup;
mod team;
