//! Settings from flags with environment fallbacks, split by concern and passed by value.
//! Nothing here is global: tests build their own `Settings` without touching the
//! environment.

use clap::{Args, ValueEnum};
use std::time::Duration;

/// The embedded default: a SQLite file created next to the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/cemr.sqlite";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Everything the service needs to start.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    #[command(flatten)]
    pub database: DatabaseSettings,
    #[command(flatten)]
    pub http: HttpSettings,
    #[command(flatten)]
    pub log: LogSettings,
    /// Also load the demonstration register (records marked DEMO, never facts).
    #[arg(long, env = "DEMO_DATA", global = true)]
    pub demo: bool,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseSettings {
    /// Database URL: `sqlite://path/file.sqlite` (created if missing) or
    /// `postgres://user@host:5432/name` (the database is created if missing).
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,
    /// Maximum number of pooled database connections.
    #[arg(long, env = "DB_POOL_SIZE", default_value_t = 10, global = true)]
    pub pool_size: u32,
    /// Statement timeout on PostgreSQL, in seconds, so no query can hold a connection
    /// forever.
    #[arg(
        long,
        env = "DB_STATEMENT_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub statement_timeout_secs: u64,
}

/// How the service listens and what it accepts.
#[derive(Debug, Clone, Args)]
pub struct HttpSettings {
    /// Address and port to listen on (port 0 picks a free port).
    #[arg(long, env = "BIND", default_value = DEFAULT_BIND, global = true)]
    pub bind: String,
    /// Number of HTTP worker threads (0: one per CPU core).
    #[arg(long, env = "HTTP_WORKERS", default_value_t = 0, global = true)]
    pub workers: usize,
    /// Largest GraphQL request body accepted, in bytes.
    #[arg(long, env = "GRAPHQL_MAX_BODY_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub graphql_max_body_bytes: usize,
}

/// Log output.
#[derive(Debug, Clone, Args)]
pub struct LogSettings {
    /// Log filter, e.g. `info` or `cemr_api=debug,sqlx=warn`.
    #[arg(long, env = "LOG_LEVEL", default_value = "info", global = true)]
    pub log_level: String,
    /// Log line format.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    pub log_format: LogFormat,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Readable single lines for a terminal.
    Human,
    /// One JSON object per line for log collectors.
    Json,
}

impl Settings {
    /// Defaults for the given database, listening on a random local port: what tests use.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database: DatabaseSettings {
                database_url: database_url.into(),
                pool_size: 5,
                statement_timeout_secs: 30,
            },
            http: HttpSettings {
                bind: "127.0.0.1:0".to_owned(),
                workers: 2,
                graphql_max_body_bytes: 1024 * 1024,
            },
            log: LogSettings {
                log_level: "warn".to_owned(),
                log_format: LogFormat::Human,
            },
            demo: false,
        }
    }
}

impl DatabaseSettings {
    pub fn statement_timeout(&self) -> Duration {
        Duration::from_secs(self.statement_timeout_secs)
    }
}
