//! The test rig: `spawn_app` starts the real application over a fresh database.

use cemr_api::config::Settings;
use cemr_api::startup::Application;
use sea_orm::sqlx::{self, Connection as _};
use serde_json::{Value, json};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The engines a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per engine from an `async fn(TestApp)`: `<name>::sqlite` and
/// `<name>::postgres` (CI selects the PostgreSQL variants by that name). The PostgreSQL
/// variant needs `TEST_DATABASE_URL` (see `postgres_url`). With `demo:` first, the apps
/// also load the demonstration register; with `backend:` first, the function gets the
/// `Backend` and makes what it needs itself (e.g. an empty database).
macro_rules! on_both_engines {
    (backend: $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if $crate::helpers::postgres_url().is_some() {
                        super::$name($crate::helpers::Backend::Postgres).await;
                    }
                }
            }
        )*
    };
    (demo: $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app_with($crate::helpers::Backend::Sqlite, |s| s.demo = true).await;
                    super::$name(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if $crate::helpers::postgres_url().is_some() {
                        let app = $crate::helpers::spawn_app_with($crate::helpers::Backend::Postgres, |s| s.demo = true).await;
                        super::$name(app).await;
                    }
                }
            }
        )*
    };
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await;
                    super::$name(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = $crate::helpers::spawn_postgres_app().await {
                        super::$name(app).await;
                    }
                }
            }
        )*
    };
}
pub(crate) use on_both_engines;

/// Like `on_both_engines!`, with the apps' settings adjusted by a closure first.
macro_rules! on_both_engines_with {
    ($adjust:expr; $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app_with($crate::helpers::Backend::Sqlite, $adjust).await;
                    super::$name(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if $crate::helpers::postgres_url().is_some() {
                        let app = $crate::helpers::spawn_app_with($crate::helpers::Backend::Postgres, $adjust).await;
                        super::$name(app).await;
                    } else {
                        eprintln!("TEST_DATABASE_URL is not set: the PostgreSQL variant did not run");
                    }
                }
            }
        )*
    };
}
pub(crate) use on_both_engines_with;

/// A fresh database, removed when dropped.
pub enum TestDatabase {
    /// The folder holding the SQLite file, deleted on drop.
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        server_url: String,
        name: String,
    },
}

impl TestDatabase {
    /// Creates an empty database and returns its URL.
    pub async fn create(backend: Backend) -> (Self, String) {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("cemr.sqlite").display());
                (Self::Sqlite(dir), url)
            }
            Backend::Postgres => {
                let server_url = postgres_url().expect("TEST_DATABASE_URL is not set");
                let name = format!("cemr_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = admin_connection(&server_url).await;
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut admin)
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let options = sqlx::postgres::PgConnectOptions::from_str(&server_url).expect("url");
                let url = format!(
                    "postgres://{}@{}:{}/{}",
                    options.get_username(),
                    options.get_host(),
                    options.get_port(),
                    name
                );
                (Self::Postgres { server_url, name }, url)
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Self::Postgres { server_url, name } = self {
            let (server_url, name) = (server_url.clone(), name.clone());
            // Drop runs outside any runtime guarantee: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        let mut admin = admin_connection(&server_url).await;
                        let statement = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(statement))
                            .execute(&mut admin)
                            .await;
                    });
                }
            })
            .join();
        }
    }
}

async fn admin_connection(server_url: &str) -> sqlx::PgConnection {
    let options =
        sqlx::postgres::PgConnectOptions::from_str(server_url).expect("TEST_DATABASE_URL");
    sqlx::PgConnection::connect_with(&options)
        .await
        .expect("connect to TEST_DATABASE_URL")
}

/// The PostgreSQL server for tests, from `TEST_DATABASE_URL`; every PostgreSQL variant
/// asks here first. Without it those variants cannot run: under CI (`CI` set) that fails
/// the test, so a green run always means they ran; elsewhere the variant is skipped and
/// one line on the terminal (past the harness's output capture) says so, once.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Some(url),
        Ok(other) => panic!("TEST_DATABASE_URL must be a postgres:// URL, not {other:?}"),
        Err(_) => {
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
            assert!(
                !ci,
                "CI is set but TEST_DATABASE_URL is not: the PostgreSQL variants cannot run \
                 (set TEST_DATABASE_URL=postgres://user@host:5432/database)"
            );
            static NOTICE: std::sync::Once = std::sync::Once::new();
            NOTICE.call_once(|| {
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "note: TEST_DATABASE_URL is not set, so the PostgreSQL variants of the \
                     database tests were skipped (they report ok having run nothing)"
                );
            });
            None
        }
    }
}

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub database_url: String,
    pub shutdown: cemr_api::startup::ShutdownHandle,
    /// The app's register in memory, which rows a test writes directly (not through the
    /// service, so not in the change feed) would leave behind: see `settle`.
    read_model: Option<cemr_api::readmodel::ReadModel>,
    /// A test's own connection wrote since the read model last read the database.
    written: Arc<std::sync::atomic::AtomicBool>,
    _database: TestDatabase,
}

/// Starts the application, exactly as production builds it, over a fresh database.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts the application with adjusted settings (e.g. the demo register loaded).
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let (database, database_url) = TestDatabase::create(backend).await;
    let mut settings = Settings::for_database(database_url.clone());
    adjust(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let shutdown = app.shutdown_handle();
    let read_model = app.read_model();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        database_url,
        shutdown,
        read_model,
        written: Arc::default(),
        _database: database,
    }
}

/// Another replica of a running application: a second `Application` over its database.
pub struct Replica {
    pub address: String,
    pub shutdown: cemr_api::startup::ShutdownHandle,
}

/// Starts another replica over `app`'s database (PostgreSQL: replicas share one).
pub async fn spawn_replica(app: &TestApp, adjust: impl FnOnce(&mut Settings)) -> Replica {
    let mut settings = Settings::for_database(app.database_url.clone());
    adjust(&mut settings);
    let replica = Application::build(settings)
        .await
        .expect("the replica builds");
    let address = format!("http://127.0.0.1:{}", replica.port());
    let shutdown = replica.shutdown_handle();
    tokio::spawn(replica.run_until_stopped());
    Replica { address, shutdown }
}

/// Starts the application over a database whose every SQL statement is counted, but the
/// change feed's, with every read on SQL (the read model off): the SQL path's cost.
pub async fn spawn_counting_app(backend: Backend) -> (TestApp, Arc<AtomicUsize>) {
    spawn_counting_app_with(backend, |s| s.read_model.enabled = false).await
}

/// `spawn_counting_app` with adjusted settings (the demo register is loaded).
pub async fn spawn_counting_app_with(
    backend: Backend,
    adjust: impl FnOnce(&mut Settings),
) -> (TestApp, Arc<AtomicUsize>) {
    let (database, database_url) = TestDatabase::create(backend).await;
    let mut settings = Settings::for_database(database_url.clone());
    settings.demo = true;
    adjust(&mut settings);
    let mut conn = cemr_api::startup::prepare_database(&settings.database, true)
        .await
        .expect("database");
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    // The change feed's follower and the webhook worker read in the background on their
    // own schedule: their bookkeeping is not the request's.
    conn.set_metric_callback(move |info| {
        let sql = &info.statement.sql;
        if !sql.contains("change_event") && !sql.contains("webhook") {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let app = Application::build_with_database(settings, conn)
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let shutdown = app.shutdown_handle();
    let read_model = app.read_model();
    tokio::spawn(app.run_until_stopped());
    let app = TestApp {
        address,
        client: reqwest::Client::new(),
        database_url,
        shutdown,
        read_model,
        written: Arc::default(),
        _database: database,
    };
    (app, statements)
}

/// Starts the application over PostgreSQL when `TEST_DATABASE_URL` is set.
pub async fn spawn_postgres_app() -> Option<TestApp> {
    postgres_url()?;
    Some(spawn_app(Backend::Postgres).await)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A connection of the test's own to the app's database, for fixtures. What it
    /// writes bypasses the change feed, so the next request through the helpers below
    /// first has the app's read model read the database again (`settle`).
    pub async fn db(&self) -> sea_orm::DatabaseConnection {
        let mut db =
            cemr_api::db::connect(&Settings::for_database(self.database_url.clone()).database)
                .await
                .expect("connect to the test database");
        let written = self.written.clone();
        db.set_metric_callback(move |info| {
            let sql = info.statement.sql.trim_start();
            let reads = [
                "SELECT",
                "PRAGMA",
                "BEGIN",
                "COMMIT",
                "ROLLBACK",
                "SAVEPOINT",
                "RELEASE",
            ]
            .iter()
            .any(|verb| {
                sql.get(..verb.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(verb))
            });
            if !reads {
                written.store(true, Ordering::SeqCst);
            }
        });
        db
    }

    /// Brings the app's read model up to date with rows the test wrote directly: the
    /// service itself learns of changes from its change feed, which such rows skip.
    pub async fn settle(&self) {
        if self.written.swap(false, Ordering::SeqCst)
            && let Some(model) = &self.read_model
        {
            model
                .refresh()
                .await
                .expect("the read model reads the database");
        }
    }

    /// Posts a GraphQL request and returns the JSON body, asserting a 200.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.settle().await;
        let response = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request");
        let status = response.status();
        let body = response.text().await.expect("a body");
        assert_eq!(status, 200, "GraphQL answered {status}: {body}");
        serde_json::from_str(&body).expect("JSON body")
    }

    /// Posts a GraphQL request and returns its `data`, asserting there are no errors.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Posts a GraphQL request as the given bearer, returning the status and body.
    pub async fn graphql_as(
        &self,
        bearer: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (u16, Value) {
        self.settle().await;
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The `extensions.code` of the first error of a GraphQL response.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        let body = self.graphql(query, variables).await;
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {body}"))
            .to_owned()
    }
}

/// The HS256 secret `Settings::for_database` configures.
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// A token as an identity provider would issue it, signed with the test secret.
pub fn token(role: &str, org: Option<&str>) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({ "sub": format!("test:{role}:{}", org.unwrap_or("-")), "role": role, "org": org, "exp": now + 600, "iat": now });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .expect("sign")
}

pub fn admin_token() -> String {
    token("ADMIN", None)
}

pub fn member_token(org: &str) -> String {
    token("MEMBER", Some(org))
}

pub use crate::fingerprint::fingerprint;

/// The single number a query answers (e.g. a `COUNT(*)`), on either engine.
pub async fn scalar(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
        .unwrap_or_else(|| panic!("{sql} answered no number"))
}

/// Logs in with a built-in account's email and password; the access token.
pub async fn logged_in(app: &TestApp, email: &str, password: &str) -> String {
    let (_, body) = app
        .graphql_as(
            None,
            "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }",
            serde_json::json!({ "email": email, "password": password }),
        )
        .await;
    body["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{email} logs in: {body}"))
        .to_owned()
}
