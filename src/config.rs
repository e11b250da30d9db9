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
    #[command(flatten)]
    pub auth: AuthSettings,
    #[command(flatten)]
    pub graphql: GraphqlSettings,
    #[command(flatten)]
    pub feed: FeedSettings,
    #[command(flatten)]
    pub webhooks: WebhookSettings,
    #[command(flatten)]
    pub read_model: ReadModelSettings,
    /// The smallest respondent group whose breakdowns study statistics show; cells of
    /// smaller groups are suppressed.
    #[arg(long, env = "STUDY_MIN_GROUP_SIZE", default_value_t = 5, value_parser = clap::value_parser!(u64).range(2..), global = true)]
    pub study_min_group_size: u64,
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
    /// How long a request waits for a free pooled connection, in milliseconds, before it
    /// answers 503 `DATABASE_UNAVAILABLE`.
    #[arg(
        long,
        env = "DB_ACQUIRE_TIMEOUT_MS",
        default_value_t = 3_000,
        global = true
    )]
    pub acquire_timeout_ms: u64,
    /// How long start-up waits for the database (to answer, or for another process to
    /// finish migrating), in seconds, before it gives up with an error.
    #[arg(
        long,
        env = "DB_STARTUP_TIMEOUT_SECS",
        default_value_t = 60,
        global = true
    )]
    pub startup_timeout_secs: u64,
    /// SQLite only: the largest the database file may grow, in MiB (0: no cap). At the
    /// cap writes answer 503 `STORAGE_FULL` as on a full disk; reads go on.
    #[arg(long, env = "SQLITE_MAX_SIZE_MB", default_value_t = 0, global = true)]
    pub sqlite_max_size_mb: u64,
    /// SQLite only: the page cache of each pooled connection, in KiB. Every connection
    /// keeps its own, so the pool holds up to this times `DB_POOL_SIZE`.
    #[arg(long, env = "SQLITE_CACHE_KIB", default_value_t = DEFAULT_SQLITE_CACHE_KIB, global = true)]
    pub sqlite_cache_kib: u32,
    /// Seconds a pooled connection may sit unused before it is closed (down to one), so
    /// the connections, caches and server sessions a burst opened are given back.
    #[arg(long, env = "DB_IDLE_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub idle_timeout_secs: u64,
    /// Prepared statements each pooled connection keeps for reuse (0: none kept). Each
    /// costs memory for as long as the connection lives.
    #[arg(long, env = "DB_STATEMENT_CACHE", default_value_t = DEFAULT_STATEMENT_CACHE, global = true)]
    pub statement_cache: usize,
}

/// SQLite's page cache per connection, in KiB (SQLite's own default is about 2 MiB).
pub const DEFAULT_SQLITE_CACHE_KIB: u32 = 2048;
/// Prepared statements kept per connection (the driver's own default is 100).
pub const DEFAULT_STATEMENT_CACHE: usize = 100;

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
    /// Largest import body accepted, in bytes.
    #[arg(long, env = "IMPORT_MAX_BODY_BYTES", default_value_t = 10 * 1024 * 1024, global = true)]
    pub import_max_body_bytes: usize,
    /// Most rows one import request may carry (422 `TOO_MANY_ROWS` above).
    #[arg(
        long,
        env = "IMPORT_MAX_ROWS",
        default_value_t = 100_000,
        global = true
    )]
    pub import_max_rows: usize,
    /// Origins allowed to call the API from browsers (comma-separated); none by default.
    #[arg(
        long,
        env = "CORS_ALLOWED_ORIGINS",
        value_delimiter = ',',
        global = true
    )]
    pub cors_allowed_origins: Vec<String>,
    /// Cost units a minute per verified identity (API token or subject) or, before
    /// verification, per client address, per replica (0: no limit). A plain request costs
    /// 1; see the README for what costs more.
    #[arg(
        long,
        env = "RATE_LIMIT_PER_MINUTE",
        default_value_t = 600,
        global = true
    )]
    pub rate_limit_per_minute: u32,
    /// Take the client address from `Forwarded`/`X-Forwarded-For` (only behind a proxy
    /// that sets them).
    #[arg(long, env = "TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub trust_forwarded_for: bool,
    /// Serve Prometheus metrics at /metrics.
    #[arg(long, env = "METRICS_ENABLED", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub metrics: bool,
    /// On SIGTERM: seconds `readyz` reports unready before the server stops accepting.
    #[arg(long, env = "SHUTDOWN_DRAIN_SECS", default_value_t = 5, global = true)]
    pub shutdown_drain_secs: u64,
    /// On SIGTERM: seconds in-flight requests get to finish.
    #[arg(
        long,
        env = "SHUTDOWN_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub shutdown_timeout_secs: u64,
}

/// The change feed and live updates.
#[derive(Debug, Clone, Args)]
pub struct FeedSettings {
    /// Milliseconds between reads of the change feed when no notification arrives: the
    /// longest a missed notification can delay an event.
    #[arg(long, env = "FEED_POLL_INTERVAL_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..), global = true)]
    pub feed_poll_interval_ms: u64,
    /// Subscriptions one WebSocket connection may hold at once.
    #[arg(long, env = "SUBSCRIPTIONS_PER_CONNECTION", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub subscriptions_per_connection: u64,
    /// Subscriptions one client (its verified identity, or its address without a token)
    /// may hold at once on one replica, over all its connections.
    #[arg(long, env = "SUBSCRIPTIONS_PER_CLIENT", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub subscriptions_per_client: u64,
    /// WebSocket connections one client may hold open at once on one replica.
    #[arg(long, env = "SUBSCRIPTION_SOCKETS_PER_CLIENT", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub subscription_sockets_per_client: u64,
}

impl Default for FeedSettings {
    fn default() -> Self {
        Self {
            feed_poll_interval_ms: 1000,
            subscriptions_per_connection: 20,
            subscriptions_per_client: 100,
            subscription_sockets_per_client: 20,
        }
    }
}

impl FeedSettings {
    pub fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.feed_poll_interval_ms)
    }
}

/// The register in memory.
#[derive(Debug, Clone, Args)]
pub struct ReadModelSettings {
    /// Serve organisations, counties and their nested lists from a snapshot in memory,
    /// kept current by the change feed (false: every read runs SQL).
    #[arg(long = "read-model", env = "READ_MODEL", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub enabled: bool,
    /// Seconds between reads of the snapshot when the feed does not move: the longest a
    /// change made outside the service (by hand in the database) stays unseen.
    #[arg(long, env = "READ_MODEL_REFRESH_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub read_model_refresh_secs: u64,
    /// KiB of answers to public register queries kept per snapshot and served again to
    /// the same query (0: none kept).
    #[arg(
        long,
        env = "RESPONSE_CACHE_KIB",
        default_value_t = 4096,
        global = true
    )]
    pub response_cache_kib: usize,
}

impl Default for ReadModelSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            read_model_refresh_secs: 60,
            response_cache_kib: 4096,
        }
    }
}

impl ReadModelSettings {
    pub fn refresh(&self) -> Duration {
        Duration::from_secs(self.read_model_refresh_secs)
    }
}

/// Webhook delivery.
#[derive(Debug, Clone, Args)]
pub struct WebhookSettings {
    /// Allow webhook endpoints on loopback, private, link-local and other non-public
    /// addresses, and over plain http: for development and tests only, never in
    /// production.
    #[arg(long, env = "WEBHOOK_ALLOW_PRIVATE_TARGETS", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub webhook_allow_private_targets: bool,
    /// Failed attempts in a row after which an endpoint is paused (until `resumeWebhook`).
    #[arg(long, env = "WEBHOOK_MAX_ATTEMPTS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1000), global = true)]
    pub webhook_max_attempts: u32,
    /// The first retry's delay in milliseconds; each further failure doubles it (with
    /// jitter) up to `WEBHOOK_BACKOFF_MAX_MS`.
    #[arg(long, env = "WEBHOOK_BACKOFF_BASE_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub webhook_backoff_base_ms: u64,
    /// The longest delay between two attempts, in milliseconds.
    #[arg(long, env = "WEBHOOK_BACKOFF_MAX_MS", default_value_t = 3_600_000, value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub webhook_backoff_max_ms: u64,
    /// How long an endpoint gets to answer one delivery, in milliseconds.
    #[arg(long, env = "WEBHOOK_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(100..=60_000), global = true)]
    pub webhook_timeout_ms: u64,
    /// Webhooks one organisation may have (administrators' own, without an organisation,
    /// count together as one more).
    #[arg(long, env = "WEBHOOK_MAX_PER_ORGANISATION", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1000), global = true)]
    pub webhook_max_per_organisation: u64,
    /// Milliseconds between the delivery worker's looks for due work when no change wakes
    /// it: the granularity of retries.
    #[arg(long, env = "WEBHOOK_POLL_INTERVAL_MS", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(10..), global = true)]
    pub webhook_poll_interval_ms: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            webhook_allow_private_targets: false,
            webhook_max_attempts: 30,
            webhook_backoff_base_ms: 30_000,
            webhook_backoff_max_ms: 3_600_000,
            webhook_timeout_ms: 10_000,
            webhook_max_per_organisation: 10,
            webhook_poll_interval_ms: 1000,
        }
    }
}

/// GraphQL limits and features.
#[derive(Debug, Clone, Args)]
pub struct GraphqlSettings {
    /// Deepest field nesting accepted.
    #[arg(long, env = "GRAPHQL_MAX_DEPTH", default_value_t = 15, global = true)]
    pub max_depth: u64,
    /// Largest complexity accepted (each field 1 plus its children, times `first`).
    #[arg(
        long,
        env = "GRAPHQL_MAX_COMPLEXITY",
        default_value_t = 20_000,
        global = true
    )]
    pub max_complexity: u64,
    /// Most aliases in one operation (fragments expanded).
    #[arg(long, env = "GRAPHQL_MAX_ALIASES", default_value_t = 30, global = true)]
    pub max_aliases: u64,
    /// Most root fields in one operation.
    #[arg(
        long,
        env = "GRAPHQL_MAX_ROOT_FIELDS",
        default_value_t = 20,
        global = true
    )]
    pub max_root_fields: u64,
    /// Most directives on one field or fragment.
    #[arg(
        long,
        env = "GRAPHQL_MAX_DIRECTIVES",
        default_value_t = 5,
        global = true
    )]
    pub max_directives: usize,
    /// Most fields after expanding fragments.
    #[arg(
        long,
        env = "GRAPHQL_MAX_SELECTIONS",
        default_value_t = 5_000,
        global = true
    )]
    pub max_selections: u64,
    /// Most operations in one batch (a JSON array body).
    #[arg(long, env = "GRAPHQL_MAX_BATCH", default_value_t = 10, global = true)]
    pub max_batch: usize,
    /// Largest `variables` object, in bytes of JSON.
    #[arg(long, env = "GRAPHQL_MAX_VARIABLES_BYTES", default_value_t = 64 * 1024, global = true)]
    pub max_variables_bytes: usize,
    /// Time one operation may take, in milliseconds.
    #[arg(
        long,
        env = "GRAPHQL_TIMEOUT_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub timeout_ms: u64,
    /// Serve schema introspection (`false` for a locked-down deployment).
    #[arg(long, env = "GRAPHQL_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub introspection: bool,
    /// Serve GraphiQL at /graphiql.
    #[arg(long, env = "GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub graphiql: bool,
    /// Allow-list mode: a JSON file mapping SHA-256 hashes to registered operations; only
    /// those run.
    #[arg(long, env = "PERSISTED_QUERIES_FILE", global = true)]
    pub persisted_queries_file: Option<std::path::PathBuf>,
    /// How many automatic persisted queries each process remembers.
    #[arg(long, env = "APQ_CACHE_SIZE", default_value_t = 1_000, global = true)]
    pub apq_cache_size: usize,
    /// Operation names that get their own label in metrics (comma-separated), besides
    /// those of the persisted-query allow-list; every other name is counted as `other`.
    #[arg(
        long,
        env = "METRICS_OPERATION_NAMES",
        value_delimiter = ',',
        global = true
    )]
    pub metrics_operation_names: Vec<String>,
}

impl Default for GraphqlSettings {
    fn default() -> Self {
        Self {
            max_depth: 15,
            max_complexity: 20_000,
            max_aliases: 30,
            max_root_fields: 20,
            max_directives: 5,
            max_selections: 5_000,
            max_batch: 10,
            max_variables_bytes: 64 * 1024,
            timeout_ms: 10_000,
            introspection: true,
            graphiql: true,
            persisted_queries_file: None,
            apq_cache_size: 1_000,
            metrics_operation_names: Vec::new(),
        }
    }
}

/// Whether this is a production installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    /// Local development: a missing signing secret is generated for this process only.
    Development,
    /// Production: a signing secret or an identity provider's key is required.
    Production,
}

/// Authentication: how tokens are signed and checked.
#[derive(Debug, Clone, Args)]
pub struct AuthSettings {
    /// `production` refuses to start without a signing secret or public key;
    /// `development` generates a throw-away secret (tokens die with the process).
    #[arg(long, env = "APP_ENV", value_enum, default_value_t = Environment::Development, global = true)]
    pub environment: Environment,
    /// HS256 secret for the tokens this service issues at login (and accepts): at least
    /// 32 bytes of random data.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,
    /// PEM public key (RSA or EC P-256) of an external identity provider, for RS256/ES256
    /// tokens.
    #[arg(long, env = "JWT_PUBLIC_KEY_FILE", global = true)]
    pub jwt_public_key_file: Option<std::path::PathBuf>,
    /// JWKS file of an external identity provider; a token's `kid` picks a key from this
    /// file only.
    #[arg(long, env = "JWT_JWKS_FILE", global = true)]
    pub jwt_jwks_file: Option<std::path::PathBuf>,
    /// Accepted algorithms, comma-separated (HS256, RS256, ES256). Default: HS256 with a
    /// secret, RS256 and ES256 with a public key or JWKS.
    #[arg(long, env = "JWT_ALGORITHMS", value_delimiter = ',', global = true)]
    pub jwt_algorithms: Vec<String>,
    /// Required `iss` of accepted tokens (and set on issued ones).
    #[arg(long, env = "JWT_ISSUER", global = true)]
    pub jwt_issuer: Option<String>,
    /// Required `aud` of accepted tokens (and set on issued ones).
    #[arg(long, env = "JWT_AUDIENCE", global = true)]
    pub jwt_audience: Option<String>,
    /// Clock leeway for `exp` and `nbf`, in seconds.
    #[arg(long, env = "JWT_LEEWAY_SECS", default_value_t = 30, global = true)]
    pub jwt_leeway_secs: u64,
    /// Lifetime of access tokens issued at login, in seconds.
    #[arg(
        long,
        env = "ACCESS_TOKEN_TTL_SECS",
        default_value_t = 900,
        global = true
    )]
    pub access_token_ttl_secs: u64,
    /// Delay added to every failed login, in milliseconds.
    #[arg(
        long,
        env = "LOGIN_FAILURE_DELAY_MS",
        default_value_t = 400,
        global = true
    )]
    pub login_failure_delay_ms: u64,
    /// Failed logins per account (by email, whether or not it exists) before exponential
    /// back-off starts.
    #[arg(long, env = "LOGIN_ACCOUNT_ATTEMPTS", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub login_account_attempts: u32,
    /// Failed logins per client address (any account) before exponential back-off starts.
    #[arg(long, env = "LOGIN_ADDRESS_ATTEMPTS", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub login_address_attempts: u32,
    /// The first login back-off, in seconds; it doubles with each further failure.
    #[arg(long, env = "LOGIN_BACKOFF_BASE_SECS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub login_backoff_base_secs: u32,
    /// The longest login back-off, in seconds.
    #[arg(long, env = "LOGIN_BACKOFF_MAX_SECS", default_value_t = 3600, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub login_backoff_max_secs: u32,
    /// Failed logins are forgotten after this many seconds without an attempt; a success
    /// resets an account's count at once.
    #[arg(long, env = "LOGIN_FAILURE_WINDOW_SECS", default_value_t = 86_400, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub login_failure_window_secs: u32,
}

impl AuthSettings {
    /// Settings for tests: HS256 with the given secret, no issuer or audience.
    pub fn with_secret(secret: impl Into<String>) -> Self {
        Self {
            environment: Environment::Production,
            jwt_secret: Some(secret.into()),
            jwt_public_key_file: None,
            jwt_jwks_file: None,
            jwt_algorithms: Vec::new(),
            jwt_issuer: None,
            jwt_audience: None,
            jwt_leeway_secs: 30,
            access_token_ttl_secs: 900,
            login_failure_delay_ms: 0,
            login_account_attempts: 10,
            login_address_attempts: 100,
            login_backoff_base_secs: 30,
            login_backoff_max_secs: 3600,
            login_failure_window_secs: 86_400,
        }
    }

    /// The login throttling rules.
    pub fn login_throttle(&self) -> crate::auth::login_throttle::ThrottleRules {
        crate::auth::login_throttle::ThrottleRules {
            account_attempts: self.login_account_attempts,
            address_attempts: self.login_address_attempts,
            backoff_base_secs: i64::from(self.login_backoff_base_secs),
            backoff_max_secs: i64::from(self.login_backoff_max_secs),
            window_secs: i64::from(self.login_failure_window_secs),
        }
    }
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
                acquire_timeout_ms: 3_000,
                startup_timeout_secs: 30,
                sqlite_max_size_mb: 0,
                idle_timeout_secs: 30,
                sqlite_cache_kib: DEFAULT_SQLITE_CACHE_KIB,
                statement_cache: DEFAULT_STATEMENT_CACHE,
            },
            http: HttpSettings {
                bind: "127.0.0.1:0".to_owned(),
                workers: 2,
                graphql_max_body_bytes: 1024 * 1024,
                import_max_body_bytes: 10 * 1024 * 1024,
                import_max_rows: 100_000,
                cors_allowed_origins: Vec::new(),
                rate_limit_per_minute: 0,
                trust_forwarded_for: false,
                metrics: true,
                shutdown_drain_secs: 0,
                shutdown_timeout_secs: 5,
            },
            log: LogSettings {
                log_level: "warn".to_owned(),
                log_format: LogFormat::Human,
            },
            auth: AuthSettings::with_secret("test-secret-test-secret-test-secret-0123456789"),
            study_min_group_size: 5,
            graphql: GraphqlSettings::default(),
            feed: FeedSettings::default(),
            read_model: ReadModelSettings::default(),
            webhooks: WebhookSettings::default(),
            demo: false,
        }
    }
}

impl DatabaseSettings {
    pub fn statement_timeout(&self) -> Duration {
        Duration::from_secs(self.statement_timeout_secs)
    }

    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_millis(self.acquire_timeout_ms.max(1))
    }

    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs.max(1))
    }

    pub fn startup_timeout(&self) -> Duration {
        Duration::from_secs(self.startup_timeout_secs)
    }
}
