//! One test binary for the whole web app, run against SQLite and (when configured) PostgreSQL.

mod helpers;

mod account;
mod auth_redirects;
mod auth_sessions;
mod auth_setup;
mod auth_sign_in;
mod auth_throttle;
mod browser;
mod chat;
mod chat_races;
mod cli;
mod consistency;
mod conversation_actions;
mod conversations;
mod database;
mod floods;
mod headers;
mod health;
mod input_checks;
mod instances;
mod jobs;
mod kb;
mod kb_size;
mod live;
mod live_updates;
mod races;
mod reports;
mod route_access;
mod security;
mod settings;
mod snapshots;
mod startup;
mod team;
mod team_deactivation;
