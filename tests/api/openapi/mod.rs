//! The OpenAPI document is a contract. It is committed (`openapi.json`), so a change to
//! it shows in review, and it is checked against the running handlers in the manner of
//! schemathesis: requests generated from the document itself (every parameter's valid
//! values, its boundaries and just past them, wrong types, hostile text, missing or bad
//! credentials, conditional requests) must get a documented status, content type and body.

mod cases;
mod schema;

use crate::helpers::{TestApp, on_both_engines, spawn_app_with};
use cases::{Case, Expect};
use reqwest::header::{CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use serde_json::Value;

const REGENERATE: &str = "cargo run -q -- export-openapi > openapi.json";

#[test]
fn committed_openapi_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"))
        .unwrap_or_default();
    assert!(
        committed == cemr_api::rest::openapi_json().expect("the document serialises"),
        "openapi.json is stale (the REST contract changed); review the change and regenerate it with:\n    {REGENERATE}"
    );
}

on_both_engines!(demo: every_operation_answers_only_what_the_document_promises);

async fn served_document(app: &TestApp) -> Value {
    let served: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("document")
        .json()
        .await
        .expect("JSON");
    let committed: Value =
        serde_json::from_str(&cemr_api::rest::openapi_json().expect("document")).expect("JSON");
    assert_eq!(
        served, committed,
        "the served document is not the exported one"
    );
    served
}

/// The webhooks the documented examples name: 1 to read, change and rotate, 2 to delete,
/// 3 (paused) to resume.
async fn webhooks_of_the_examples(app: &TestApp) {
    use sea_orm::ConnectionTrait;
    for n in 1..=3 {
        let response = app
            .client
            .post(app.url("/api/v1/webhooks"))
            .bearer_auth(crate::helpers::admin_token())
            .json(&serde_json::json!({
                "name": format!("Example {n}"),
                "url": "https://hooks.example.se/cemr",
                "record_types": ["StudyRelease"],
            }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 201);
    }
    app.db()
        .await
        .execute_unprepared("UPDATE webhook SET status = 'PAUSED' WHERE id = 3")
        .await
        .expect("pause");
}

async fn every_operation_answers_only_what_the_document_promises(app: TestApp) {
    webhooks_of_the_examples(&app).await;
    let document = served_document(&app).await;
    let cases = cases::generate(&document);
    assert!(cases.len() > 100, "only {} cases generated", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let (status, etag) = check(&app, &document, case, None, &mut failures).await;
        let documents_304 = case.operation["responses"].get("304").is_some();
        if case.expect == Expect::Success
            && status == 200
            && documents_304
            && let Some(etag) = etag
        {
            let (again, _) = check(&app, &document, case, Some(&etag), &mut failures).await;
            if again != 304 {
                failures.push(format!(
                    "{}: If-None-Match with its ETag answered {again}",
                    case.label
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases broke the document:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Sends a case and records every way the answer departs from the document; returns the
/// status and the ETag.
async fn check(
    app: &TestApp,
    document: &Value,
    case: &Case,
    if_none_match: Option<&str>,
    failures: &mut Vec<String>,
) -> (u16, Option<String>) {
    let mut request = app
        .client
        .request(case.method.clone(), app.url(&case.path))
        .query(&case.query);
    for (name, value) in &case.headers {
        request = request.header(name, value);
    }
    if let Some(etag) = if_none_match {
        request = request.header(IF_NONE_MATCH, etag);
    }
    if let Some((content_type, body)) = &case.body {
        request = request
            .header(CONTENT_TYPE, content_type)
            .body(body.clone());
    }
    let label = &case.label;
    let response = match request.send().await {
        Ok(response) => response,
        Err(e) => {
            failures.push(format!("{label}: no answer: {e}"));
            return (0, None);
        }
    };
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let media = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_owned());
    let body = response.bytes().await.unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    let expected = match case.expect {
        Expect::Success => (200..300).contains(&status) || if_none_match.is_some(),
        Expect::Status(wanted) => status == wanted,
        Expect::Documented => status < 500,
    };
    if !expected {
        failures.push(format!(
            "{label}: expected {:?}, got {status}: {text:.300}",
            case.expect
        ));
    }
    let responses = &case.operation["responses"];
    let Some(documented) = responses
        .get(status.to_string())
        .or(responses.get("default"))
    else {
        failures.push(format!(
            "{label}: status {status} is not documented: {text:.300}"
        ));
        return (status, etag);
    };
    let Some(content) = documented["content"].as_object() else {
        if !body.is_empty() {
            failures.push(format!("{label}: {status} documents no body but one came"));
        }
        return (status, etag);
    };
    let Some(media) = media.clone().filter(|m| content.contains_key(m)) else {
        failures.push(format!(
            "{label}: {status} came as {:?}, documented as {:?}",
            media,
            content.keys().collect::<Vec<_>>()
        ));
        return (status, etag);
    };
    if media.ends_with("json") {
        match serde_json::from_slice::<Value>(&body) {
            Ok(value) => {
                let schema = &content[&media]["schema"];
                for violation in schema::violations(document, schema, &value, "body") {
                    failures.push(format!("{label}: {status}: {violation}"));
                }
                if media == "application/problem+json" && value["status"] != status {
                    failures.push(format!(
                        "{label}: problem status {} under {status}",
                        value["status"]
                    ));
                }
            }
            Err(e) => failures.push(format!("{label}: {status} is not JSON: {e}")),
        }
    }
    (status, etag)
}

/// Over the rate limit every operation answers 429, and the document says it may.
#[tokio::test]
async fn over_the_rate_limit_every_operation_answers_a_documented_429() {
    let app = spawn_app_with(crate::helpers::Backend::Sqlite, |s| {
        s.http.rate_limit_per_minute = 1;
    })
    .await;
    let document: Value =
        serde_json::from_str(&cemr_api::rest::openapi_json().expect("document")).expect("JSON");
    let cases: Vec<Case> = cases::generate(&document)
        .into_iter()
        .filter(|c| c.expect == Expect::Success)
        .collect();
    // Spend the burst, then every operation must be refused as documented.
    for _ in 0..20 {
        let _ = app.client.get(app.url("/api/v1/counties")).send().await;
    }
    let mut failures = Vec::new();
    for case in &cases {
        let mut limited = case.clone();
        limited.headers.clear();
        limited.expect = Expect::Status(429);
        check(&app, &document, &limited, None, &mut failures).await;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
