//! Preparing the database before serving: connect, migrate, load the reference data.
//!
//! One process at a time: on SQLite a lock file beside the database (`<file>.lock`, held
//! with an OS file lock, so a crashed holder releases it), on PostgreSQL an advisory
//! lock; a second process (another `serve`, `seed`, `migrate`, a replica) waits its turn
//! and then finds the work done. Start-up waits for the database at most
//! `DB_STARTUP_TIMEOUT_SECS`, saying in the log what it waits for, and then gives up with
//! an error naming it. A read-only database is served read-only, if its schema is current.

use crate::config::DatabaseSettings;
use crate::db::health::{Availability, DatabaseHealth};
use crate::db::{self, CONNECT_TIMEOUT, Engine, redact};
use crate::seed;
use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use sea_orm::sqlx::{self, Connection as _};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The pause between two attempts to reach the database.
const RETRY_PAUSE: Duration = Duration::from_secs(1);

/// The advisory lock's key: any constant unique to this service ("cemr" in ASCII).
const STARTUP_LOCK_KEY: i64 = 0x6365_6d72;

/// Connects, migrates and loads the reference data (and the demo register with `demo`).
pub async fn prepare_database(
    settings: &DatabaseSettings,
    demo: bool,
) -> anyhow::Result<DatabaseConnection> {
    prepare(settings, Some(demo)).await
}

/// Connects and migrates, without seeding.
pub async fn migrate_database(settings: &DatabaseSettings) -> anyhow::Result<DatabaseConnection> {
    prepare(settings, None).await
}

/// `seed`: None to migrate only, Some(demo) to load the reference data too.
async fn prepare(
    settings: &DatabaseSettings,
    seed: Option<bool>,
) -> anyhow::Result<DatabaseConnection> {
    let deadline = Deadline::after(settings.startup_timeout());
    let url = settings.database_url.as_str();
    let file_lock = match Engine::of(url)? {
        Engine::Sqlite => lock_file(url, &deadline).await?,
        Engine::Postgres => None,
    };
    let conn = connect(settings, &deadline).await?;
    let advisory = match Engine::of(url)? {
        Engine::Postgres => Some(AdvisoryLock::acquire(url, &deadline).await?),
        Engine::Sqlite => None,
    };
    let prepared = migrate_and_seed(&conn, settings, seed).await;
    if let Some(lock) = advisory {
        lock.release().await;
    }
    drop(file_lock);
    prepared.map(|()| conn)
}

async fn migrate_and_seed(
    conn: &DatabaseConnection,
    settings: &DatabaseSettings,
    seed: Option<bool>,
) -> anyhow::Result<()> {
    match DatabaseHealth::new(settings)?.check(CONNECT_TIMEOUT).await {
        Availability::Ready => {}
        Availability::ReadOnly => {
            let pending = Migrator::get_pending_migrations_read_only(conn)
                .await
                .context("the database is read-only and its schema could not be read")?;
            anyhow::ensure!(
                pending.is_empty(),
                "the database is read-only and {} migration(s) are pending: make it writable to upgrade it",
                pending.len()
            );
            tracing::warn!(
                "the database is read-only: serving reads; writes answer 503 DATABASE_READ_ONLY"
            );
            return Ok(());
        }
        Availability::Unavailable => {
            anyhow::bail!("the database stopped answering during start-up")
        }
    }
    db::migrate(conn).await?;
    if let Some(demo) = seed {
        seed::reference::load(conn).await?;
        if demo {
            seed::demo::load(conn).await?;
        }
    }
    Ok(())
}

/// When start-up gives up.
struct Deadline {
    at: Instant,
    total: Duration,
}

impl Deadline {
    fn after(total: Duration) -> Self {
        Self {
            at: Instant::now() + total,
            total,
        }
    }

    fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    fn passed(&self) -> bool {
        self.remaining().is_zero()
    }

    fn give_up(&self, waiting_for: &str, cause: impl std::fmt::Display) -> anyhow::Error {
        anyhow::anyhow!(
            "gave up after {} s (DB_STARTUP_TIMEOUT_SECS) waiting for {waiting_for}: {cause}",
            self.total.as_secs()
        )
    }
}

/// Opens the pool, retrying until the deadline with a log line per failed attempt.
async fn connect(
    settings: &DatabaseSettings,
    deadline: &Deadline,
) -> anyhow::Result<DatabaseConnection> {
    let target = format!("the database at {}", redact(&settings.database_url));
    tracing::info!(database = %redact(&settings.database_url), "connecting to the database");
    for attempt in 1.. {
        // Every attempt gets a little time, even with no time left for retries.
        let budget = deadline.remaining().max(Duration::from_secs(1));
        let error = match tokio::time::timeout(budget, db::connect(settings)).await {
            Ok(Ok(conn)) => return Ok(conn),
            Ok(Err(err)) => format!("{err:#}"),
            Err(_) => format!("no answer within {} s", budget.as_secs_f32()),
        };
        if deadline.passed() {
            return Err(deadline.give_up(&target, error));
        }
        tracing::warn!(
            database = %redact(&settings.database_url),
            attempt,
            error = %error,
            gives_up_in_secs = deadline.remaining().as_secs(),
            "waiting for the database"
        );
        tokio::time::sleep(RETRY_PAUSE.min(deadline.remaining())).await;
    }
    unreachable!("the attempts loop only returns")
}

/// The SQLite start-up lock file, or None for an in-memory database or a folder where no
/// lock file can be made (a read-only one: nothing will be migrated there either).
async fn lock_file(url: &str, deadline: &Deadline) -> anyhow::Result<Option<std::fs::File>> {
    let Some(database) = db::sqlite_path(url) else {
        return Ok(None);
    };
    db::ensure_sqlite_folder(url)?;
    let path = PathBuf::from(format!("{}.lock", database.display()));
    let file = match std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(err) => {
            tracing::warn!(lock = %path.display(), error = %err, "no start-up lock file; starting without one");
            return Ok(None);
        }
    };
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => {
                if deadline.passed() {
                    return Err(deadline.give_up(
                        &format!("another process to finish preparing {}", database.display()),
                        format!("{} is still locked", path.display()),
                    ));
                }
                if !said {
                    tracing::info!(
                        lock = %path.display(),
                        "waiting for another process to finish migrating and seeding the database"
                    );
                    said = true;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(std::fs::TryLockError::Error(err)) => {
                tracing::warn!(lock = %path.display(), error = %err, "the start-up lock file cannot be locked; starting without it");
                return Ok(None);
            }
        }
    }
}

/// A PostgreSQL session advisory lock held on its own connection.
struct AdvisoryLock(sqlx::PgConnection);

impl AdvisoryLock {
    async fn acquire(url: &str, deadline: &Deadline) -> anyhow::Result<Self> {
        let options = sqlx::postgres::PgConnectOptions::from_str(url)?;
        let connect = sqlx::PgConnection::connect_with(&options);
        let mut conn = tokio::time::timeout(CONNECT_TIMEOUT, connect)
            .await
            .map_err(|_| anyhow::anyhow!("no answer to connecting for the start-up lock"))?
            .context("start-up lock")?;
        let mut said = false;
        loop {
            let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(STARTUP_LOCK_KEY)
                .fetch_one(&mut conn)
                .await?;
            if locked {
                return Ok(Self(conn));
            }
            if deadline.passed() {
                return Err(deadline.give_up(
                    "another replica to finish migrating",
                    "the start-up advisory lock is still held",
                ));
            }
            if !said {
                tracing::info!("waiting for another replica to finish migrating and seeding");
                said = true;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    async fn release(mut self) {
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(STARTUP_LOCK_KEY)
            .execute(&mut self.0)
            .await;
        let _ = self.0.close().await;
    }
}
