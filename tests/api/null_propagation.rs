//! Null propagation as the GraphQL specification requires: a refused field of a non-null
//! type makes its nearest nullable parent `null` (with the error), so no key the schema
//! promises is ever missing from an object in the response.

use crate::helpers::{TestApp, on_both_engines};
use serde_json::{Value, json};

on_both_engines!(
    a_refused_non_null_field_nulls_its_nullable_parent,
    aliases_and_fragments_lead_the_null_to_the_right_key,
    a_refusal_with_no_nullable_parent_nulls_all_data,
);

const STUDY: &str = "cemr-followup-2021";

async fn anonymous(app: &TestApp, query: &str) -> Value {
    app.graphql(query, json!({ "slug": STUDY })).await
}

fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned))
        .collect()
}

async fn a_refused_non_null_field_nulls_its_nullable_parent(app: TestApp) {
    let body = anonymous(
        &app,
        "query($slug: String) { study(slug: $slug) { title interviews(first: 1) { totalCount } } counties { code } }",
    )
    .await;
    assert_eq!(body["data"]["study"], Value::Null, "{body}");
    assert_eq!(
        body["data"]["counties"].as_array().map(Vec::len),
        Some(21),
        "siblings of the nulled parent stay: {body}"
    );
    assert_eq!(body["errors"][0]["path"], json!(["study", "interviews"]));
    assert_eq!(codes(&body), ["UNAUTHENTICATED"]);
    // The same study without the refused field is there as before.
    let body = anonymous(
        &app,
        "query($slug: String) { study(slug: $slug) { title } }",
    )
    .await;
    assert!(body["data"]["study"]["title"].is_string(), "{body}");
}

async fn aliases_and_fragments_lead_the_null_to_the_right_key(app: TestApp) {
    let body = anonymous(
        &app,
        r#"query($slug: String) {
             open: study(slug: $slug) { slug }
             closed: study(slug: $slug) { ...Restricted }
           }
           fragment Restricted on Study { slug ... on Study { records: interviews(first: 1) { totalCount } } }"#,
    )
    .await;
    assert_eq!(body["data"]["closed"], Value::Null, "{body}");
    assert_eq!(body["data"]["open"]["slug"], STUDY, "{body}");
    assert_eq!(body["errors"][0]["path"], json!(["closed", "records"]));
}

async fn a_refusal_with_no_nullable_parent_nulls_all_data(app: TestApp) {
    // `studies` is `[Study!]!` and `interviews` is non-null: nothing between the refused
    // field and the root may be null, so `data` is.
    let body = anonymous(
        &app,
        "{ counties { code } studies { slug interviews(first: 1) { totalCount } } }",
    )
    .await;
    assert_eq!(body["data"], Value::Null, "{body}");
    assert!(!codes(&body).is_empty(), "{body}");
    // A non-null root field refused: `me` is `Me!`.
    let body = anonymous(&app, "{ counties { code } me { role } }").await;
    assert_eq!(body["data"], Value::Null, "{body}");
    assert_eq!(codes(&body), ["UNAUTHENTICATED"]);
}
