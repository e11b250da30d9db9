//! What a process keeps between bursts is bounded by its settings: pooled connections a
//! burst opened are closed again when idle, and each connection keeps at most the
//! configured prepared statements (and, on SQLite, the configured page cache).

use crate::helpers::{Backend, TestDatabase, on_both_engines};
use cemr_api::config::{DatabaseSettings, Settings};
use cemr_api::startup::Application;
use sea_orm::sqlx::{self, Connection as _};
use sea_orm::{DatabaseConnection, TransactionTrait};
use std::time::{Duration, Instant};

on_both_engines!(
    backend: connections_a_burst_opened_are_closed_when_idle,
    a_running_replicas_periodic_work_keeps_no_idle_connection_open,
    a_connection_keeps_only_the_configured_caches
);

async fn settings(backend: Backend) -> (TestDatabase, DatabaseSettings) {
    let (database, url) = TestDatabase::create(backend).await;
    (database, Settings::for_database(url).database)
}

fn pool_size(backend: Backend, db: &DatabaseConnection) -> u32 {
    match backend {
        Backend::Sqlite => db.get_sqlite_connection_pool().size(),
        Backend::Postgres => db.get_postgres_connection_pool().size(),
    }
}

async fn connections_a_burst_opened_are_closed_when_idle(backend: Backend) {
    let (_database, mut settings) = settings(backend).await;
    settings.pool_size = 4;
    settings.idle_timeout_secs = 1;
    let db = cemr_api::db::connect(&settings).await.expect("connect");
    let mut burst = Vec::new();
    for _ in 0..4 {
        burst.push(db.begin().await.expect("begin"));
    }
    assert_eq!(
        pool_size(backend, &db),
        4,
        "the burst holds four connections"
    );
    drop(burst);
    let deadline = Instant::now() + Duration::from_secs(15);
    while pool_size(backend, &db) > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(pool_size(backend, &db), 1, "idle connections were kept");
}

/// The feed's poll and the webhook worker read every few milliseconds here; a pool hands
/// out its longest-idle connection first, so on the requests' pool they would keep every
/// connection of a burst busy in turn and none would ever be idle long enough to close.
async fn a_running_replicas_periodic_work_keeps_no_idle_connection_open(backend: Backend) {
    let (_database, url) = TestDatabase::create(backend).await;
    let mut settings = Settings::for_database(url);
    settings.database.pool_size = 6;
    settings.database.idle_timeout_secs = 1;
    settings.feed.feed_poll_interval_ms = 20;
    settings.webhooks.webhook_poll_interval_ms = 20;
    let db = cemr_api::startup::prepare_database(&settings.database, false)
        .await
        .expect("database");
    let app = Application::build_with_database(settings, db.clone())
        .await
        .expect("the application builds");
    let shutdown = app.shutdown_handle();
    tokio::spawn(app.run_until_stopped());
    let mut burst = Vec::new();
    for _ in 0..6 {
        burst.push(db.begin().await.expect("begin"));
    }
    drop(burst);
    let deadline = Instant::now() + Duration::from_secs(15);
    while pool_size(backend, &db) > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let left = pool_size(backend, &db);
    shutdown.begin().await;
    assert_eq!(
        left, 1,
        "the burst's connections stayed open while the replica ran"
    );
}

async fn a_connection_keeps_only_the_configured_caches(backend: Backend) {
    let (_database, mut settings) = settings(backend).await;
    settings.statement_cache = 3;
    settings.sqlite_cache_kib = 512;
    let db = cemr_api::db::connect(&settings).await.expect("connect");
    let distinct = |i: i32| sqlx::AssertSqlSafe(format!("SELECT {i} + 1"));
    match backend {
        Backend::Sqlite => {
            let mut conn = db
                .get_sqlite_connection_pool()
                .acquire()
                .await
                .expect("acquire");
            for i in 0..10 {
                let _: i32 = sqlx::query_scalar(distinct(i))
                    .fetch_one(&mut *conn)
                    .await
                    .expect("select");
            }
            assert_eq!(conn.cached_statements_size(), 3);
            let cache: i64 = sqlx::query_scalar("PRAGMA cache_size")
                .fetch_one(&mut *conn)
                .await
                .expect("cache_size");
            assert_eq!(cache, -512, "a negative cache_size is in KiB");
        }
        Backend::Postgres => {
            let mut conn = db
                .get_postgres_connection_pool()
                .acquire()
                .await
                .expect("acquire");
            for i in 0..10 {
                let _: i32 = sqlx::query_scalar(distinct(i))
                    .fetch_one(&mut *conn)
                    .await
                    .expect("select");
            }
            assert_eq!(conn.cached_statements_size(), 3);
            let prepared: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_prepared_statements")
                .fetch_one(&mut *conn)
                .await
                .expect("prepared statements");
            // The server's session holds no more than the cache: evicted ones are closed.
            assert!(
                prepared <= 4,
                "{prepared} statements prepared on the server"
            );
        }
    }
}
