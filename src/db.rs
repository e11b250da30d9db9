//! Connecting to SQLite or PostgreSQL (the URL decides) and migrating.

use crate::config::DatabaseSettings;
use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::{self, Connection as _};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

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

/// Opens the connection pool with the engine's safety settings.
///
/// SQLite: the file and its folder are created, WAL journal, foreign keys enforced, and a
/// busy timeout so concurrent writers queue. PostgreSQL: the database is created when
/// missing, and every statement has a timeout.
pub async fn connect(settings: &DatabaseSettings) -> anyhow::Result<DatabaseConnection> {
    let url = settings.database_url.as_str();
    let engine = Engine::of(url)?;
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(settings.pool_size.max(1))
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    match engine {
        Engine::Sqlite => {
            ensure_sqlite_folder(url)?;
            options.map_sqlx_sqlite_opts(|opts| {
                opts.create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
        }
        Engine::Postgres => {
            ensure_postgres_database(url).await?;
            let timeout_ms = settings.statement_timeout().as_millis().to_string();
            options.map_sqlx_postgres_opts(move |opts| {
                opts.options([("statement_timeout", timeout_ms.as_str())])
            });
        }
    }
    Database::connect(options)
        .await
        .with_context(|| format!("could not connect to {}", redact(url)))
}

/// Connects and applies every pending migration.
pub async fn connect_and_migrate(
    settings: &DatabaseSettings,
) -> anyhow::Result<DatabaseConnection> {
    let conn = connect(settings).await?;
    migrate(&conn).await?;
    Ok(conn)
}

pub async fn migrate(conn: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(conn, None).await.context("migration failed")
}

fn ensure_sqlite_folder(url: &str) -> anyhow::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        return Ok(());
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("could not create the folder {}", parent.display()))?;
    }
    Ok(())
}

/// Creates the target database through the server's maintenance database when missing.
async fn ensure_postgres_database(url: &str) -> anyhow::Result<()> {
    let target = sqlx::postgres::PgConnectOptions::from_str(url).context("invalid DATABASE_URL")?;
    let Some(name) = target.get_database().map(str::to_owned) else {
        return Ok(());
    };
    let mut admin = sqlx::PgConnection::connect_with(&target.clone().database("postgres"))
        .await
        .with_context(|| {
            format!(
                "could not connect to the PostgreSQL server of {}",
                redact(url)
            )
        })?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await?;
    if !exists {
        let statement = format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""));
        // Another replica may create it at the same moment; that is fine.
        if let Err(err) = sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut admin)
            .await
        {
            let duplicate = err
                .as_database_error()
                .and_then(|e| e.code())
                .is_some_and(|code| code == "42P04" || code == "23505");
            if !duplicate {
                return Err(err).context("could not create the database");
            }
        }
        tracing::info!(database = %name, "created the database");
    }
    admin.close().await.ok();
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
