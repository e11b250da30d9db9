//! Organisation lists: filters, Swedish order, cursor paging and argument errors.

use crate::helpers::{TestApp, on_both_engines};
use serde_json::{Value, json};
use std::collections::HashSet;

on_both_engines!(
    name_search_folds_swedish_capitals,
    names_sort_in_swedish_alphabet_order,
    paging_forwards_and_backwards_covers_every_row_once,
    bad_paging_arguments_are_user_errors,
    county_lists_its_own_organisations,
);

const PAGE: &str = r#"query($first: Int, $after: String, $last: Int, $before: String, $order: OrganisationOrder) {
  organisations(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { code name } }
  }
}"#;

fn codes(page: &Value) -> Vec<String> {
    page["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|e| e["node"]["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn name_search_folds_swedish_capitals(app: TestApp) {
    let data = app
        .data(
            r#"{ organisations(filter: { nameContains: "ÖREBRO" }) { totalCount edges { node { code } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["organisations"]["totalCount"], 2);
    let found: HashSet<String> = codes(&data["organisations"]).into_iter().collect();
    assert_eq!(found, HashSet::from(["1880".to_owned(), "18".to_owned()]));

    let wildcard = app
        .data(
            r#"{ organisations(filter: { nameContains: "%" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        wildcard["organisations"]["totalCount"], 0,
        "% is matched literally"
    );
}

async fn names_sort_in_swedish_alphabet_order(app: TestApp) {
    let data = app
        .data(
            r#"{
              last: organisations(filter: { kinds: [MUNICIPALITY] }, orderBy: { field: NAME, direction: DESC }, first: 1) { edges { node { name } } }
              a: organisations(filter: { nameContains: "åtvidaberg" }, first: 1) { edges { cursor } }
              ae: organisations(filter: { nameContains: "älmhult" }, first: 1) { edges { cursor } }
              around: organisations(filter: { kinds: [MUNICIPALITY] }, orderBy: { field: NAME }, first: 100, after: null) { totalCount }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["last"]["edges"][0]["node"]["name"], "Övertorneå");

    // Walk the whole list in name order and check Å < Ä < Ö after Z.
    let mut names = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = app
            .data(
                r#"query($after: String) { organisations(filter: { kinds: [MUNICIPALITY] }, first: 100, after: $after) {
                    pageInfo { hasNextPage endCursor } edges { node { name } } } }"#,
                json!({ "after": after }),
            )
            .await;
        let page = &page["organisations"];
        names.extend(
            page["edges"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["node"]["name"].as_str().map(str::to_owned)),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(names.len(), 290);
    let position = |name: &str| {
        names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    assert!(position("Ystad") < position("Åmål"));
    assert!(position("Åtvidaberg") < position("Älmhult"));
    assert!(position("Ängelholm") < position("Öckerö"));
    assert_eq!(names[0], "Ale");
}

async fn paging_forwards_and_backwards_covers_every_row_once(app: TestApp) {
    for order in [
        json!({ "field": "NAME" }),
        json!({ "field": "CODE", "direction": "DESC" }),
    ] {
        let mut forward = Vec::new();
        let mut after: Option<String> = None;
        let total = loop {
            let data = app
                .data(PAGE, json!({ "first": 37, "after": after, "order": order }))
                .await;
            let page = &data["organisations"];
            forward.extend(codes(page));
            assert_eq!(page["pageInfo"]["hasPreviousPage"], after.is_some());
            if page["pageInfo"]["hasNextPage"] != true {
                break page["totalCount"].as_u64().unwrap_or(0);
            }
            after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        };
        assert_eq!(forward.len() as u64, total, "{order}");
        assert_eq!(
            forward.iter().collect::<HashSet<_>>().len(),
            forward.len(),
            "no repeats"
        );

        let mut backward = Vec::new();
        let mut before: Option<String> = None;
        loop {
            let data = app
                .data(
                    PAGE,
                    json!({ "last": 41, "before": before, "order": order }),
                )
                .await;
            let page = &data["organisations"];
            let mut chunk = codes(page);
            chunk.extend(backward);
            backward = chunk;
            if page["pageInfo"]["hasPreviousPage"] != true {
                break;
            }
            before = page["pageInfo"]["startCursor"].as_str().map(str::to_owned);
        }
        assert_eq!(
            backward, forward,
            "backward paging yields the same sequence ({order})"
        );
    }
}

async fn bad_paging_arguments_are_user_errors(app: TestApp) {
    for variables in [
        json!({ "first": 101 }),
        json!({ "first": -1 }),
        json!({ "last": 1000 }),
        json!({ "first": 1, "last": 1 }),
        json!({ "first": 1, "after": "not-a-cursor" }),
    ] {
        let code = app.error_code(PAGE, variables.clone()).await;
        assert_eq!(code, "BAD_USER_INPUT", "{variables}");
    }
    let by_name = app.data(PAGE, json!({ "first": 1 })).await;
    let cursor = by_name["organisations"]["pageInfo"]["endCursor"].clone();
    let code = app
        .error_code(
            PAGE,
            json!({ "first": 1, "after": cursor, "order": { "field": "CODE" } }),
        )
        .await;
    assert_eq!(
        code, "BAD_USER_INPUT",
        "a cursor of another ordering is refused"
    );
}

async fn county_lists_its_own_organisations(app: TestApp) {
    let data = app
        .data(
            r#"{ county(code: "25") { organisations(first: 100, orderBy: { field: CODE }) { totalCount edges { node { code county { code } } } } } }"#,
            json!({}),
        )
        .await;
    let list = &data["county"]["organisations"];
    assert_eq!(list["totalCount"], 15, "14 municipalities and the region");
    let all = codes(list);
    assert_eq!(all.first().map(String::as_str), Some("25"));
    assert!(
        list["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|e| e["node"]["county"]["code"] == "25")
    );
}
