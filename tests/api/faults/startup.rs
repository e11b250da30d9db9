//! Processes starting together, and start-up against a database that does not answer:
//! the real binary, as an operator or an orchestrator runs it.

use super::process::{self, Service};
use sea_orm::sqlx::{self, Connection as _};
use std::process::ExitStatus;
use std::str::FromStr;
use std::time::{Duration, Instant};

async fn count(url: &str, sql: &str) -> i64 {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).expect("url");
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("connect");
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut conn)
        .await
        .expect("count");
    conn.close().await.ok();
    n
}

/// Waits for a child to exit, at most `within`.
async fn exit_of(child: &mut std::process::Child, within: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

/// `serve` started twice and `seed --demo` at the same moment, on a file that does not
/// exist yet: all come up (or finish), one after the other, and the database is
/// migrated and seeded exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_starting_together_on_a_fresh_sqlite_file_all_come_up() {
    for round in 0..3 {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("data/cemr.sqlite").display());
        let seed_log = dir.path().join("seed.log");
        let mut seed = process::command(&url, &seed_log, None, &["seed", "--demo"])
            .spawn()
            .expect("seed starts");
        let (first_log, second_log) = (dir.path().join("first.log"), dir.path().join("second.log"));
        let (first, second) = tokio::join!(
            Service::start(&url, &first_log, None, &[]),
            Service::start(&url, &second_log, None, &[]),
        );
        let seeded = exit_of(&mut seed, Duration::from_secs(120)).await;
        assert!(
            seeded.is_some_and(|s| s.success()),
            "round {round}: seed failed: {}",
            std::fs::read_to_string(&seed_log).unwrap_or_default()
        );
        let client = reqwest::Client::new();
        for service in [&first, &second] {
            let ready = client
                .get(service.url("/readyz"))
                .send()
                .await
                .expect("readyz");
            assert_eq!(ready.status(), 200, "round {round}");
        }
        assert_eq!(
            count(
                &url,
                "SELECT COUNT(*) FROM organisation WHERE kind = 'MUNICIPALITY'"
            )
            .await,
            290,
            "round {round}: the reference data is complete"
        );
        assert_eq!(
            count(&url, "SELECT COUNT(*) FROM seaql_migrations").await,
            i64::try_from(<migration::Migrator as migration::MigratorTrait>::migrations().len())
                .expect("few"),
            "round {round}: every migration applied once"
        );
        assert!(
            count(
                &url,
                "SELECT COUNT(*) FROM signature WHERE data_origin = 'DEMO'"
            )
            .await
                > 0,
            "round {round}: the demo register was loaded"
        );
        first.stop();
        second.stop();
    }
}

/// A server that accepts connections and never answers: start-up says what it waits for
/// and gives up after DB_STARTUP_TIMEOUT_SECS with an error naming it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_gives_up_on_a_database_that_never_answers() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listener");
    let port = listener.local_addr().expect("address").port();
    // Accept and hold every connection, answering nothing.
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("serve.log");
    let url = format!("postgres://cemr@127.0.0.1:{port}/cemr");
    let mut serve = process::command(&url, &log, None, &["serve"])
        .env("BIND", format!("127.0.0.1:{}", process::free_port()))
        .env("DB_STARTUP_TIMEOUT_SECS", "8")
        .spawn()
        .expect("serve starts");
    let status = exit_of(&mut serve, Duration::from_secs(60)).await;
    let _ = serve.kill();
    silent.abort();
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        status.is_some_and(|s| !s.success()),
        "start-up did not give up: {log}"
    );
    assert!(log.contains("connecting to the database"), "{log}");
    assert!(log.contains("waiting for the database"), "{log}");
    assert!(
        log.contains("gave up after 8 s") && log.contains(&format!("127.0.0.1:{port}/cemr")),
        "{log}"
    );
}

/// While another process prepares a SQLite database, start-up waits for it, says so,
/// and gives up after DB_STARTUP_TIMEOUT_SECS; once the lock is free it proceeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn startup_waits_for_the_process_preparing_the_sqlite_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("cemr.sqlite");
    let url = format!("sqlite://{}", file.display());
    let lock = std::fs::File::create(format!("{}.lock", file.display())).expect("lock file");
    lock.lock().expect("the test holds the start-up lock");
    let log = dir.path().join("migrate.log");
    let mut migrate = process::command(&url, &log, None, &["migrate"])
        .env("DB_STARTUP_TIMEOUT_SECS", "2")
        .spawn()
        .expect("migrate starts");
    let status = exit_of(&mut migrate, Duration::from_secs(60)).await;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.is_some_and(|s| !s.success()), "{text}");
    assert!(text.contains("waiting for another process"), "{text}");
    assert!(text.contains("gave up after 2 s"), "{text}");

    lock.unlock().expect("unlock");
    let mut migrate = process::command(&url, &log, None, &["migrate"])
        .spawn()
        .expect("migrate starts");
    let status = exit_of(&mut migrate, Duration::from_secs(60)).await;
    assert!(
        status.is_some_and(|s| s.success()),
        "{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
}
