//! Signatory lists and statistics over the demo register, checked against what the test
//! computes itself from the full list.

use crate::helpers::{TestApp, on_both_engines};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

on_both_engines!(demo:
    every_filter_selects_what_the_rule_says,
    statistics_equal_counts_computed_independently,
    orders_are_stable_and_page_both_ways_without_gaps,
    navigation_works_both_ways,
    demo_records_are_marked_and_totals_match_the_published_figures,
);

const ALL: &str = r#"query($after: String) { organisations(first: 100, after: $after, orderBy: { field: CODE }) {
  pageInfo { hasNextPage endCursor }
  edges { node {
    code kind hasRegionalResponsibility county { code } signatoryStatus actionPlanStatus
    signature { signedOn notLaterThan signedYear dataOrigin }
    programmeParticipations { programme { code } }
  } }
} }"#;

/// Every organisation with the fields the rules need.
async fn everything(app: &TestApp) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = app.data(ALL, json!({ "after": after })).await;
        let page = &data["organisations"];
        rows.extend(
            page["edges"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| e["node"].clone()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            return rows;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

/// Every code a filtered list returns, across pages.
async fn listed(app: &TestApp, field: &str, filter: &Value) -> BTreeSet<String> {
    let query = format!(
        r#"query($filter: OrganisationFilterInput, $after: String) {{ {field}(filter: $filter, first: 100, after: $after) {{
            totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ code }} }} }} }}"#
    );
    let mut codes = BTreeSet::new();
    let mut after: Option<String> = None;
    loop {
        let data = app
            .data(&query, json!({ "filter": filter, "after": after }))
            .await;
        let page = &data[field];
        codes.extend(
            page["edges"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["node"]["code"].as_str().map(str::to_owned)),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            assert_eq!(
                page["totalCount"].as_u64(),
                Some(codes.len() as u64),
                "totalCount of {filter}"
            );
            return codes;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

fn code(row: &Value) -> String {
    row["code"].as_str().unwrap_or_default().to_owned()
}

fn is_region(row: &Value) -> bool {
    row["kind"] == "REGION" || row["hasRegionalResponsibility"] == true
}

fn took_part(row: &Value, programme: &str) -> bool {
    row["programmeParticipations"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| p["programme"]["code"] == programme)
}

async fn every_filter_selects_what_the_rule_says(app: TestApp) {
    let all = everything(&app).await;
    assert_eq!(all.len(), 311);
    let expect = |keep: &dyn Fn(&Value) -> bool| -> BTreeSet<String> {
        all.iter().filter(|r| keep(r)).map(code).collect()
    };
    let year = |r: &Value| r["signature"]["signedYear"].as_i64();
    let cases: Vec<(Value, BTreeSet<String>)> = vec![
        (json!({ "kinds": ["REGION"] }), expect(&is_region)),
        (
            json!({ "kinds": ["MUNICIPALITY"] }),
            expect(&|r| r["kind"] == "MUNICIPALITY"),
        ),
        (
            json!({ "countyCodes": ["01", "25"] }),
            expect(&|r| r["county"]["code"] == "01" || r["county"]["code"] == "25"),
        ),
        (
            json!({ "statuses": ["WITHDRAWN"] }),
            expect(&|r| r["signatoryStatus"] == "WITHDRAWN"),
        ),
        (
            json!({ "statuses": ["NEVER_SIGNED"] }),
            expect(&|r| r["signatoryStatus"] == "NEVER_SIGNED"),
        ),
        (
            json!({ "signedFromYear": 2008, "signedToYear": 2013 }),
            expect(&|r| year(r).is_some_and(|y| (2008..=2013).contains(&y))),
        ),
        (
            json!({ "signedFromYear": 2015 }),
            expect(&|r| year(r).is_some_and(|y| y >= 2015)),
        ),
        (
            json!({ "actionPlanStatuses": ["OVERDUE", "ADOPTED"] }),
            expect(&|r| r["actionPlanStatus"] == "OVERDUE" || r["actionPlanStatus"] == "ADOPTED"),
        ),
        (
            json!({ "actionPlanStatuses": ["NO_PLAN_ON_RECORD"] }),
            expect(&|r| r["actionPlanStatus"] == "NO_PLAN_ON_RECORD"),
        ),
        (
            json!({ "programmeCodes": ["MODELLKONCEPTET"] }),
            expect(&|r| took_part(r, "MODELLKONCEPTET")),
        ),
        (
            json!({ "kinds": ["MUNICIPALITY"], "statuses": ["SIGNED"], "signedFromYear": 2008, "signedToYear": 2010 }),
            expect(&|r| {
                r["kind"] == "MUNICIPALITY"
                    && r["signatoryStatus"] == "SIGNED"
                    && year(r).is_some_and(|y| (2008..=2010).contains(&y))
            }),
        ),
    ];
    for (filter, expected) in cases {
        assert!(!expected.is_empty(), "the demo data exercises {filter}");
        assert_eq!(
            listed(&app, "organisations", &filter).await,
            expected,
            "organisations {filter}"
        );
        let signatories: BTreeSet<String> = expected
            .iter()
            .filter(|c| {
                all.iter()
                    .any(|r| &code(r) == *c && !r["signature"].is_null())
            })
            .cloned()
            .collect();
        assert_eq!(
            listed(&app, "signatories", &filter).await,
            signatories,
            "signatories {filter}"
        );
    }
    let code = app
        .error_code(
            r#"{ signatories(filter: { signedFromYear: 2015, signedToYear: 2010 }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
}

async fn statistics_equal_counts_computed_independently(app: TestApp) {
    let all = everything(&app).await;
    let stats = app
        .data(
            r#"{ registerStatistics {
                organisations
                byKindAndStatus { kind status count }
                signingsPerYear { year count }
                byCounty { countyCode signed withdrawn neverSigned }
                actionPlanStatuses { status count }
                signingsWithinProgrammes { programme { code startYear endYear } signings }
            } }"#,
            json!({}),
        )
        .await["registerStatistics"]
        .clone();
    assert_eq!(stats["organisations"], all.len());

    let mut by_kind: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut per_year: BTreeMap<Option<i64>, u64> = BTreeMap::new();
    let mut per_county: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    let mut plans: BTreeMap<String, u64> = BTreeMap::new();
    for row in &all {
        let status = row["signatoryStatus"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let kind = row["kind"].as_str().unwrap_or_default().to_owned();
        *by_kind.entry((kind.clone(), status.clone())).or_default() += 1;
        if row["hasRegionalResponsibility"] == true && kind != "REGION" {
            *by_kind
                .entry(("REGION".into(), status.clone()))
                .or_default() += 1;
        }
        if !row["signature"].is_null() {
            *per_year
                .entry(row["signature"]["signedYear"].as_i64())
                .or_default() += 1;
        }
        if let Some(county) = row["county"]["code"].as_str() {
            let slot = match status.as_str() {
                "SIGNED" => 0,
                "WITHDRAWN" => 1,
                _ => 2,
            };
            per_county.entry(county.to_owned()).or_default()[slot] += 1;
        }
        if let Some(plan) = row["actionPlanStatus"].as_str() {
            *plans.entry(plan.to_owned()).or_default() += 1;
        }
    }
    let served_kinds: BTreeMap<(String, String), u64> = stats["byKindAndStatus"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                (
                    c["kind"].as_str().unwrap_or_default().into(),
                    c["status"].as_str().unwrap_or_default().into(),
                ),
                c["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(served_kinds, by_kind);
    let served_years: BTreeMap<Option<i64>, u64> = stats["signingsPerYear"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|y| (y["year"].as_i64(), y["count"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(served_years, per_year);
    let served_counties: BTreeMap<String, [u64; 3]> = stats["byCounty"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let n = |f: &str| c[f].as_u64().unwrap_or(0);
            (
                c["countyCode"].as_str().unwrap_or_default().to_owned(),
                [n("signed"), n("withdrawn"), n("neverSigned")],
            )
        })
        .collect();
    assert_eq!(served_counties, per_county);
    for entry in stats["actionPlanStatuses"].as_array().into_iter().flatten() {
        let status = entry["status"].as_str().unwrap_or_default();
        assert_eq!(
            entry["count"].as_u64(),
            Some(plans.get(status).copied().unwrap_or(0)),
            "{status}"
        );
    }
    for entry in stats["signingsWithinProgrammes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let start = entry["programme"]["startYear"].as_i64().unwrap_or(0);
        let end = entry["programme"]["endYear"].as_i64().unwrap_or(i64::MAX);
        let expected = all
            .iter()
            .filter(|r| {
                r["signature"]["signedYear"]
                    .as_i64()
                    .is_some_and(|y| y >= start && y <= end)
            })
            .count();
        assert_eq!(
            entry["signings"].as_u64(),
            Some(expected as u64),
            "{}",
            entry["programme"]["code"]
        );
    }
}

async fn orders_are_stable_and_page_both_ways_without_gaps(app: TestApp) {
    const PAGE: &str = r#"query($order: OrganisationOrder, $first: Int, $after: String, $last: Int, $before: String) {
        signatories(orderBy: $order, first: $first, after: $after, last: $last, before: $before) {
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { node { code signature { signedOn notLaterThan } } } } }"#;
    for (field, direction) in [
        ("SIGNED_ON", "ASC"),
        ("SIGNED_ON", "DESC"),
        ("CODE", "ASC"),
        ("NAME", "DESC"),
    ] {
        let order = json!({ "field": field, "direction": direction });
        let mut forward: Vec<Value> = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let data = app
                .data(PAGE, json!({ "order": order, "first": 17, "after": after }))
                .await;
            let page = &data["signatories"];
            forward.extend(
                page["edges"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| e["node"].clone()),
            );
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        }
        let codes: Vec<String> = forward.iter().map(code).collect();
        assert_eq!(
            codes.iter().collect::<BTreeSet<_>>().len(),
            codes.len(),
            "no repeats in {order}"
        );
        // 112 municipalities and 19 regions signed, 6 municipalities withdrew.
        assert_eq!(codes.len(), 112 + 19 + 6, "every signatory once in {order}");
        if field == "SIGNED_ON" {
            let keys: Vec<(String, String)> = forward
                .iter()
                .map(|n| {
                    let s = &n["signature"];
                    (
                        s["signedOn"]
                            .as_str()
                            .or(s["notLaterThan"].as_str())
                            .unwrap_or_default()
                            .to_owned(),
                        code(n),
                    )
                })
                .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            if direction == "DESC" {
                sorted.reverse();
            }
            assert_eq!(
                keys, sorted,
                "signing order with ties by code ({direction})"
            );
        }
        let mut backward: Vec<String> = Vec::new();
        let mut before: Option<String> = None;
        loop {
            let data = app
                .data(
                    PAGE,
                    json!({ "order": order, "last": 23, "before": before }),
                )
                .await;
            let page = &data["signatories"];
            let mut chunk: Vec<String> = page["edges"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| code(&e["node"]))
                .collect();
            chunk.append(&mut backward);
            backward = chunk;
            if page["pageInfo"]["hasPreviousPage"] != true {
                break;
            }
            before = page["pageInfo"]["startCursor"].as_str().map(str::to_owned);
        }
        assert_eq!(
            backward, codes,
            "backward paging matches forward paging ({order})"
        );
    }
}

async fn navigation_works_both_ways(app: TestApp) {
    let data = app
        .data(
            r#"{
              programme: supportProgramme(code: "MODELLKONCEPTET") { participants(first: 100) { totalCount edges { node { code programmeParticipations { role programme { code } } } } } }
              article: charterArticle(number: 22) { actionPlans { id organisation { code } articles { number } } }
              county(code: "01") { organisations(first: 1, filter: { statuses: [SIGNED] }) { edges { node { county { code } } } } countyBoard { support { organisation { county { code } } countyBoard { county { code } } focusAreas } } }
            }"#,
            json!({}),
        )
        .await;
    let participants = &data["programme"]["participants"];
    assert!(participants["totalCount"].as_u64().unwrap_or(0) > 0);
    for edge in participants["edges"].as_array().into_iter().flatten() {
        let parts = edge["node"]["programmeParticipations"]
            .as_array()
            .expect("participations");
        assert!(
            parts
                .iter()
                .any(|p| p["programme"]["code"] == "MODELLKONCEPTET")
        );
    }
    let plans = data["article"]["actionPlans"].as_array().expect("plans");
    assert!(!plans.is_empty());
    for plan in plans {
        assert!(
            plan["articles"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|a| a["number"] == 22)
        );
    }
    assert_eq!(
        data["county"]["organisations"]["edges"][0]["node"]["county"]["code"],
        "01"
    );
    for support in data["county"]["countyBoard"]["support"]
        .as_array()
        .into_iter()
        .flatten()
    {
        assert_eq!(support["organisation"]["county"]["code"], "01");
        assert_eq!(support["countyBoard"]["county"]["code"], "01");
        assert!(!support["focusAreas"].as_array().expect("areas").is_empty());
    }
}

async fn demo_records_are_marked_and_totals_match_the_published_figures(app: TestApp) {
    let all = everything(&app).await;
    let signed = |kind: &dyn Fn(&Value) -> bool| {
        all.iter()
            .filter(|r| kind(r) && r["signatoryStatus"] == "SIGNED")
            .count()
    };
    assert_eq!(signed(&|r| r["kind"] == "MUNICIPALITY"), 112);
    assert_eq!(signed(&is_region), 19);
    for row in all.iter().filter(|r| !r["signature"].is_null()) {
        let origin = &row["signature"]["dataOrigin"];
        assert!(origin == "DEMO" || origin == "SOURCED", "{row}");
    }
    let largest = [
        "0180", "1480", "1280", "0380", "0580", "1880", "1980", "1283", "0581", "0680",
    ];
    for code in largest {
        let row = all
            .iter()
            .find(|r| r["code"] == code)
            .expect("largest municipality");
        assert_eq!(row["signatoryStatus"], "SIGNED", "{code}");
    }
    let years = app
        .data(
            r#"{ registerStatistics { signingsPerYear { year count } } }"#,
            json!({}),
        )
        .await;
    let peak = years["registerStatistics"]["signingsPerYear"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|y| !y["year"].is_null())
        .max_by_key(|y| y["count"].as_u64())
        .map(|y| y["year"].clone());
    assert_eq!(peak, Some(json!(2008)));
}
