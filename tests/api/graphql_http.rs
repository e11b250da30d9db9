//! GraphQL over HTTP: status codes, media types and refusals.

use crate::helpers::{Backend, TestApp, spawn_app};
use serde_json::{Value, json};

const GQL_RESPONSE: &str = "application/graphql-response+json";

async fn post_raw(
    app: &TestApp,
    content_type: &str,
    accept: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, String, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", content_type)
        .header("accept", accept)
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, content_type, body)
}

#[tokio::test]
async fn malformed_json_is_a_400_never_a_500() {
    let app = spawn_app(Backend::Sqlite).await;
    for accept in ["application/json", GQL_RESPONSE] {
        let (status, _, body) = post_raw(&app, "application/json", accept, "{not json").await;
        assert_eq!(status, 400, "accept {accept}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
        assert!(body.get("data").is_none());
    }
}

#[tokio::test]
async fn a_request_without_query_is_a_400() {
    let app = spawn_app(Backend::Sqlite).await;
    for body in [
        json!({}),
        json!({ "query": 42 }),
        json!([]),
        json!({ "query": "{ counties { code } }", "variables": [] }),
    ] {
        let (status, _, _) = post_raw(
            &app,
            "application/json",
            "application/json",
            body.to_string(),
        )
        .await;
        assert_eq!(status, 400, "body {body}");
    }
}

#[tokio::test]
async fn syntax_errors_are_request_errors_per_media_type() {
    let app = spawn_app(Backend::Sqlite).await;
    let body = json!({ "query": "{ counties { code " }).to_string();
    let (status, content_type, legacy) =
        post_raw(&app, "application/json", "application/json", body.clone()).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    assert_eq!(
        legacy["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );
    assert!(legacy.get("data").is_none());

    let (status, content_type, modern) =
        post_raw(&app, "application/json", GQL_RESPONSE, body).await;
    assert_eq!(status, 400);
    assert!(content_type.starts_with(GQL_RESPONSE));
    assert!(modern.get("data").is_none());
}

#[tokio::test]
async fn validation_errors_carry_a_code_and_a_400_under_the_graphql_media_type() {
    let app = spawn_app(Backend::Sqlite).await;
    let body = json!({ "query": "{ noSuchField }" }).to_string();
    let (status, _, response) = post_raw(&app, "application/json", GQL_RESPONSE, body).await;
    assert_eq!(status, 400);
    assert_eq!(
        response["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
}

#[tokio::test]
async fn get_serves_queries_and_refuses_mutations_with_405() {
    let app = spawn_app(Backend::Sqlite).await;
    let ok = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ counties { code } }")])
        .send()
        .await
        .expect("request");
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.expect("json");
    assert_eq!(body["data"]["counties"].as_array().map(Vec::len), Some(21));

    let refused = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { anything }")])
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 405);
    assert_eq!(refused.headers()["allow"], "POST");
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_and_other_types_415() {
    let app = spawn_app(Backend::Sqlite).await;
    let padding = " ".repeat(1024 * 1024 + 1);
    let body = format!("{{\"query\": \"{{ counties {{ code }} }}\"{padding}}}");
    let (status, _, response) = post_raw(&app, "application/json", "application/json", body).await;
    assert_eq!(status, 413);
    assert_eq!(
        response["errors"][0]["extensions"]["code"],
        "PAYLOAD_TOO_LARGE"
    );

    let (status, _, _) = post_raw(
        &app,
        "text/plain",
        "application/json",
        "{ counties { code } }",
    )
    .await;
    assert_eq!(status, 415);
}

#[tokio::test]
async fn unacceptable_accept_header_is_406() {
    let app = spawn_app(Backend::Sqlite).await;
    let body = json!({ "query": "{ counties { code } }" }).to_string();
    let (status, _, _) = post_raw(&app, "application/json", "text/html", body).await;
    assert_eq!(status, 406);
}

#[tokio::test]
async fn graphiql_is_served_with_its_own_assets() {
    let app = spawn_app(Backend::Sqlite).await;
    let page = app
        .client
        .get(app.url("/graphiql"))
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("text");
    assert!(html.contains("/graphiql/assets/graphiql.min.js"));
    assert!(
        !html.contains("unpkg") && !html.contains("cdn"),
        "GraphiQL must not load from a CDN"
    );
    for asset in [
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "start.js",
    ] {
        let response = app
            .client
            .get(app.url(&format!("/graphiql/assets/{asset}")))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{asset}");
    }
}

/// A response's fields come in the order the query selected them (GraphQL spec, "Serialized
/// Map Ordering"), not sorted by name; aliases included.
async fn response_fields_follow_the_query_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let query = r#"{ zeta: county(code: "01") { name code } alpha: county(code: "03") { code name }
      organisation(code: "0180") { name kind code } }"#;
    // Fields waiting for the database complete in any order: ask several times.
    for _ in 0..10 {
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200);
        let text = response.text().await.expect("a body");
        assert_in_query_order(&text);
    }
}

fn assert_in_query_order(text: &str) {
    let parsed: Value = serde_json::from_str(text).expect("JSON");
    assert!(parsed.get("errors").is_none(), "{text}");
    let at = |hay: &str, needle: &str| {
        hay.find(&format!("\"{needle}\""))
            .unwrap_or_else(|| panic!("{needle} missing from {hay}"))
    };
    assert!(at(text, "zeta") < at(text, "alpha"), "{text}");
    assert!(at(text, "alpha") < at(text, "organisation"), "{text}");
    let zeta = &text[at(text, "zeta")..at(text, "alpha")];
    assert!(at(zeta, "name") < at(zeta, "code"), "{zeta}");
    let alpha = &text[at(text, "alpha")..at(text, "organisation")];
    assert!(at(alpha, "code") < at(alpha, "name"), "{alpha}");
    let organisation = &text[at(text, "organisation")..];
    assert!(
        at(organisation, "name") < at(organisation, "kind"),
        "{organisation}"
    );
    assert!(
        at(organisation, "kind") < at(organisation, "code"),
        "{organisation}"
    );
}

crate::helpers::on_both_engines!(backend: response_fields_follow_the_query_order);
