//! Settings from the environment, with defaults that make a bare `cargo run` work.

use crate::db::DatabaseLocation;

pub const DEFAULT_SQLITE_PATH: &str = "./hearken-data/hearken.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// Every environment variable Hearken reads, with what it means (shown by `hearken --help`).
pub const ENVIRONMENT_HELP: &str = "\
Environment variables:
  DATABASE_URL           postgres://user:pass@host:5432/db (add ?sslmode=require for TLS) for
                         PostgreSQL; a file path or sqlite://path for SQLite.
                         Default: ./hearken-data/hearken.db (folder created on first start)
  HEARKEN_ADDR           Address and port to listen on. Default: 127.0.0.1:8080
  HEARKEN_SECRET_KEY     Secret (at least 32 characters) that signs and encrypts session cookies.
                         If unset, one is generated once and kept in the database, so sessions
                         survive restarts and are shared by every instance.
  HEARKEN_COOKIE_SECURE  true when Hearken is served over HTTPS: cookies are then sent only over
                         HTTPS. Default: false (plain http://localhost must keep working)
  HEARKEN_WORKERS        HTTP worker threads. Default: one per CPU core
  HEARKEN_POOL_SIZE      Database connections per instance. Default: 10
  HEARKEN_BACKGROUND_JOBS  false to keep this instance from running the background jobs
                         (wait-time notes, automatic closing). Default: true
  RUST_LOG               Log filter, e.g. info or hearken=debug. Default: info";

#[derive(Clone, Debug)]
pub struct Config {
    pub database: DatabaseLocation,
    pub addr: String,
    pub secret_key: Option<String>,
    pub cookie_secure: bool,
    pub workers: Option<usize>,
    pub pool_size: u32,
    /// Whether this instance runs the background jobs.
    pub background_jobs: bool,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let database = DatabaseLocation::parse(
            var("DATABASE_URL")
                .as_deref()
                .unwrap_or(DEFAULT_SQLITE_PATH),
        );
        let secret_key = var("HEARKEN_SECRET_KEY");
        if let Some(key) = &secret_key {
            if key.chars().count() < 32 {
                anyhow::bail!("HEARKEN_SECRET_KEY must be at least 32 characters long");
            }
        }
        let cookie_secure = match var("HEARKEN_COOKIE_SECURE").as_deref() {
            None => false,
            Some(v) => parse_bool(v).ok_or_else(|| {
                anyhow::anyhow!("HEARKEN_COOKIE_SECURE must be true or false, not {v:?}")
            })?,
        };
        let workers = var("HEARKEN_WORKERS")
            .map(|v| {
                v.parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| anyhow::anyhow!("HEARKEN_WORKERS must be a positive number"))
            })
            .transpose()?;
        let pool_size = var("HEARKEN_POOL_SIZE")
            .map(|v| {
                v.parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| anyhow::anyhow!("HEARKEN_POOL_SIZE must be a positive number"))
            })
            .transpose()?
            .unwrap_or(10);
        let background_jobs = match var("HEARKEN_BACKGROUND_JOBS").as_deref() {
            None => true,
            Some(v) => parse_bool(v).ok_or_else(|| {
                anyhow::anyhow!("HEARKEN_BACKGROUND_JOBS must be true or false, not {v:?}")
            })?,
        };
        Ok(Config {
            background_jobs,
            database,
            addr: var("HEARKEN_ADDR").unwrap_or_else(|| DEFAULT_ADDR.to_owned()),
            secret_key,
            cookie_secure,
            workers,
            pool_size,
        })
    }
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}
