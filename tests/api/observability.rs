//! What operators watch cannot be inflated by clients and misses no abuse: metrics label
//! only registered operation names, `errors_total` counts every error response by code
//! (GraphQL and REST, limits and 429s included), and the request log names the GraphQL
//! operation as documented.

use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_with};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

async fn metrics(app: &TestApp) -> String {
    app.client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text")
}

/// The value of one series (0 when absent).
fn value(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_stay_bounded_after_10000_random_operation_names() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.graphql.metrics_operation_names = vec!["FirstLook".into()];
    })
    .await;
    let before = metrics(&app).await;
    let mut names = Vec::new();
    for _ in 0..1_000 {
        let batch: Vec<_> = (0..10)
            .map(|_| {
                let name = format!("R{}", uuid::Uuid::new_v4().simple());
                names.push(name.clone());
                json!({ "query": format!("query {name} {{ __typename }}") })
            })
            .collect();
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&batch)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
    }
    app.graphql("query FirstLook { __typename }", json!({}))
        .await;
    let after = metrics(&app).await;
    assert!(
        names.iter().all(|n| !after.contains(n.as_str())),
        "no client-chosen name becomes a label"
    );
    assert!(after.contains("graphql_operations_total{operation=\"FirstLook\"}"));
    let others = value(&after, "graphql_operations_total{operation=\"other\"}")
        - value(&before, "graphql_operations_total{operation=\"other\"}");
    assert!(others >= 10_000.0, "{others}");
    // Only the GraphQL series: the recorder is global to the test process, and tests
    // running beside this one add their own routes and statuses.
    let graphql_bytes = |m: &str| {
        m.lines()
            .filter(|l| l.starts_with("graphql_"))
            .map(str::len)
            .sum::<usize>()
    };
    assert!(
        graphql_bytes(&after) < graphql_bytes(&before) + 16 * 1024,
        "the GraphQL series grew from {} to {} bytes",
        graphql_bytes(&before),
        graphql_bytes(&after)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_total_counts_every_error_response_by_code() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.http.rate_limit_per_minute = 20).await;
    let before = metrics(&app).await;
    let codes = [
        "NOT_FOUND",
        "UNAUTHENTICATED",
        "BAD_USER_INPUT",
        "DEPTH_LIMIT_EXCEEDED",
        "LOGIN_LIMIT_EXCEEDED",
        "RATE_LIMITED",
    ];
    app.client
        .get(app.url("/api/v1/nowhere"))
        .send()
        .await
        .expect("request");
    app.client
        .get(app.url("/api/v1/counties"))
        .bearer_auth("not-a-token")
        .send()
        .await
        .expect("request");
    app.client
        .get(app.url("/api/v1/organisations?limit=1000"))
        .send()
        .await
        .expect("request");
    // Limits are checked before validation: the fields need not exist.
    let deep = format!("{{ {}code{} }}", "a { ".repeat(20), " }".repeat(20));
    app.graphql(&deep, json!({})).await;
    app.graphql(
        r#"mutation { a: login(email: "x@y.se", password: "p") { accessToken } b: login(email: "x@y.se", password: "p") { accessToken } }"#,
        json!({}),
    )
    .await;
    for _ in 0..40 {
        app.client
            .get(app.url("/api/v1/counties"))
            .send()
            .await
            .expect("request");
    }
    let after = metrics(&app).await;
    for code in codes {
        let series = format!("errors_total{{code=\"{code}\"}}");
        assert!(
            value(&after, &series) > value(&before, &series),
            "{series} did not count"
        );
    }
}

/// Log lines of the request log, captured process-wide once.
fn captured_log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("cemr_api::http::request_log=info")
            .with_ansi(false)
            .with_writer(move || Capture(writer.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
        buffer
    })
    .clone()
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_log_names_the_graphql_operation() {
    let log = captured_log();
    let app = spawn_app(Backend::Sqlite).await;
    let request_id = uuid::Uuid::new_v4().simple().to_string();
    app.client
        .post(app.url("/graphql"))
        .header("x-request-id", &request_id)
        .json(&json!({ "query": "query FirstLook { counties { code } }" }))
        .send()
        .await
        .expect("request");
    let text = String::from_utf8_lossy(&log.lock().expect("log").clone()).into_owned();
    let line = text
        .lines()
        .find(|l| l.contains(&request_id) && l.contains("served"))
        .unwrap_or_else(|| panic!("no log line for the request in {text}"));
    assert!(line.contains("operation=FirstLook"), "{line}");
}
