//! SQLite's connection settings, and the pool rule that keeps a full disk from losing
//! acknowledged writes.
//!
//! When a statement fails with SQLITE_FULL, SQLITE_IOERR or SQLITE_NOMEM, SQLite may roll
//! the whole transaction back by itself. The driver (sqlx 0.9) counts transaction depth
//! on its side and lowers it only when its own `ROLLBACK` succeeds; that `ROLLBACK` now
//! fails ("no transaction is active"), so the connection goes back to the pool counted as
//! inside a transaction while SQLite is in autocommit mode. The next `begin` on it then
//! issues `SAVEPOINT` instead of `BEGIN IMMEDIATE`: a deferred transaction whose failure
//! path (`ROLLBACK TO`) leaves it open, holding the write lock, with every later
//! "transaction" on that connection a savepoint inside it whose "commit" commits nothing.
//! Writes are acknowledged and lost, and other connections see "database is locked".
//!
//! So a connection whose transaction depth is not zero when it is released is closed
//! instead of reused: its state is uncertain, and a fresh connection costs little.

use crate::config::DatabaseSettings;
use sea_orm::ConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::sqlx::{self, Connection as _};
use std::time::Duration;

/// How long a write waits for SQLite's write lock before it answers 503.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// SQLite's page size for new databases; the size cap counts pages of this size.
const PAGE_SIZE: u64 = 4096;

/// WAL journal, foreign keys enforced, a busy timeout so concurrent writers queue, the
/// optional size cap, bounded caches, and the pool rule above.
pub fn configure(options: &mut ConnectOptions, settings: &DatabaseSettings) {
    let bounds = Bounds::of(settings);
    options.map_sqlx_sqlite_opts(move |opts| connection_options(opts, bounds));
    options.map_sqlx_sqlite_pool_opts(|pool| {
        pool.after_release(|conn, _meta| Box::pin(release_if_settled(conn)))
    });
}

/// What one connection may hold: on disk (the size cap) and in memory (its page cache and
/// its prepared statements, both kept for the connection's life and multiplied by the
/// pool's size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// The size cap in pages, if any.
    pub max_pages: Option<u64>,
    pub cache_kib: u32,
    pub statement_cache: usize,
}

impl Bounds {
    pub fn of(settings: &DatabaseSettings) -> Self {
        Self {
            max_pages: (settings.sqlite_max_size_mb > 0)
                .then(|| settings.sqlite_max_size_mb.saturating_mul(1024 * 1024) / PAGE_SIZE),
            cache_kib: settings.sqlite_cache_kib,
            statement_cache: settings.statement_cache,
        }
    }
}

/// The options every SQLite connection of the service is opened with.
pub fn connection_options(opts: SqliteConnectOptions, bounds: Bounds) -> SqliteConnectOptions {
    let opts = opts
        .create_if_missing(true)
        .page_size(PAGE_SIZE as u32)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        .statement_cache_capacity(bounds.statement_cache)
        // A negative cache_size is in KiB rather than pages.
        .pragma("cache_size", format!("-{}", bounds.cache_kib));
    match bounds.max_pages {
        Some(pages) => opts.pragma("max_page_count", pages.to_string()),
        None => opts,
    }
}

/// Whether a released connection may go back to the pool: only when it is known to be
/// outside any transaction.
async fn release_if_settled(conn: &mut sqlx::SqliteConnection) -> Result<bool, sqlx::Error> {
    // A dropped transaction queues its ROLLBACK on the connection's worker; a round trip
    // after it makes the depth below the outcome of that ROLLBACK.
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!(
            "closing a database connection whose transaction state is uncertain \
             (SQLite rolled back by itself, e.g. on a full disk)"
        );
        return Ok(false);
    }
    Ok(true)
}
