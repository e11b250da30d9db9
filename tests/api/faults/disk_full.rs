//! A full disk on SQLite, made with the service's own size cap (`SQLITE_MAX_SIZE_MB`,
//! SQLite's `max_page_count`): writes answer 503 `STORAGE_FULL`, nothing acknowledged is
//! lost, and writes succeed again by themselves once space returns.

use super::process;
use crate::helpers::{Backend, admin_token, spawn_app_with};
use cemr_api::config::Settings;
use cemr_api::db;
use cemr_api::services::writing;
use cemr_api::startup::Application;
use migration::MigratorTrait as _;
use sea_orm::sqlx::{self, Connection as _};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::str::FromStr;
use tokio::task::JoinSet;

fn is_full(err: &DbErr) -> bool {
    err.to_string().contains("full")
}

/// Inserts 64 KiB blobs into `filler` until the database refuses (or `limit_bytes`).
async fn fill(db: &DatabaseConnection, limit_bytes: Option<i64>) {
    db.execute_unprepared("CREATE TABLE IF NOT EXISTS filler (b BLOB)")
        .await
        .expect("filler table");
    loop {
        if let Some(limit) = limit_bytes {
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
                ))
                .await
                .expect("size")
                .expect("a row");
            if row.try_get_by_index::<i64>(0).expect("bytes") >= limit {
                return;
            }
        }
        match db
            .execute_unprepared("INSERT INTO filler VALUES (randomblob(65536))")
            .await
        {
            Ok(_) => {}
            Err(err) if is_full(&err) => return,
            Err(err) => panic!("filling failed otherwise: {err}"),
        }
    }
}

async fn sqlite_count(url: &str, sql: &str) -> i64 {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).expect("url");
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("a fresh connection");
    let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut conn)
        .await
        .expect("count");
    conn.close().await.ok();
    count
}

/// The mechanism, on one pooled connection: SQLite rolls a transaction back by itself on
/// SQLITE_FULL, the driver's ROLLBACK fails and leaves it counting the connection as
/// inside a transaction. Reused, the connection would turn the next transaction into a
/// SAVEPOINT whose failure leaves it open, and the one after into a nested savepoint
/// whose "commit" writes nothing. The pool must close such a connection instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_sqlite_rolled_back_by_itself_does_not_swallow_later_commits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("full.sqlite").display());
    let mut settings = Settings::for_database(url.clone()).database;
    settings.pool_size = 1;
    settings.sqlite_max_size_mb = 1;
    let db = db::connect(&settings).await.expect("connect");
    // The schema the service always has (every commit numbers its change-feed rows).
    migration::Migrator::up(&db, None)
        .await
        .expect("migrations");
    db.execute_unprepared("CREATE TABLE acknowledged (n INTEGER UNIQUE)")
        .await
        .expect("table");
    fill(&db, None).await;

    // 1. Full: SQLite rolls this transaction back by itself.
    let full = writing::transaction(&db, async |txn| {
        txn.execute_unprepared("INSERT INTO filler VALUES (randomblob(65536))")
            .await?;
        Ok(())
    })
    .await;
    let Err(err) = full else {
        panic!("the insert past the cap succeeded")
    };
    assert_eq!(err.code(), "STORAGE_FULL");

    // Space returns (another process, say, deletes something).
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(&url).expect("url");
    let mut other = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("connect");
    sqlx::query("DELETE FROM filler")
        .execute(&mut other)
        .await
        .expect("space freed");
    other.close().await.ok();

    // 2. A write that fails half-way (the second statement breaks a unique key).
    let failed = writing::transaction(&db, async |txn| {
        txn.execute_unprepared("INSERT INTO acknowledged VALUES (0)")
            .await?;
        txn.execute_unprepared("INSERT INTO acknowledged VALUES (0)")
            .await?;
        Ok(())
    })
    .await;
    assert!(failed.is_err(), "the duplicate was refused");

    // 3. A write that is acknowledged…
    writing::transaction(&db, async |txn| {
        txn.execute_unprepared("INSERT INTO acknowledged VALUES (1)")
            .await?;
        Ok(())
    })
    .await
    .expect("the write is acknowledged");

    // …is committed: another connection (a restart) sees it, and can write itself.
    assert_eq!(
        sqlite_count(&url, "SELECT COUNT(*) FROM acknowledged WHERE n = 1").await,
        1,
        "an acknowledged write was not committed"
    );
    assert_eq!(
        sqlite_count(&url, "SELECT COUNT(*) FROM acknowledged WHERE n = 0").await,
        0
    );
    let mut other = sqlx::SqliteConnection::connect_with(
        &options.busy_timeout(std::time::Duration::from_millis(500)),
    )
    .await
    .expect("connect");
    sqlx::query("INSERT INTO acknowledged VALUES (2)")
        .execute(&mut other)
        .await
        .expect("no connection holds the write lock");
}

const WRITERS: usize = 8;
const ORGANISATIONS: [&str; WRITERS] = [
    "0114", "0115", "0117", "0120", "0123", "0125", "0126", "0127",
];

/// One writer's outcome: the ids of acknowledged plans, and the codes of the writes
/// refused with 503.
#[derive(Default)]
struct Outcome {
    acknowledged: Vec<String>,
    refused: Vec<String>,
}

/// Creates one plan with a large text: `Ok(Ok(id))` acknowledged, `Ok(Err(code))` refused
/// with 503 and that code, `Err` anything else.
async fn create_plan(
    client: &reqwest::Client,
    url: &str,
    org: &str,
    title: &str,
) -> Result<Result<String, String>, String> {
    let response = client
        .post(url)
        .bearer_auth(admin_token())
        .json(&json!({
            "query": "mutation($org: String!, $title: String!, $text: String!) { createActionPlan(organisationCode: $org, facts: { title: $title, priorities: $text }) { actionPlan { id } userErrors { code } } }",
            "variables": { "org": org, "title": title, "text": "x".repeat(9_000) },
        }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    match (status, body["errors"][0]["extensions"]["code"].as_str()) {
        (200, None) => body["data"]["createActionPlan"]["actionPlan"]["id"]
            .as_str()
            .map(|id| Ok(id.to_owned()))
            .ok_or_else(|| format!("no plan in {body}")),
        (503, Some(code)) => Ok(Err(code.to_owned())),
        _ => Err(format!("{status} {body}")),
    }
}

/// Eight writers create plans until each has been refused three times.
async fn write_until_full(client: &reqwest::Client, url: &str, round: &str) -> Vec<Outcome> {
    let mut tasks = JoinSet::new();
    for (writer, org) in ORGANISATIONS.iter().enumerate() {
        let (client, url, round) = (client.clone(), url.to_owned(), round.to_owned());
        tasks.spawn(async move {
            let mut outcome = Outcome::default();
            for attempt in 0..200 {
                let title = format!("{round} plan {writer}-{attempt}");
                match create_plan(&client, &url, org, &title).await {
                    Ok(Ok(id)) => outcome.acknowledged.push(id),
                    Ok(Err(code)) => {
                        outcome.refused.push(code);
                        if outcome.refused.len() >= 3 {
                            break;
                        }
                    }
                    Err(other) => panic!("a write on a full disk answered {other}"),
                }
            }
            outcome
        });
    }
    tasks.join_all().await
}

fn acknowledged_ids(outcomes: &[Outcome]) -> BTreeSet<String> {
    let ids: BTreeSet<String> = outcomes
        .iter()
        .flat_map(|o| o.acknowledged.iter().cloned())
        .collect();
    assert!(!ids.is_empty(), "some writes fit before the disk was full");
    ids
}

/// Once space has returned, each writer's next write succeeds at once.
async fn write_once_each(client: &reqwest::Client, url: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (writer, org) in ORGANISATIONS.iter().enumerate() {
        let id = create_plan(client, url, org, &format!("after {writer}"))
            .await
            .expect("a write after space returned")
            .expect("not refused any more");
        ids.insert(id);
    }
    ids
}

/// Every acknowledged plan is there after the restart, with its audit entry, and no
/// refused write left anything behind.
async fn assert_all_present(
    client: &reqwest::Client,
    address: &str,
    database_url: &str,
    acknowledged: &BTreeSet<String>,
    after: &BTreeSet<String>,
) {
    for id in acknowledged.iter().chain(after) {
        let body: Value = client
            .post(format!("{address}/graphql"))
            .json(&json!({ "query": "query($id: ID!) { node(id: $id) { id } }", "variables": { "id": id } }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert_eq!(
            body["data"]["node"]["id"],
            json!(id),
            "acknowledged plan {id} is lost"
        );
    }
    let plans = sqlite_count(database_url, "SELECT COUNT(*) FROM action_plan").await;
    let audited = sqlite_count(
        database_url,
        "SELECT COUNT(*) FROM audit_entry WHERE action = 'action_plan.create'",
    )
    .await;
    let written = i64::try_from(acknowledged.len() + after.len()).expect("few");
    assert_eq!(plans, written, "only acknowledged plans exist");
    assert_eq!(audited, written, "each with its audit entry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_loses_no_acknowledged_write_and_recovers_by_itself() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.database.sqlite_max_size_mb = 24;
        s.database.pool_size = 10;
    })
    .await;
    let test_db = app.db().await;
    // Fill the file to a little under the cap with the test's own (uncapped) connection.
    fill(&test_db, Some(24 * 1024 * 1024 - 400 * 1024)).await;

    let outcomes = write_until_full(&app.client, &app.url("/graphql"), "first").await;
    let acknowledged = acknowledged_ids(&outcomes);
    for outcome in &outcomes {
        assert_eq!(
            outcome.refused, ["STORAGE_FULL"; 3],
            "every writer met the full disk"
        );
    }
    let reads = app
        .graphql(r#"{ organisation(code: "0114") { code } }"#, json!({}))
        .await;
    assert_eq!(reads["data"]["organisation"]["code"], "0114", "reads go on");

    // Space returns: new writes succeed without a restart.
    test_db
        .execute_unprepared("DELETE FROM filler")
        .await
        .expect("space freed");
    let after = write_once_each(&app.client, &app.url("/graphql")).await;

    // Restart over the same file: every acknowledged write is there, with its audit entry.
    app.shutdown.begin().await;
    drop(test_db);
    let restarted = Application::build(Settings::for_database(app.database_url.clone()))
        .await
        .expect("restart");
    let address = format!("http://127.0.0.1:{}", restarted.port());
    let shutdown = restarted.shutdown_handle();
    tokio::spawn(restarted.run_until_stopped());
    assert_all_present(
        &app.client,
        &address,
        &app.database_url,
        &acknowledged,
        &after,
    )
    .await;
    shutdown.begin().await;
}

fn prlimit_fsize(pid: u32, limit: &str) {
    let status = std::process::Command::new("prlimit")
        .arg("--pid")
        .arg(pid.to_string())
        .arg(format!("--fsize={limit}"))
        .status()
        .expect("prlimit runs");
    assert!(status.success(), "prlimit {limit} failed");
}

fn file_size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The real thing, in the real binary: its files may not grow (the process's file size
/// limit, which fails writes as a full small filesystem does: in the WAL and at commit,
/// where SQLite rolls whole transactions back by itself). Eight writers write until
/// refused, then the limit is lifted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_in_the_running_binary_loses_no_acknowledged_write() {
    if std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("prlimit is not installed: the file-size fault did not run");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("cemr.sqlite");
    let url = format!("sqlite://{}", file.display());
    // Migrated and seeded first, so the limit meets only the writers.
    cemr_api::startup::prepare_database(&Settings::for_database(url.clone()).database, false)
        .await
        .expect("prepared")
        .close()
        .await
        .expect("closed");
    let log = dir.path().join("first.log");
    let service = process::Service::start(&url, &log, Some("trap '' XFSZ;"), &[]).await;
    let wal = dir.path().join("cemr.sqlite-wal");
    let limit = file_size(&file).max(file_size(&wal)) + 256 * 1024;
    prlimit_fsize(service.child.id(), &format!("{limit}:unlimited"));

    let client = reqwest::Client::new();
    let outcomes = write_until_full(&client, &service.url("/graphql"), "first").await;
    let acknowledged = acknowledged_ids(&outcomes);
    for outcome in &outcomes {
        assert_eq!(
            outcome.refused, ["STORAGE_FULL"; 3],
            "every writer met the full disk"
        );
    }

    prlimit_fsize(service.child.id(), "unlimited:unlimited");
    let after = write_once_each(&client, &service.url("/graphql")).await;
    service.stop();

    let log = dir.path().join("restarted.log");
    let restarted = process::Service::start(&url, &log, None, &[]).await;
    assert_all_present(&client, &restarted.url(""), &url, &acknowledged, &after).await;
    restarted.stop();
}
