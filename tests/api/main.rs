//! One test binary for the whole web app, run against SQLite and (when configured) PostgreSQL.

mod helpers;

mod browser;
mod chat;
mod cli;
mod database;
mod health;
mod jobs;
mod knowledge_base;
mod lifecycle;
mod pages;
mod reports;
mod roles;
mod sessions;
mod settings;
mod setup;
mod sign_in;
mod snapshots;
mod team;
mod workspace;
