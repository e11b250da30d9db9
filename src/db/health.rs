//! Whether the database can serve: answering at all, and accepting writes.
//!
//! A probe runs on a connection of its own, outside the pool, so a saturated pool does
//! not look like a dead database and a dead database is found within the probe's short
//! timeout instead of the pool's. A monitor probes every second; requests are turned
//! away at once with 503 `DATABASE_UNAVAILABLE` while the last probe failed, and flow
//! again as soon as one succeeds (no restart).

use super::{CONNECT_TIMEOUT, Engine, redact, sqlite};
use crate::config::DatabaseSettings;
use sea_orm::sqlx::{self, Connection as _, Executor as _};
use std::str::FromStr;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// What the database can do at the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Reads and writes.
    Ready,
    /// Reads only: a read-only file, or a PostgreSQL standby.
    ReadOnly,
    /// It does not answer (or answers with errors).
    Unavailable,
}

impl Availability {
    fn from_u8(value: u8) -> Self {
        match value {
            0 => Self::Ready,
            1 => Self::ReadOnly,
            _ => Self::Unavailable,
        }
    }

    fn as_u8(self) -> u8 {
        match self {
            Self::Ready => 0,
            Self::ReadOnly => 1,
            Self::Unavailable => 2,
        }
    }
}

/// How often the monitor probes.
pub const MONITOR_INTERVAL: Duration = Duration::from_secs(1);

/// The probe's budget: readiness answers within it.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(800);

enum ProbeConnection {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

struct Inner {
    engine: Engine,
    url: String,
    bounds: sqlite::Bounds,
    state: AtomicU8,
    probe: tokio::sync::Mutex<Option<ProbeConnection>>,
}

/// The database's health as last probed; cheap to clone and share.
#[derive(Clone)]
pub struct DatabaseHealth(Arc<Inner>);

impl DatabaseHealth {
    /// Starts as `Ready` (start-up has just prepared the database); the first probe
    /// corrects it.
    pub fn new(settings: &DatabaseSettings) -> anyhow::Result<Self> {
        Ok(Self(Arc::new(Inner {
            engine: Engine::of(&settings.database_url)?,
            url: settings.database_url.clone(),
            bounds: sqlite::Bounds::of(settings),
            state: AtomicU8::new(Availability::Ready.as_u8()),
            probe: tokio::sync::Mutex::new(None),
        })))
    }

    /// The outcome of the last probe.
    pub fn last(&self) -> Availability {
        Availability::from_u8(self.0.state.load(Ordering::SeqCst))
    }

    /// Probes now, within `timeout`, and remembers the outcome.
    pub async fn check(&self, timeout: Duration) -> Availability {
        let outcome = match tokio::time::timeout(timeout, self.probe()).await {
            Ok(Ok(availability)) => availability,
            Ok(Err(err)) => {
                tracing::warn!(error = %err, database = %redact(&self.0.url), "database probe failed");
                Availability::Unavailable
            }
            Err(_) => {
                tracing::warn!(database = %redact(&self.0.url), "database probe got no answer in time");
                Availability::Unavailable
            }
        };
        let before = Availability::from_u8(self.0.state.swap(outcome.as_u8(), Ordering::SeqCst));
        if before != outcome {
            tracing::warn!(?before, now = ?outcome, "database availability changed");
        }
        outcome
    }

    async fn probe(&self) -> anyhow::Result<Availability> {
        let mut slot = self.0.probe.lock().await;
        if slot.is_none() {
            *slot = Some(self.connect().await?);
        }
        let result = match slot.as_mut() {
            Some(ProbeConnection::Sqlite(conn)) => sqlite_accepts_writes(conn).await,
            Some(ProbeConnection::Postgres(conn)) => postgres_accepts_writes(conn).await,
            None => Err(anyhow::anyhow!("no probe connection")),
        };
        match result {
            Ok(true) => Ok(Availability::Ready),
            Ok(false) => Ok(Availability::ReadOnly),
            Err(err) => {
                // A broken or doubtful probe connection is replaced on the next probe.
                *slot = None;
                Err(err)
            }
        }
    }

    async fn connect(&self) -> anyhow::Result<ProbeConnection> {
        let inner = &self.0;
        Ok(match inner.engine {
            Engine::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(&inner.url)?;
                // No busy timeout: a writer holding the lock answers "busy" at once,
                // which already tells that the database takes writes.
                let options =
                    sqlite::connection_options(options, inner.bounds).busy_timeout(Duration::ZERO);
                ProbeConnection::Sqlite(sqlx::SqliteConnection::connect_with(&options).await?)
            }
            Engine::Postgres => {
                let options = sqlx::postgres::PgConnectOptions::from_str(&inner.url)?;
                let connect = sqlx::PgConnection::connect_with(&options);
                ProbeConnection::Postgres(
                    tokio::time::timeout(CONNECT_TIMEOUT, connect)
                        .await
                        .map_err(|_| anyhow::anyhow!("no answer to connecting"))??,
                )
            }
        })
    }

    /// Probes every `MONITOR_INTERVAL` while anything else holds this health.
    pub fn spawn_monitor(&self) {
        let weak: Weak<Inner> = Arc::downgrade(&self.0);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(MONITOR_INTERVAL).await;
                let Some(inner) = weak.upgrade() else { return };
                DatabaseHealth(inner).check(PROBE_TIMEOUT).await;
            }
        });
    }
}

/// Whether a SQLite connection may write. `BEGIN IMMEDIATE` alone is not enough (a
/// read-only connection to a WAL database gets it); rewriting the header's user version
/// with its own value inside it is a write that a read-only database refuses, and the
/// rollback leaves nothing behind.
pub async fn sqlite_accepts_writes(conn: &mut sqlx::SqliteConnection) -> anyhow::Result<bool> {
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&mut *conn)
        .await?;
    if let Err(err) = conn.execute("BEGIN IMMEDIATE").await {
        return match sqlite_code(&err) {
            // SQLITE_BUSY: another connection is writing, so writes are possible.
            Some(5) => Ok(true),
            Some(8) => Ok(false),
            _ => Err(err.into()),
        };
    }
    let statement = format!("PRAGMA user_version = {version}");
    let written = conn.execute(sqlx::AssertSqlSafe(statement)).await;
    conn.execute("ROLLBACK").await?;
    match written {
        Ok(_) => Ok(true),
        Err(err) if sqlite_code(&err) == Some(8) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// SQLite's primary result code of an error, if it is a database error.
fn sqlite_code(err: &sqlx::Error) -> Option<i32> {
    let code: i32 = err.as_database_error()?.code()?.parse().ok()?;
    Some(code & 0xff)
}

/// Whether a PostgreSQL server takes writes: not a standby, not read-only by default.
pub async fn postgres_accepts_writes(conn: &mut sqlx::PgConnection) -> anyhow::Result<bool> {
    let read_only: bool = sqlx::query_scalar(
        "SELECT pg_is_in_recovery() OR current_setting('default_transaction_read_only') = 'on'",
    )
    .fetch_one(conn)
    .await?;
    Ok(!read_only)
}
