//! The database away (a stopped PostgreSQL server) or refusing writes (a read-only
//! SQLite file): readiness says so within a second, requests answer 503 with a code
//! instead of 500 after the pool's timeout, and the service recovers without a restart.

use super::cluster::Cluster;
use crate::helpers::admin_token;
use cemr_api::config::Settings;
use cemr_api::startup::Application;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

struct Running {
    address: String,
    client: reqwest::Client,
}

async fn start(settings: Settings) -> Running {
    let app = Application::build(settings)
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    Running {
        address,
        client: reqwest::Client::new(),
    }
}

impl Running {
    /// GET a path: status, body, and how long the answer took.
    async fn get(&self, path: &str) -> (u16, Value, Duration) {
        let started = Instant::now();
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(Value::Null),
            started.elapsed(),
        )
    }

    async fn graphql(&self, query: &str) -> (u16, Value, Duration) {
        let started = Instant::now();
        let response = self
            .client
            .post(format!("{}/graphql", self.address))
            .bearer_auth(admin_token())
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(Value::Null),
            started.elapsed(),
        )
    }

    /// Polls `/readyz` until it answers `status`, for at most `within`.
    async fn wait_ready(&self, status: u16, within: Duration) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let (got, body, _) = self.get("/readyz").await;
            if got == status {
                return body;
            }
            assert!(Instant::now() < deadline, "/readyz stayed {got}: {body}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

const READ: &str = r#"{ organisation(code: "0180") { code } }"#;

/// A read that always runs SQL (support programmes are not in the read model).
const NEEDS_SQL: &str = r#"{ supportProgrammes { code } }"#;

/// Well under the pool's wait, which the test sets long, so a quick answer cannot come
/// from the pool giving up.
const QUICK: Duration = Duration::from_millis(2_500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_postgresql_answers_503_at_once_and_recovers_without_restart() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let mut settings = Settings::for_database(cluster.url("cemr"));
    settings.database.acquire_timeout_ms = 10_000;
    let app = start(settings).await;
    let (status, body, _) = app.graphql(READ).await;
    assert_eq!(
        (status, &body["data"]["organisation"]["code"]),
        (200, &json!("0180"))
    );

    cluster.stop();

    // Readiness turns 503 at once: its probe has a budget under a second.
    let (status, body, took) = app.get("/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["reason"], "database unavailable");
    assert!(took < QUICK, "/readyz took {took:?}");
    // Requests are turned away with a code, quickly, not after the pool's 10 s.
    let (status, body, took) = app.graphql(READ).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "DATABASE_UNAVAILABLE"
    );
    assert!(took < QUICK, "GraphQL took {took:?}");
    let response = app
        .client
        .get(format!("{}/api/v1/organisations", app.address))
        .send()
        .await
        .expect("request");
    assert!(response.headers().contains_key("retry-after"));
    let (status, body, took) = app.get("/api/v1/organisations").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "DATABASE_UNAVAILABLE");
    assert!(took < QUICK, "REST took {took:?}");
    let (status, _, _) = app.get("/healthz").await;
    assert_eq!(status, 200, "the process itself is alive");

    cluster.resume();

    app.wait_ready(200, Duration::from_secs(20)).await;
    let (status, body, _) = app.graphql(READ).await;
    assert_eq!(
        (status, &body["data"]["organisation"]["code"]),
        (200, &json!("0180")),
        "{body}"
    );
    let (status, body, _) = app
        .graphql(r#"mutation { createOrganisation(code: "KF-BACK", facts: { name: "Back again", kind: MUNICIPAL_FEDERATION }) { organisation { code } userErrors { code } } }"#)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["createOrganisation"]["organisation"]["code"],
        "KF-BACK"
    );
}

/// A request that reaches the pool while the server is down (before anything noticed)
/// still answers 503 `DATABASE_UNAVAILABLE`, after the pool's wait, never 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_caught_by_the_outage_answers_503_not_500() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let mut settings = Settings::for_database(cluster.url("cemr"));
    settings.database.acquire_timeout_ms = 500;
    let app = start(settings).await;
    cluster.stop();
    // A read the register in memory cannot answer, so it needs a connection.
    let (status, body, _) = app.graphql(NEEDS_SQL).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "DATABASE_UNAVAILABLE"
    );
    cluster.resume();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_sqlite_file_serves_reads_and_refuses_writes_with_503() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("cemr.sqlite").display());
    cemr_api::startup::prepare_database(&Settings::for_database(url.clone()).database, false)
        .await
        .expect("prepared")
        .close()
        .await
        .expect("closed");
    let app = start(Settings::for_database(format!("{url}?mode=ro"))).await;

    let body = app.wait_ready(503, Duration::from_secs(5)).await;
    assert_eq!(body["reason"], "database read-only");
    let (status, body, _) = app.graphql(READ).await;
    assert_eq!(
        (status, &body["data"]["organisation"]["code"]),
        (200, &json!("0180"))
    );

    let (status, body, _) = app
        .graphql(r#"mutation { createOrganisation(code: "KF-RO", facts: { name: "Read only", kind: MUNICIPAL_FEDERATION }) { organisation { code } userErrors { code } } }"#)
        .await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "DATABASE_READ_ONLY"
    );
    let response = app
        .client
        .post(format!("{}/api/v1/imports/action-plans", app.address))
        .bearer_auth(admin_token())
        .json(&json!([{ "organisation_code": "0180", "title": "Plan" }]))
        .send()
        .await
        .expect("import");
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "DATABASE_READ_ONLY");
}
