//! Connecting to SQLite or PostgreSQL (the URL decides) and migrating. What is particular
//! to each engine lives in `sqlite` and `postgres`.

pub mod health;
mod postgres;
pub mod sqlite;

use crate::config::DatabaseSettings;
use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one attempt to reach the server may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Which engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres://")
        }
    }
}

/// Opens the connection pool with the engine's safety settings (see `sqlite` and
/// `postgres`). PostgreSQL: the database is created when missing.
pub async fn connect(settings: &DatabaseSettings) -> anyhow::Result<DatabaseConnection> {
    let url = settings.database_url.as_str();
    match Engine::of(url)? {
        Engine::Sqlite => ensure_sqlite_folder(url)?,
        Engine::Postgres => {
            postgres::ensure_database(url, settings.acquire_timeout().max(CONNECT_TIMEOUT)).await?
        }
    }
    open_pool(settings, Opening::Now).await
}

/// A small pool of `connections` for one of the replica's periodic tasks (the feed's
/// poll, the webhook worker: each reads about once a second), apart from the requests'
/// pool, over the database `connect` already made sure of. A pool hands out the
/// connection idle the longest first, so those polls, taking turns with every connection
/// a burst of requests had opened, kept all of them from ever reaching their idle
/// timeout: after a load on SQLite ten connections stayed open with their page and
/// statement caches (about 13 MiB) for good.
///
/// Opened lazily: the pool connects in the background. Start-up does not wait for these
/// connections, each a TLS handshake against a PostgreSQL that offers TLS (50–90 ms
/// measured), and the requests' pool has already shown that the database answers.
pub async fn connect_background(
    settings: &DatabaseSettings,
    connections: u32,
) -> anyhow::Result<DatabaseConnection> {
    let settings = DatabaseSettings {
        pool_size: connections,
        ..settings.clone()
    };
    open_pool(&settings, Opening::Lazy).await
}

/// When a pool opens its first connection.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// Before the pool is handed out: a database that cannot be reached fails here.
    Now,
    /// On first use.
    Lazy,
}

/// The pool itself, every connection opened with the engine's settings.
async fn open_pool(
    settings: &DatabaseSettings,
    opening: Opening,
) -> anyhow::Result<DatabaseConnection> {
    let url = settings.database_url.as_str();
    let mut options = ConnectOptions::new(url);
    options
        .connect_lazy(opening == Opening::Lazy)
        .max_connections(settings.pool_size.max(1))
        .min_connections(1)
        .acquire_timeout(settings.acquire_timeout())
        .idle_timeout(settings.idle_timeout())
        .sqlx_logging(false);
    match Engine::of(url)? {
        Engine::Sqlite => sqlite::configure(&mut options, settings),
        Engine::Postgres => postgres::configure(&mut options, settings),
    }
    Database::connect(options)
        .await
        .with_context(|| format!("could not connect to {}", redact(url)))
}

pub async fn migrate(conn: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(conn, None).await.context("migration failed")
}

/// The file of a SQLite URL; None for an in-memory database.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(':') || path.contains("mode=memory") {
        return None;
    }
    Some(PathBuf::from(path))
}

/// Creates the folder of a SQLite file when missing.
pub fn ensure_sqlite_folder(url: &str) -> anyhow::Result<()> {
    if let Some(parent) = sqlite_path(url)
        .as_deref()
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("could not create the folder {}", parent.display()))?;
    }
    Ok(())
}

/// A URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}
