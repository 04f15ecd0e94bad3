//! Settings: each one a command-line option that falls back on its environment variable, so
//! `hearken --help` lists every setting with its variable and default. A bare `cargo run` works.

use std::ffi::OsStr;
use std::str::FromStr;

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use clap::ArgAction;

use crate::db::DatabaseLocation;

pub const DEFAULT_SQLITE_PATH: &str = "./hearken-data/hearken.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// Where `--help` lists the settings.
pub const SETTINGS_HEADING: &str = "Settings (an option or its environment variable)";

/// What `Application::build` needs. Tests and benchmarks build it directly.
// Each value is named after its variable, so a refused value names the variable too.
#[derive(clap::Args, Clone, Debug)]
#[command(next_help_heading = SETTINGS_HEADING)]
pub struct Config {
    /// postgres://user:pass@host:5432/db (add ?sslmode=require for TLS) for PostgreSQL; a file path or sqlite://path for SQLite. The folder of an SQLite file is created on first start.
    #[arg(
        long = "database-url",
        env = "DATABASE_URL",
        value_name = "DATABASE_URL",
        default_value = DEFAULT_SQLITE_PATH,
        value_parser = database,
        hide_env_values = true,
        global = true
    )]
    pub database: DatabaseLocation,

    /// Address and port to listen on
    #[arg(
        long,
        env = "HEARKEN_ADDR",
        value_name = "HEARKEN_ADDR",
        default_value = DEFAULT_ADDR,
        global = true
    )]
    pub addr: String,

    /// Secret (at least 32 characters) that signs and encrypts session cookies. If unset, one is generated once and kept in the database, so sessions survive restarts and are shared by every instance. Prefer the variable: a command line is visible to other users.
    #[arg(
        long,
        env = "HEARKEN_SECRET_KEY",
        value_name = "HEARKEN_SECRET_KEY",
        value_parser = SecretKey,
        hide_env_values = true,
        global = true
    )]
    pub secret_key: Option<String>,

    /// true when Hearken is served over HTTPS: cookies are then sent only over HTTPS. false keeps plain http://localhost working.
    #[arg(
        long,
        env = "HEARKEN_COOKIE_SECURE",
        value_name = "HEARKEN_COOKIE_SECURE",
        default_value_t = false,
        value_parser = true_or_false,
        action = ArgAction::Set,
        global = true
    )]
    pub cookie_secure: bool,

    /// HTTP worker threads. If unset: one per CPU core.
    #[arg(
        long,
        env = "HEARKEN_WORKERS",
        value_name = "HEARKEN_WORKERS",
        value_parser = positive::<usize>,
        global = true
    )]
    pub workers: Option<usize>,

    /// Hours (1 to 336) a signed-in session may go unused before it is signed out; a sign-in lasts at most 14 days in any case
    #[arg(
        long,
        env = "HEARKEN_SESSION_IDLE_HOURS",
        value_name = "HEARKEN_SESSION_IDLE_HOURS",
        default_value_t = 12,
        value_parser = idle_hours,
        global = true
    )]
    pub session_idle_hours: u32,

    /// Database connections per instance
    #[arg(
        long,
        env = "HEARKEN_POOL_SIZE",
        value_name = "HEARKEN_POOL_SIZE",
        default_value_t = 10,
        value_parser = positive::<u32>,
        global = true
    )]
    pub pool_size: u32,

    /// Seconds a database statement of the web app may run before PostgreSQL cancels it (0: no limit). Migrations and the command line are not limited. SQLite has no statement timeout.
    #[arg(
        long,
        env = "HEARKEN_STATEMENT_TIMEOUT_SECONDS",
        value_name = "HEARKEN_STATEMENT_TIMEOUT_SECONDS",
        default_value_t = 5,
        global = true
    )]
    pub statement_timeout_seconds: u32,

    /// false keeps this instance from running the background jobs (wait-time notes, automatic closing)
    #[arg(
        long,
        env = "HEARKEN_BACKGROUND_JOBS",
        value_name = "HEARKEN_BACKGROUND_JOBS",
        default_value_t = true,
        value_parser = true_or_false,
        action = ArgAction::Set,
        global = true
    )]
    pub background_jobs: bool,

    /// true when Hearken sits behind a reverse proxy that appends the client's address to X-Forwarded-For: failed sign-ins are then counted per that address. false counts them per connecting address and ignores the header, which clients could forge.
    #[arg(
        long,
        env = "HEARKEN_TRUST_PROXY",
        value_name = "HEARKEN_TRUST_PROXY",
        default_value_t = false,
        value_parser = true_or_false,
        action = ArgAction::Set,
        global = true
    )]
    pub trust_proxy: bool,

    /// How much the public chat gives one visitor and one address.
    #[command(flatten)]
    pub visitor_limits: VisitorLimits,

    /// How sure the bot must be, and the optional language model.
    #[command(flatten)]
    pub bot: BotSettings,
}

/// The bot's settings.
#[derive(clap::Args, Clone, Debug, PartialEq)]
#[command(next_help_heading = SETTINGS_HEADING)]
pub struct BotSettings {
    /// An OpenAI-compatible chat-completions address (a local Ollama, llama.cpp or vLLM server, or a hosted one, e.g. http://127.0.0.1:11434/v1) that writes the bot's replies from the passages it found. Unset: the bot quotes the passages itself
    #[arg(
        long,
        env = "HEARKEN_LLM_URL",
        value_name = "HEARKEN_LLM_URL",
        global = true
    )]
    pub llm_url: Option<String>,

    /// The model the language model endpoint should use
    #[arg(
        long,
        env = "HEARKEN_LLM_MODEL",
        value_name = "HEARKEN_LLM_MODEL",
        default_value = "llama3.2",
        global = true
    )]
    pub llm_model: String,

    /// The key sent to the language model endpoint as a bearer token, if it needs one
    #[arg(
        long,
        env = "HEARKEN_LLM_KEY",
        value_name = "HEARKEN_LLM_KEY",
        hide_env_values = true,
        global = true
    )]
    pub llm_key: Option<String>,

    /// Milliseconds to wait for the language model before sending the quoted passages instead
    #[arg(
        long,
        env = "HEARKEN_LLM_TIMEOUT_MS",
        value_name = "HEARKEN_LLM_TIMEOUT_MS",
        default_value_t = crate::bot::llm::DEFAULT_TIMEOUT_MS,
        value_parser = positive::<u64>,
        global = true
    )]
    pub llm_timeout_ms: u64,
}

impl Default for BotSettings {
    fn default() -> Self {
        BotSettings {
            llm_url: None,
            llm_model: "llama3.2".to_owned(),
            llm_key: None,
            llm_timeout_ms: crate::bot::llm::DEFAULT_TIMEOUT_MS,
        }
    }
}

impl BotSettings {
    /// The language model, when one is set.
    pub fn llm(&self) -> Option<crate::bot::llm::LlmConfig> {
        self.llm_url.as_ref().map(|url| crate::bot::llm::LlmConfig {
            url: url.clone(),
            model: self.llm_model.clone(),
            key: self.llm_key.clone(),
            timeout: std::time::Duration::from_millis(self.llm_timeout_ms),
        })
    }
}

impl Config {
    /// The web app's statement timeout, if any.
    pub fn statement_timeout(&self) -> Option<std::time::Duration> {
        (self.statement_timeout_seconds > 0)
            .then(|| std::time::Duration::from_secs(u64::from(self.statement_timeout_seconds)))
    }
}

/// The public chat's limits, per minute (each also the largest burst). Over a limit a visitor
/// gets HTTP 429 and a sentence to read, and nothing is created.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
#[command(next_help_heading = SETTINGS_HEADING)]
pub struct VisitorLimits {
    /// Messages (and "Talk to a person") per minute from one visitor
    #[arg(
        long,
        env = "HEARKEN_VISITOR_MESSAGES_PER_MINUTE",
        value_name = "HEARKEN_VISITOR_MESSAGES_PER_MINUTE",
        default_value_t = 20,
        value_parser = positive::<u32>,
        global = true
    )]
    pub messages_per_visitor: u32,

    /// Visitor messages per minute from one client address (an office may share one)
    #[arg(
        long,
        env = "HEARKEN_ADDRESS_MESSAGES_PER_MINUTE",
        value_name = "HEARKEN_ADDRESS_MESSAGES_PER_MINUTE",
        default_value_t = 120,
        value_parser = positive::<u32>,
        global = true
    )]
    pub messages_per_address: u32,

    /// New conversations per minute from one client address
    #[arg(
        long,
        env = "HEARKEN_ADDRESS_CHATS_PER_MINUTE",
        value_name = "HEARKEN_ADDRESS_CHATS_PER_MINUTE",
        default_value_t = 20,
        value_parser = positive::<u32>,
        global = true
    )]
    pub conversations_per_address: u32,

    /// Chat reads (history, live-update connections) per minute from one client address
    #[arg(
        long,
        env = "HEARKEN_ADDRESS_READS_PER_MINUTE",
        value_name = "HEARKEN_ADDRESS_READS_PER_MINUTE",
        default_value_t = 600,
        value_parser = positive::<u32>,
        global = true
    )]
    pub reads_per_address: u32,

    /// Live-update connections one client address may hold open at once
    #[arg(
        long,
        env = "HEARKEN_ADDRESS_STREAMS",
        value_name = "HEARKEN_ADDRESS_STREAMS",
        default_value_t = 20,
        value_parser = positive::<u32>,
        global = true
    )]
    pub streams_per_address: u32,
}

impl Default for VisitorLimits {
    fn default() -> Self {
        VisitorLimits {
            messages_per_visitor: 20,
            messages_per_address: 120,
            conversations_per_address: 20,
            reads_per_address: 600,
            streams_per_address: 20,
        }
    }
}

fn database(value: &str) -> Result<DatabaseLocation, String> {
    Ok(DatabaseLocation::parse(value))
}

/// Checks the secret key's length. Unlike clap's own messages, the refusal does not repeat the
/// value: a secret, even a short one, does not belong in a terminal or a log.
#[derive(Clone)]
struct SecretKey;

impl TypedValueParser for SecretKey {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        match value.to_str() {
            Some(key) if key.chars().count() >= 32 => Ok(key.to_owned()),
            _ => Err(clap::Error::raw(
                ErrorKind::ValueValidation,
                "HEARKEN_SECRET_KEY (--secret-key) must be at least 32 characters long\n",
            )
            .with_cmd(cmd)),
        }
    }
}

fn true_or_false(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err("must be true or false".to_owned()),
    }
}

fn positive<T: FromStr + PartialOrd + Default>(value: &str) -> Result<T, String> {
    value
        .parse::<T>()
        .ok()
        .filter(|n| *n > T::default())
        .ok_or_else(|| "must be a positive number".to_owned())
}

/// Beyond 14 days (336 hours) the absolute limit of a sign-in applies first anyway.
fn idle_hours(value: &str) -> Result<u32, String> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|hours| (1..=336).contains(hours))
        .ok_or_else(|| "must be a whole number of hours from 1 to 336".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_before() {
        assert_eq!(true_or_false(" Yes"), Ok(true));
        assert_eq!(true_or_false("OFF"), Ok(false));
        assert!(true_or_false("maybe").is_err());
        assert_eq!(positive::<u32>("4"), Ok(4));
        assert!(positive::<u32>("0").is_err());
        assert!(positive::<usize>("-1").is_err());
        assert_eq!(idle_hours("12"), Ok(12));
        assert!(idle_hours("0").is_err());
        assert!(idle_hours("337").is_err());
        let cmd = clap::Command::new("hearken");
        assert!(SecretKey
            .parse_ref(&cmd, None, "too short".as_ref())
            .is_err());
        assert!(SecretKey
            .parse_ref(&cmd, None, "k".repeat(32).as_ref())
            .is_ok());
    }
}
