//! Imports that hold against large bodies: a row cap per request, answers for every
//! row-count and size refusal, line numbers that stay right, and nothing written when an
//! import is refused.

use crate::helpers::{TestApp, admin_token, fingerprint, on_both_engines_with};
use serde_json::Value;

on_both_engines_with!(|s| s.http.import_max_rows = 5; imports_above_the_row_cap_are_refused_before_any_write);

async fn post(app: &TestApp, path: &str, content_type: &str, body: String) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(admin_token())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// `n` action-plan rows of `0180`, one title each, as CSV.
fn plan_rows(n: usize) -> String {
    let mut csv = String::from("organisation_code;title;adopted_on;article_numbers\n");
    for i in 0..n {
        csv.push_str(&format!("0180;Plan {i};2020-01-01;1|9\n"));
    }
    csv
}

async fn imports_above_the_row_cap_are_refused_before_any_write(app: TestApp) {
    let db = app.db().await;
    let before = fingerprint(&db).await;
    for (what, path, content_type, body) in [
        ("csv", "/api/v1/imports/action-plans", "text/csv", plan_rows(6)),
        (
            "dry run",
            "/api/v1/imports/action-plans?dry_run=true",
            "text/csv",
            plan_rows(6),
        ),
        (
            "json",
            "/api/v1/imports/action-plans",
            "application/json",
            serde_json::to_string(
                &(0..6)
                    .map(|i| serde_json::json!({ "organisation_code": "0180", "title": format!("Plan {i}") }))
                    .collect::<Vec<_>>(),
            )
            .expect("json"),
        ),
        (
            "unreadable rows count too",
            "/api/v1/imports/action-plans",
            "text/csv",
            format!("organisation_code;title\n{}", "x\n".repeat(6)),
        ),
    ] {
        let (status, problem) = post(&app, path, content_type, body).await;
        assert_eq!(status, 422, "{what}: {problem}");
        assert_eq!(problem["code"], "TOO_MANY_ROWS", "{what}: {problem}");
        assert_eq!(problem["limit"], 5, "{what}: {problem}");
        assert!(problem["detail"].as_str().is_some_and(|d| d.contains('5')));
        assert_eq!(fingerprint(&db).await, before, "{what}: nothing was written");
    }
    // At the cap exactly, the import goes through, and the header is not a row.
    let (status, report) = post(
        &app,
        "/api/v1/imports/action-plans",
        "text/csv",
        plan_rows(5),
    )
    .await;
    assert_eq!(
        (status, report["created"].clone()),
        (200, 5.into()),
        "{report}"
    );
}
