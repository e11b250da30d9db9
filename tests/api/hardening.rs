//! Hostile input and operations: every limit answers its own code, internal errors and
//! panics reveal nothing but the request id, traffic is limited and shaped, metrics are
//! served, and shutdown drains gracefully.

use crate::helpers::{Backend, TestApp, on_both_engines, spawn_app, spawn_app_with};
use serde_json::{Value, json};

on_both_engines!(internal_errors_answer_the_request_id_and_nothing_else);

async fn code_of(app: &TestApp, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["errors"][0]["extensions"]["code"].clone())
}

#[tokio::test]
async fn every_limit_answers_its_own_code() {
    let app = spawn_app(Backend::Sqlite).await;
    let deep = format!(
        "{{ organisation(code: \"0180\") {{ {} name {} }} }}",
        "county { region { ".repeat(8),
        "} } ".repeat(8)
    );
    let wide = "{ organisations(first: 100) { edges { node { county { organisations(first: 100) { edges { node { county { organisations(first: 100) { edges { node { code } } } } } } } } } } } }";
    let cycle = "query { counties { ...A } } fragment A on County { region { county { ...A } } }";
    let mut bomb =
        String::from("query { counties { ...F12 } } fragment F0 on County { code name }");
    for level in 1..=12 {
        bomb.push_str(&format!(" fragment F{level} on County {{ region {{ county {{ ...F{} }} }} countyBoard {{ county {{ ...F{} }} }} }}", level - 1, level - 1));
    }
    let aliases = format!(
        "{{ {} }}",
        (0..31)
            .map(|i| format!("a{i}: counties {{ code }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let roots = format!("{{ {} }}", vec!["counties { code }"; 21].join(" "));
    let directives = "{ counties @include(if: true) @include(if: true) @include(if: true) @include(if: true) @include(if: true) @include(if: true) { code } }";
    let cases = [
        ("depth", json!({ "query": deep }), "DEPTH_LIMIT_EXCEEDED"),
        (
            "complexity",
            json!({ "query": wide }),
            "COMPLEXITY_LIMIT_EXCEEDED",
        ),
        (
            "fragment recursion",
            json!({ "query": cycle }),
            "FRAGMENT_CYCLE",
        ),
        (
            "fragment amplification",
            json!({ "query": bomb }),
            "QUERY_TOO_LARGE",
        ),
        (
            "aliases",
            json!({ "query": aliases }),
            "ALIAS_LIMIT_EXCEEDED",
        ),
        (
            "root fields",
            json!({ "query": roots }),
            "ROOT_FIELD_LIMIT_EXCEEDED",
        ),
        (
            "directives",
            json!({ "query": directives }),
            "DIRECTIVE_LIMIT_EXCEEDED",
        ),
        (
            "variables",
            json!({ "query": "query($q: String) { organisations(filter: { nameContains: $q }) { totalCount } }", "variables": { "q": "x".repeat(70_000) } }),
            "VARIABLES_TOO_LARGE",
        ),
    ];
    for (what, body, code) in cases {
        let started = std::time::Instant::now();
        assert_eq!(code_of(&app, body).await, (200, json!(code)), "{what}");
        assert!(started.elapsed().as_secs() < 5, "{what} is refused quickly");
    }
    // Pages count `first` times: the same shape with small pages is fine.
    let small = wide.replace("first: 100", "first: 5");
    let (_, body) = app.graphql_as(None, &small, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");

    let batch = |n: usize| Value::Array(vec![json!({ "query": "{ counties { code } }" }); n]);
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&batch(2))
        .send()
        .await
        .expect("request");
    let answers: Value = response.json().await.expect("json");
    assert_eq!(
        answers.as_array().map(Vec::len),
        Some(2),
        "a batch answers each operation"
    );
    assert_eq!(
        answers[1]["data"]["counties"].as_array().map(Vec::len),
        Some(21)
    );
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&batch(11))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.expect("json")["errors"][0]["extensions"]["code"],
        "BATCH_TOO_LARGE"
    );
}

#[tokio::test]
async fn slow_operations_time_out() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.demo = true;
        s.graphql.timeout_ms = 1;
    })
    .await;
    let query = "{ signatories(first: 100) { edges { node { signature { motives signedDuringProgrammes { code } } actionPlans { articles { number } followUps { summary } } programmeParticipations { programme { name } } } } } }";
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.json::<Value>().await.expect("json")["errors"][0]["extensions"]["code"],
        "TIMEOUT"
    );
}

#[tokio::test]
async fn persisted_queries_are_learned_and_checked() {
    let app = spawn_app(Backend::Sqlite).await;
    let query = "{ counties { code } }";
    let hash = cemr_api::graphql::persisted::hash(query);
    let by_hash =
        json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    assert_eq!(
        code_of(&app, by_hash.clone()).await.1,
        "PERSISTED_QUERY_NOT_FOUND"
    );
    let both = json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    let (_, body) = app.graphql_as(None, query, json!({})).await;
    assert!(body["data"]["counties"].is_array());
    let response: Value = app
        .client
        .post(app.url("/graphql"))
        .json(&both)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(
        response["data"]["counties"].as_array().map(Vec::len),
        Some(21)
    );
    let response: Value = app
        .client
        .post(app.url("/graphql"))
        .json(&by_hash)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(
        response["data"]["counties"].as_array().map(Vec::len),
        Some(21),
        "the hash alone now runs it"
    );
    let get = app
        .client
        .get(app.url("/graphql"))
        .query(&[("extensions", by_hash["extensions"].to_string())])
        .send()
        .await
        .expect("request");
    assert_eq!(get.status(), 200, "and over GET");
    let wrong = json!({ "query": "{ counties { name } }", "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    assert_eq!(
        code_of(&app, wrong).await.1,
        "PERSISTED_QUERY_HASH_MISMATCH"
    );
}

#[tokio::test]
async fn allow_list_mode_runs_only_registered_operations_and_locks_down() {
    let registered = "query Counties { counties { code name } }";
    let folder = tempfile::tempdir().expect("dir");
    let file = folder.path().join("operations.json");
    std::fs::write(
        &file,
        json!({ cemr_api::graphql::persisted::hash(registered): registered }).to_string(),
    )
    .expect("write");
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.graphql.persisted_queries_file = Some(file.clone());
        s.graphql.introspection = false;
        s.graphql.graphiql = false;
    })
    .await;
    let (_, body) = app.graphql_as(None, registered, json!({})).await;
    assert_eq!(
        body["data"]["counties"].as_array().map(Vec::len),
        Some(21),
        "{body}"
    );
    assert_eq!(
        code_of(&app, json!({ "query": "{ counties { code } }" }))
            .await
            .1,
        "PERSISTED_QUERY_NOT_ALLOWED"
    );
    let by_hash = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": cemr_api::graphql::persisted::hash(registered) } } });
    let response: Value = app
        .client
        .post(app.url("/graphql"))
        .json(&by_hash)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert!(response["data"]["counties"].is_array());
    assert_eq!(
        app.client
            .get(app.url("/graphiql"))
            .send()
            .await
            .expect("request")
            .status(),
        404,
        "GraphiQL is off"
    );

    let open = spawn_app_with(Backend::Sqlite, |s| s.graphql.introspection = false).await;
    let (_, body) = open
        .graphql_as(None, "{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INTROSPECTION_DISABLED",
        "{body}"
    );
    assert!(body.get("data").is_none());
    // Administrators keep the documentation (GraphiQL's explorer); members do not.
    let (_, body) = open
        .graphql_as(
            Some(&crate::helpers::member_token("1480")),
            "{ __type(name: \"County\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INTROSPECTION_DISABLED",
        "{body}"
    );
    let (_, body) = open
        .graphql_as(
            Some(&crate::helpers::admin_token()),
            "{ __schema { queryType { name } } __type(name: \"County\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["__schema"]["queryType"]["name"], "Query",
        "{body}"
    );
    assert_eq!(body["data"]["__type"]["name"], "County", "{body}");
}

#[tokio::test]
async fn a_panicking_handler_answers_500_with_the_request_id_and_the_worker_lives_on() {
    use actix_web::{App, middleware::from_fn, test, web};
    use cemr_api::http::{panics, request_log};
    let service = test::init_service(
        App::new()
            .wrap(from_fn(panics::catch_panics))
            .wrap(from_fn(request_log::log_requests))
            .route(
                "/boom",
                web::get().to(|| async { panic!("a bug") as &'static str }),
            )
            .route("/fine", web::get().to(|| async { "fine" })),
    )
    .await;
    let response =
        test::call_service(&service, test::TestRequest::get().uri("/boom").to_request()).await;
    assert_eq!(response.status(), 500);
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("id")
        .to_owned();
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["code"], "INTERNAL_SERVER_ERROR");
    assert_eq!(body["request_id"], request_id);
    assert!(
        !body.to_string().contains("a bug"),
        "the panic message stays in the log"
    );
    let after =
        test::call_service(&service, test::TestRequest::get().uri("/fine").to_request()).await;
    assert_eq!(after.status(), 200);
}

async fn internal_errors_answer_the_request_id_and_nothing_else(app: TestApp) {
    use sea_orm::ConnectionTrait;
    let db = app.db().await;
    db.execute_unprepared("DROP TABLE charter_principle")
        .await
        .expect("drop a table under the running service");
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ charterPrinciples { text } }" }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .expect("id")
        .to_owned();
    let body: Value = response.json().await.expect("json");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "INTERNAL_SERVER_ERROR");
    assert_eq!(error["extensions"]["requestId"], request_id);
    assert_eq!(error["message"], "internal server error");
    assert!(
        !body
            .to_string()
            .to_lowercase()
            .contains("charter_principle"),
        "no database text leaks: {body}"
    );
}

#[tokio::test]
async fn clients_over_the_rate_get_429_with_retry_after() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.http.rate_limit_per_minute = 60).await;
    let mut limited = None;
    for _ in 0..40 {
        let response = app
            .client
            .get(app.url("/api/v1/programmes"))
            .send()
            .await
            .expect("request");
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("the limit was reached");
    assert!(
        limited.headers()["retry-after"]
            .to_str()
            .expect("seconds")
            .parse::<u64>()
            .is_ok_and(|s| s >= 1)
    );
    assert_eq!(
        limited.json::<Value>().await.expect("json")["code"],
        "RATE_LIMITED"
    );
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("request")
            .status(),
        200,
        "probes are never limited"
    );
    let other = app
        .client
        .get(app.url("/api/v1/programmes"))
        .bearer_auth(crate::helpers::admin_token())
        .send()
        .await
        .expect("request");
    assert_eq!(other.status(), 200, "a token has a budget of its own");
}

#[tokio::test]
async fn cors_security_headers_compression_and_metrics() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.http.cors_allowed_origins = vec!["https://karta.example".into()];
        s.graphql.metrics_operation_names = vec!["FirstLook".into()];
    })
    .await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", "https://karta.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .expect("request");
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://karta.example"
    );
    let foreign = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .expect("request");
    assert!(
        foreign
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let response = app
        .client
        .get(app.url("/api/v1/counties"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("request");
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(response.headers()[name], value);
    }
    assert!(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap_or_default()
            .contains("default-src 'none'")
    );
    assert_eq!(response.headers()["content-encoding"], "gzip");

    app.client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "query FirstLook { counties { code } }" }))
        .send()
        .await
        .expect("request");
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text");
    for series in [
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "graphql_operations_total{operation=\"FirstLook\"}",
        "db_pool_connections",
        "allocator_bytes{state=\"allocated\"}",
    ] {
        assert!(metrics.contains(series), "{series} missing from /metrics");
    }
}

#[tokio::test]
async fn shutdown_turns_readiness_off_before_the_server_stops() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.http.shutdown_drain_secs = 2).await;
    assert_eq!(
        app.client
            .get(app.url("/readyz"))
            .send()
            .await
            .expect("request")
            .status(),
        200
    );
    let shutdown = app.shutdown.clone();
    let stopping = tokio::spawn(async move { shutdown.begin().await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let draining = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("still serving while draining");
    assert_eq!(draining.status(), 503);
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("request")
            .status(),
        200,
        "alive while draining"
    );
    stopping.await.expect("stopped");
    assert!(
        app.client.get(app.url("/healthz")).send().await.is_err(),
        "no longer accepting"
    );
}
