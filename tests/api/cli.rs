//! The command line, run as an operator runs it: `migrate`, `seed` (with and without
//! `--demo`), `user create`, `export-schema`, `healthcheck`, and clear failures.

use crate::helpers::{
    Backend, TestApp, TestDatabase, fingerprint, on_both_engines, scalar, spawn_app,
};
use crate::process::{run, run_with_input};
use cemr_api::config::Settings;
use migration::{Migrator, MigratorTrait};
use serde_json::json;

on_both_engines!(backend: migrate_applies_every_migration_once_and_loads_nothing);
on_both_engines!(backend: seed_loads_the_facts_and_demo_adds_the_demo_register_idempotently);
on_both_engines!(user_create_bootstraps_accounts_that_can_log_in_and_refuses_bad_ones);

async fn connect(url: &str) -> sea_orm::DatabaseConnection {
    cemr_api::db::connect(&Settings::for_database(url.to_owned()).database)
        .await
        .expect("connect")
}

async fn migrate_applies_every_migration_once_and_loads_nothing(backend: Backend) {
    let (_database, url) = TestDatabase::create(backend).await;
    let first = run(&["migrate"], &[("DATABASE_URL", &url)]).await;
    assert!(first.status.success(), "migrate failed: {}", first.stderr);
    let db = connect(&url).await;
    let applied = Migrator::get_applied_migrations(&db)
        .await
        .expect("applied");
    assert_eq!(applied.len(), Migrator::migrations().len());
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM organisation").await,
        0,
        "migrate loads no data"
    );
    let before = fingerprint(&db).await;
    let again = run(&["migrate"], &[("DATABASE_URL", &url)]).await;
    assert!(
        again.status.success(),
        "migrate again failed: {}",
        again.stderr
    );
    assert_eq!(
        fingerprint(&db).await,
        before,
        "a second migrate changed something"
    );
}

async fn seed_loads_the_facts_and_demo_adds_the_demo_register_idempotently(backend: Backend) {
    let (_database, url) = TestDatabase::create(backend).await;
    let env = [("DATABASE_URL", url.as_str())];
    let seeded = run(&["seed"], &env).await;
    assert!(seeded.status.success(), "seed failed: {}", seeded.stderr);
    let db = connect(&url).await;
    let municipalities = "SELECT COUNT(*) FROM organisation WHERE kind = 'MUNICIPALITY'";
    assert_eq!(scalar(&db, municipalities).await, 290);
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM county").await, 21);
    let demo = "SELECT COUNT(*) FROM signature WHERE data_origin = 'DEMO'";
    assert_eq!(scalar(&db, demo).await, 0, "the default seed is facts only");
    let facts = scalar(&db, "SELECT COUNT(*) FROM signature").await;
    assert!(facts > 0, "the documented signatures are loaded");

    let before = fingerprint(&db).await;
    let again = run(&["seed"], &env).await;
    assert!(
        again.status.success(),
        "seed again failed: {}",
        again.stderr
    );
    assert_eq!(
        fingerprint(&db).await,
        before,
        "seeding twice changed something"
    );

    let with_demo = run(&["seed", "--demo"], &env).await;
    assert!(
        with_demo.status.success(),
        "seed --demo failed: {}",
        with_demo.stderr
    );
    assert!(
        scalar(&db, demo).await > 0,
        "seed --demo loaded no demo records"
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM signature WHERE data_origin <> 'DEMO'"
        )
        .await,
        facts,
        "the demo register leaves the facts alone"
    );
    let before = fingerprint(&db).await;
    let demo_again = run(&["seed"], &[("DATABASE_URL", &url), ("DEMO_DATA", "true")]).await;
    assert!(demo_again.status.success(), "{}", demo_again.stderr);
    assert_eq!(
        fingerprint(&db).await,
        before,
        "seeding the demo twice changed something"
    );
}

const LOGIN: &str = "mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken account { email role organisation { code } } } }";

async fn log_in(app: &TestApp, email: &str, password: &str) -> serde_json::Value {
    app.graphql(LOGIN, json!({ "email": email, "password": password }))
        .await
}

async fn user_create_bootstraps_accounts_that_can_log_in_and_refuses_bad_ones(app: TestApp) {
    let url = app.database_url.clone();
    let created = run(
        &[
            "user",
            "create",
            "--role",
            "admin",
            "--email",
            "Admin@SKR.se",
        ],
        &[
            ("DATABASE_URL", &url),
            ("CEMR_USER_PASSWORD", "ett långt och hemligt lösenord"),
        ],
    )
    .await;
    assert!(
        created.status.success(),
        "user create failed: {}",
        created.stderr
    );
    assert!(
        created.stdout.contains("admin@skr.se"),
        "{}",
        created.stdout
    );
    let body = log_in(&app, "admin@skr.se", "ett långt och hemligt lösenord").await;
    assert_eq!(body["data"]["login"]["account"]["role"], "ADMIN", "{body}");

    // The password from standard input when the environment has none.
    let member = run_with_input(
        &[
            "user",
            "create",
            "--role",
            "member",
            "--email",
            "jamstalldhet@orebro.se",
            "--organisation",
            "1880",
        ],
        &[("DATABASE_URL", &url)],
        Some("ett annat långt lösenord\n"),
    )
    .await;
    assert!(
        member.status.success(),
        "user create (stdin) failed: {}",
        member.stderr
    );
    let body = log_in(&app, "jamstalldhet@orebro.se", "ett annat långt lösenord").await;
    assert_eq!(
        body["data"]["login"]["account"]["organisation"]["code"], "1880",
        "{body}"
    );

    // Refused: a taken email, a member without organisation, a short password, an
    // unknown organisation. Each says why, exits non-zero and writes nothing.
    let db = app.db().await;
    let before = fingerprint(&db).await;
    for (args, password, why) in [
        (
            vec!["--role", "admin", "--email", "admin@skr.se"],
            "ett långt och hemligt lösenord",
            "email",
        ),
        (
            vec!["--role", "member", "--email", "a@b.se"],
            "ett långt och hemligt lösenord",
            "organisation",
        ),
        (
            vec!["--role", "researcher", "--email", "r@b.se"],
            "kort",
            "password",
        ),
        (
            vec![
                "--role",
                "member",
                "--email",
                "c@b.se",
                "--organisation",
                "9999",
            ],
            "ett långt och hemligt lösenord",
            "organisation",
        ),
    ] {
        let mut full = vec!["user", "create"];
        full.extend(args.iter().copied());
        let refused = run(
            &full,
            &[("DATABASE_URL", &url), ("CEMR_USER_PASSWORD", password)],
        )
        .await;
        assert!(!refused.status.success(), "{args:?} was accepted");
        assert!(
            refused.stderr.contains("not created") && refused.stderr.contains(why),
            "{args:?}: {}",
            refused.stderr
        );
        assert!(!refused.stderr.contains("panicked"), "{}", refused.stderr);
    }
    assert_eq!(
        fingerprint(&db).await,
        before,
        "a refused user create wrote"
    );
}

#[tokio::test]
async fn export_schema_prints_the_sdl_and_needs_no_database() {
    let unreachable = "postgres://nobody@127.0.0.1:1/nothing";
    let output = run(&["export-schema"], &[("DATABASE_URL", unreachable)]).await;
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout, cemr_api::graphql::schema::sdl());
}

#[tokio::test]
async fn healthcheck_exits_zero_only_when_the_service_answers_200() {
    let app = spawn_app(Backend::Sqlite).await;
    let bind = app.address.trim_start_matches("http://").to_owned();
    let healthy = run(&["healthcheck"], &[("BIND", &bind)]).await;
    assert!(healthy.status.success(), "{}", healthy.stderr);
    // A container binds 0.0.0.0; the probe asks the loopback address.
    let port = bind.rsplit(':').next().unwrap_or_default();
    let wildcard = run(&["healthcheck"], &[("BIND", &format!("0.0.0.0:{port}"))]).await;
    assert!(wildcard.status.success(), "{}", wildcard.stderr);

    // Something answering, but not 200.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let sick = listener.local_addr().expect("address").to_string();
    std::thread::spawn(move || {
        use std::io::{Read as _, Write as _};
        if let Ok((mut stream, _)) = listener.accept() {
            let mut request = [0_u8; 1024];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(b"HTTP/1.0 503 Service Unavailable\r\n\r\n");
        }
    });
    let unhealthy = run(&["healthcheck"], &[("BIND", &sick)]).await;
    assert!(!unhealthy.status.success(), "a 503 counted as healthy");

    // Nothing listening at all.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .to_string();
    let down = run(&["healthcheck"], &[("BIND", &closed)]).await;
    assert!(!down.status.success(), "no service counted as healthy");
}

#[tokio::test]
async fn bad_settings_fail_with_a_message_never_a_panic() {
    for (env, says) in [
        (
            ("DATABASE_URL", "mysql://root@127.0.0.1/cemr"),
            "DATABASE_URL",
        ),
        (("LOG_LEVEL", "loud=[["), "LOG_LEVEL"),
        (("DB_POOL_SIZE", "many"), "many"),
    ] {
        let output = run(&["migrate"], &[env]).await;
        assert!(!output.status.success(), "{env:?} was accepted");
        assert!(output.stderr.contains(says), "{env:?}: {}", output.stderr);
        assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
    }
}
