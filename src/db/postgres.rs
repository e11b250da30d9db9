//! PostgreSQL's connection settings, and creating the database when it is missing.

use super::redact;
use crate::config::DatabaseSettings;
use anyhow::Context;
use sea_orm::ConnectOptions;
use sea_orm::sqlx::{self, Connection as _};
use std::str::FromStr;
use std::time::Duration;

/// A statement timeout on every connection, so no query holds a connection forever, and
/// a bounded cache of prepared statements (each also held by the server's backend).
pub fn configure(options: &mut ConnectOptions, settings: &DatabaseSettings) {
    let timeout_ms = settings.statement_timeout().as_millis().to_string();
    let statement_cache = settings.statement_cache;
    options.map_sqlx_postgres_opts(move |opts| {
        opts.options([("statement_timeout", timeout_ms.as_str())])
            .statement_cache_capacity(statement_cache)
    });
}

/// Creates the target database through the server's maintenance database when missing.
/// Each step is bounded by `timeout`: a server that accepts connections and never
/// answers must not hang start-up.
pub async fn ensure_database(url: &str, timeout: Duration) -> anyhow::Result<()> {
    let target = sqlx::postgres::PgConnectOptions::from_str(url).context("invalid DATABASE_URL")?;
    let Some(name) = target.get_database().map(str::to_owned) else {
        return Ok(());
    };
    let maintenance = target.clone().database("postgres");
    let connect = sqlx::PgConnection::connect_with(&maintenance);
    let mut admin = tokio::time::timeout(timeout, connect)
        .await
        .map_err(|_| anyhow::anyhow!("no answer within {} s", timeout.as_secs()))?
        .with_context(|| {
            format!(
                "could not connect to the PostgreSQL server of {}",
                redact(url)
            )
        })?;
    let exists = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(&name)
        .fetch_one(&mut admin);
    let exists: bool = tokio::time::timeout(timeout, exists)
        .await
        .map_err(|_| anyhow::anyhow!("no answer within {} s", timeout.as_secs()))??;
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
