//! Rate limits keyed by who is calling, weighted by what a request costs: invented or
//! invalid credentials all fall into their address's bucket (never a fresh bucket per
//! variant, and no database lookup once the bucket is empty), a verified caller has a
//! budget of its own, and batches, logins, imports and complex queries cost more than a
//! county lookup.

use crate::fixtures;
use crate::helpers::{Backend, TestApp, admin_token, spawn_app_with};
use serde_json::{Value, json};

/// An app allowing `per_minute` units a minute (bursts of 20, the smallest).
async fn limited_app(per_minute: u32) -> TestApp {
    spawn_app_with(Backend::Sqlite, |s| {
        s.http.rate_limit_per_minute = per_minute
    })
    .await
}

async fn get(app: &TestApp, path: &str, bearer: Option<&str>) -> u16 {
    let mut request = app.client.get(app.url(path));
    if let Some(bearer) = bearer {
        request = request.header("authorization", bearer);
    }
    request.send().await.expect("request").status().as_u16()
}

fn junk(i: usize) -> String {
    match i % 4 {
        // Well-formed API tokens nobody issued: each would cost a lookup.
        0 => format!(
            "Bearer {}",
            cemr_api::auth::api_tokens::generate().expect("token")
        ),
        1 => format!("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.{i}"),
        2 => format!("Bearer  cemr_{i}"),
        _ => format!("Basic {i}"),
    }
}

#[tokio::test]
async fn junk_credentials_share_their_address_bucket() {
    // 20 units a minute: a bucket holds 20, one unit comes back every 3 s.
    let app = limited_app(20).await;
    let (known, _) = fixtures::api_token(&app.db().await, Some("2282"), "MEMBER", false).await;
    let known = format!("Bearer {known}");
    assert_eq!(get(&app, "/api/v1/counties", Some(&known)).await, 200);

    let started = std::time::Instant::now();
    let mut statuses = Vec::new();
    for i in 0..200 {
        statuses.push(get(&app, "/api/v1/counties", Some(&junk(i))).await);
    }
    let refilled = started.elapsed().as_secs() as usize / 3 + 1;
    let refused = statuses.iter().filter(|s| **s == 401).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(refused + limited, 200, "{statuses:?}");
    // Only an answered 401 can have cost a lookup.
    assert!(
        refused <= 20 + refilled,
        "{refused} junk credentials were checked: {statuses:?}"
    );
    let mut anonymous = Vec::new();
    for _ in 0..3 {
        anonymous.push(get(&app, "/api/v1/counties", None).await);
    }
    assert!(
        anonymous.contains(&429),
        "the address's bucket is empty: {anonymous:?}"
    );

    let admin = format!("Bearer {}", admin_token());
    assert_eq!(
        get(&app, "/api/v1/counties", Some(&admin)).await,
        200,
        "a verified JWT has its own budget"
    );
    assert_eq!(
        get(&app, "/api/v1/counties", Some(&known)).await,
        200,
        "so has an API token this replica saw verify"
    );
    // The same token with other spacing is the same caller, not a fresh bucket.
    let spaced = known.replacen("Bearer ", "bearer    ", 1) + "  ";
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(get(&app, "/api/v1/counties", Some(&spaced)).await);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[tokio::test]
async fn a_graphql_refusal_has_graphqls_shape_and_retry_after() {
    let app = limited_app(20).await;
    let mut last = None;
    for _ in 0..60 {
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&json!({ "query": "{ counties { code } }" }))
            .send()
            .await
            .expect("request");
        if response.status() == 429 {
            last = Some(response);
            break;
        }
    }
    let response = last.expect("limited");
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
}

/// Posts a batch of `n` county lookups with the bearer; the status.
async fn lookups(app: &TestApp, n: usize, bearer: &str) -> u16 {
    let operations = vec![json!({ "query": "{ counties { code } }" }); n];
    app.client
        .post(app.url("/graphql"))
        .bearer_auth(bearer)
        .json(&operations)
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

/// 18 root fields of 100 organisations with 9 fields each: complexity 19,818 of 20,000.
fn heavy_query() -> String {
    let field = "organisations(first: 100) { edges { node { code name kind signatoryStatus actionPlanStatus hasRegionalResponsibility county { code name } } } }";
    let fields: String = (0..18).map(|i| format!("o{i}: {field} ")).collect();
    format!("{{ {fields} }}")
}

// Each probe below needs more units than can come back (one per 3 s) while the test runs.
#[tokio::test]
async fn batches_pay_per_operation_and_heavy_work_pays_more() {
    // 20 units a minute: one unit comes back every 3 s, a bucket holds 20.
    let app = limited_app(20).await;
    let admin = admin_token();
    assert_eq!(lookups(&app, 10, &admin).await, 200);
    assert_eq!(lookups(&app, 10, &admin).await, 200, "10 units left");
    assert_eq!(
        lookups(&app, 5, &admin).await,
        429,
        "a batch pays per operation"
    );

    let app = limited_app(20).await;
    let (status, body) = app
        .graphql_as(Some(&admin), &heavy_query(), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        lookups(&app, 5, &admin).await,
        429,
        "a complex query costs more than a lookup"
    );

    let app = limited_app(20).await;
    let login =
        r#"mutation { login(email: "nobody@example.se", password: "wrong") { accessToken } }"#;
    let (status, _) = app.graphql_as(None, login, json!({})).await;
    assert_eq!(status, 200);
    let (status, body) = app.graphql_as(None, login, json!({})).await;
    assert_eq!(
        (status, body["errors"][0]["extensions"]["code"].clone()),
        (429, json!("RATE_LIMITED")),
        "a login costs ten lookups"
    );

    let app = limited_app(20).await;
    let (token, _) = fixtures::api_token(&app.db().await, Some("2282"), "MEMBER", true).await;
    let import = app
        .client
        .post(app.url("/api/v1/imports/action-plans?dry_run=true"))
        .bearer_auth(&token)
        .json(&json!([]))
        .send()
        .await
        .expect("request");
    assert_ne!(import.status(), 429, "an import fits a full bucket");
    assert_eq!(
        lookups(&app, 5, &token).await,
        429,
        "an import costs twenty lookups"
    );
}
