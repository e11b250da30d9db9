//! What the register claims about action plans: `OVERDUE` only on a cited fact that the
//! plan is missing, `NO_PLAN_ON_RECORD` when the register merely has none.

use crate::fixtures;
use crate::helpers::{TestApp, admin_token, on_both_engines};
use cemr_api::domain::dates;
use cemr_api::graphql::ids;
use chrono::{Duration, Months, Utc};
use serde_json::{Value, json};

on_both_engines!(
    the_facts_only_seed_calls_no_signatory_overdue,
    a_cited_missing_plan_makes_a_signatory_overdue,
);

on_both_engines!(demo: the_demo_register_shows_both_kinds_of_missing_plan);

async fn rest_json(app: &TestApp, path: &str) -> Value {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("JSON")
}

async fn rest_text(app: &TestApp, path: &str) -> String {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("text")
}

fn count_of(statuses: &Value, status: &str) -> i64 {
    statuses
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["status"] == status)
        .and_then(|s| s["count"].as_i64())
        .unwrap_or_else(|| panic!("no {status} in {statuses}"))
}

async fn the_facts_only_seed_calls_no_signatory_overdue(app: TestApp) {
    let data = app
        .data(
            r#"{
              registerStatistics { actionPlanStatuses { status count } }
              boden: organisation(code: "2582") { actionPlanStatus signature { planMissingOn planMissingSource } }
              overdue: signatories(filter: { actionPlanStatuses: [OVERDUE] }) { totalCount }
            }"#,
            json!({}),
        )
        .await;
    let statuses = &data["registerStatistics"]["actionPlanStatuses"];
    assert_eq!(count_of(statuses, "OVERDUE"), 0);
    assert_eq!(
        count_of(statuses, "NO_PLAN_ON_RECORD"),
        17,
        "every documented signatory is past its due date with no plan on record"
    );
    assert_eq!(data["overdue"]["totalCount"], 0);
    assert_eq!(data["boden"]["actionPlanStatus"], "NO_PLAN_ON_RECORD");
    assert_eq!(data["boden"]["signature"]["planMissingOn"], Value::Null);

    let rest = rest_json(&app, "/api/v1/signatories?action_plan_status=OVERDUE").await;
    assert_eq!(rest["count"], 0);
    let rest = rest_json(
        &app,
        "/api/v1/signatories?action_plan_status=NO_PLAN_ON_RECORD",
    )
    .await;
    assert_eq!(rest["count"], 17);
    let csv = rest_text(&app, "/api/v1/signatories.csv").await;
    assert!(csv.contains(";NO_PLAN_ON_RECORD;"), "{csv}");
    assert!(!csv.contains("OVERDUE"), "{csv}");
}

const UPDATE: &str = r#"mutation($id: ID!, $version: Int!, $facts: SignatureFactsInput!) {
  updateSignature(id: $id, version: $version, facts: $facts) {
    signature { version planMissingOn planMissingSource organisation { actionPlanStatus } }
    userErrors { field code }
  }
}"#;

async fn a_cited_missing_plan_makes_a_signatory_overdue(app: TestApp) {
    let db = app.db().await;
    let today = Utc::now().date_naive();
    let signed_on = today.checked_sub_months(Months::new(24)).expect("date") - Duration::days(10);
    let due = dates::action_plan_due_on(signed_on);
    let signed = fixtures::sign(&db, "0115", signed_on).await;
    fixtures::sign(&db, "0117", signed_on).await;
    let id = ids::encode("Signature", signed.id);
    let facts = |on: Option<String>, source: Option<&str>| {
        json!({ "signedOn": dates::format(signed_on), "signedPrecision": "DAY",
                "planMissingOn": on, "planMissingSource": source })
    };
    let admin = admin_token();
    let update = |facts: Value, version: i32| {
        let admin = admin.clone();
        let id = id.clone();
        let app = &app;
        async move {
            let (status, body) = app
                .graphql_as(
                    Some(&admin),
                    UPDATE,
                    json!({ "id": id, "version": version, "facts": facts }),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            body["data"]["updateSignature"].clone()
        }
    };

    // Refused: half a fact, a fact dated on or before the due date, or in the future.
    let refusals = [
        (
            facts(Some(dates::format(today)), None),
            "planMissingSource",
            "REQUIRED",
        ),
        (
            facts(None, Some("Kommunens årsredovisning 2025")),
            "planMissingOn",
            "REQUIRED",
        ),
        (
            facts(Some(dates::format(due)), Some("Kommunens årsredovisning")),
            "planMissingOn",
            "ORDER",
        ),
        (
            facts(
                Some(dates::format(today + Duration::days(1))),
                Some("Kommunens årsredovisning"),
            ),
            "planMissingOn",
            "IN_FUTURE",
        ),
    ];
    for (facts, field, code) in refusals {
        let answer = update(facts.clone(), 1).await;
        assert_eq!(answer["signature"], Value::Null, "{facts}");
        assert_eq!(
            answer["userErrors"],
            json!([{ "field": [field], "code": code }]),
            "{facts}"
        );
    }

    let missing_on = dates::format(due + Duration::days(1));
    let answer = update(
        facts(
            Some(missing_on.clone()),
            Some("Kommunens årsredovisning 2025, s. 12"),
        ),
        1,
    )
    .await;
    assert_eq!(answer["userErrors"], json!([]));
    assert_eq!(answer["signature"]["version"], 2, "refusals wrote nothing");
    assert_eq!(answer["signature"]["planMissingOn"], missing_on);
    assert_eq!(
        answer["signature"]["organisation"]["actionPlanStatus"],
        "OVERDUE"
    );

    // Lists, statistics and REST tell the two apart.
    let data = app
        .data(
            r#"{
              overdue: signatories(filter: { countyCodes: ["01"], actionPlanStatuses: [OVERDUE] }) { edges { node { code } } }
              unknown: signatories(filter: { countyCodes: ["01"], actionPlanStatuses: [NO_PLAN_ON_RECORD] }) { edges { node { code } } }
              registerStatistics(filter: { countyCodes: ["01"] }) { actionPlanStatuses { status count } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["overdue"]["edges"][0]["node"]["code"], "0115");
    assert_eq!(data["overdue"]["edges"].as_array().map(Vec::len), Some(1));
    assert_eq!(data["unknown"]["edges"][0]["node"]["code"], "0117");
    assert_eq!(data["unknown"]["edges"].as_array().map(Vec::len), Some(1));
    let statuses = &data["registerStatistics"]["actionPlanStatuses"];
    assert_eq!(count_of(statuses, "OVERDUE"), 1);
    assert_eq!(count_of(statuses, "NO_PLAN_ON_RECORD"), 1);
    let rest = rest_json(&app, "/api/v1/signatories/0115").await;
    assert_eq!(rest["action_plan_status"], "OVERDUE");
    assert_eq!(rest["signature"]["plan_missing_on"], missing_on);
    assert_eq!(
        rest["signature"]["plan_missing_source"],
        "Kommunens årsredovisning 2025, s. 12"
    );
    let rest = rest_json(&app, "/api/v1/signatories/0117").await;
    assert_eq!(rest["action_plan_status"], "NO_PLAN_ON_RECORD");

    // A plan adopted after all outranks the claim.
    fixtures::plan(&db, "0115", Some(today)).await;
    let rest = rest_json(&app, "/api/v1/signatories/0115").await;
    assert_eq!(rest["action_plan_status"], "ADOPTED");
}

async fn the_demo_register_shows_both_kinds_of_missing_plan(app: TestApp) {
    let data = app
        .data(
            r#"{
              registerStatistics { actionPlanStatuses { status count } }
              overdue: signatories(filter: { actionPlanStatuses: [OVERDUE] }, first: 100) { edges { node { signature { planMissingOn planMissingSource dataOrigin } } } }
            }"#,
            json!({}),
        )
        .await;
    let statuses = &data["registerStatistics"]["actionPlanStatuses"];
    assert!(count_of(statuses, "OVERDUE") > 0, "{statuses}");
    assert!(count_of(statuses, "NO_PLAN_ON_RECORD") > 17, "{statuses}");
    for edge in data["overdue"]["edges"].as_array().into_iter().flatten() {
        let signature = &edge["node"]["signature"];
        assert_eq!(signature["dataOrigin"], "DEMO", "only demo data claims it");
        assert!(signature["planMissingOn"].is_string());
        assert!(signature["planMissingSource"].is_string());
    }
}
