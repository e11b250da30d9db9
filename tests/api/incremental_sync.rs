//! Incremental sync: a row's `updated_at` covers what it shows (derived statuses
//! included), and `updated_since` is exclusive, so a watermark returns only what changed.

use crate::fixtures;
use crate::helpers::{TestApp, admin_token, on_both_engines};
use cemr_api::domain::dates;
use chrono::{DateTime, Duration, Months, Utc};
use entity::{organisation, signature};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};

on_both_engines!(
    a_watermark_returns_only_rows_changed_after_it,
    a_plan_or_follow_up_brings_its_signatory_back,
    a_passing_due_date_brings_its_signatory_back,
);

fn since(path: &str, at: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}updated_since={}", at.replace('+', "%2B"))
}

async fn page(app: &TestApp, path: &str) -> Value {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("JSON")
}

fn codes(page: &Value) -> Vec<String> {
    page["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["code"].as_str().map(str::to_owned))
        .collect()
}

/// The greatest `updated_at` of a page, as the client received it.
fn watermark(page: &Value) -> String {
    page["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["updated_at"].as_str())
        .max_by_key(|t| DateTime::parse_from_rfc3339(t).expect("RFC 3339"))
        .expect("rows")
        .to_owned()
}

async fn a_watermark_returns_only_rows_changed_after_it(app: TestApp) {
    let all = page(&app, "/api/v1/signatories").await;
    assert_eq!(all["count"], 17);
    let mark = watermark(&all);
    let again = page(&app, &since("/api/v1/signatories", &mark)).await;
    assert_eq!(again["count"], 0, "exclusive: nothing comes back: {again}");
    let organisations = page(&app, "/api/v1/organisations?limit=100").await;
    let mark = watermark(&organisations);
    let again = page(&app, &since("/api/v1/organisations", &mark)).await;
    assert!(
        again["count"].as_u64() < organisations["count"].as_u64(),
        "a watermark does not return most rows again: {again}"
    );
}

const CREATE_PLAN: &str = r#"mutation($facts: ActionPlanFactsInput!) {
  createActionPlan(organisationCode: "2582", facts: $facts) { actionPlan { id } userErrors { code } } }"#;

async fn a_plan_or_follow_up_brings_its_signatory_back(app: TestApp) {
    let mark = watermark(&page(&app, "/api/v1/signatories").await);
    let admin = admin_token();
    let today = dates::format(Utc::now().date_naive());
    let (_, created) = app
        .graphql_as(
            Some(&admin),
            CREATE_PLAN,
            json!({ "facts": { "title": "Jämställdhetsplan", "adoptedOn": today } }),
        )
        .await;
    let plan_id = created["data"]["createActionPlan"]["actionPlan"]["id"].clone();
    assert!(plan_id.is_string(), "{created}");

    let changed = page(&app, &since("/api/v1/signatories", &mark)).await;
    assert_eq!(
        codes(&changed),
        ["2582"],
        "only the signatory whose status changed"
    );
    assert_eq!(changed["values"][0]["action_plan_status"], "ADOPTED");
    let mark = watermark(&changed);
    assert_eq!(
        page(&app, &since("/api/v1/signatories", &mark)).await["count"],
        0
    );

    let (_, followed) = app
        .graphql_as(
            Some(&admin),
            r#"mutation($id: ID!, $on: Date!) { addFollowUpReport(actionPlanId: $id, reportedOn: $on, summary: "Uppföljning") { userErrors { code } } }"#,
            json!({ "id": plan_id, "on": today }),
        )
        .await;
    assert_eq!(
        followed["data"]["addFollowUpReport"]["userErrors"],
        json!([]),
        "{followed}"
    );
    let changed = page(&app, &since("/api/v1/signatories", &mark)).await;
    assert_eq!(codes(&changed), ["2582"]);
    assert_eq!(changed["values"][0]["action_plan_status"], "FOLLOWED_UP");
    let plans = page(&app, &since("/api/v1/action-plans", &mark)).await;
    assert_eq!(plans["count"], 1, "the plan came back with its follow-up");
    let mark = watermark(&plans);
    assert_eq!(
        page(&app, &since("/api/v1/action-plans", &mark)).await["count"],
        0
    );
}

/// Sets a signing's records' change times back, as if written long ago.
async fn written_at(db: &sea_orm::DatabaseConnection, signed: signature::Model, at: DateTime<Utc>) {
    let org = organisation::Entity::find_by_id(signed.organisation_id)
        .one(db)
        .await
        .expect("query")
        .expect("organisation");
    let mut org: organisation::ActiveModel = org.into();
    org.updated_at = Set(at);
    org.update(db).await.expect("organisation");
    let mut signed: signature::ActiveModel = signed.into();
    signed.updated_at = Set(at);
    signed.update(db).await.expect("signature");
}

async fn a_passing_due_date_brings_its_signatory_back(app: TestApp) {
    let db = app.db().await;
    let today = Utc::now().date_naive();
    let two_years_ago = today.checked_sub_months(Months::new(24)).expect("date");
    // Due yesterday: late since 00:00 UTC today. Due five days ago. Due today.
    let cases = [
        ("0115", two_years_ago - Duration::days(1)),
        ("0117", two_years_ago - Duration::days(5)),
        ("0114", two_years_ago),
    ];
    let mut first_late = Vec::new();
    for (code, signed_on) in cases {
        let signed = fixtures::sign(&db, code, signed_on).await;
        let late = dates::action_plan_due_on(signed_on)
            .succ_opt()
            .expect("date")
            .and_hms_opt(0, 0, 0)
            .expect("time")
            .and_utc();
        written_at(&db, signed, late - Duration::days(2)).await;
        first_late.push(late);
    }
    assert!(first_late[0] <= Utc::now() && first_late[2] > Utc::now());

    let mark = (first_late[0] - Duration::hours(12)).to_rfc3339();
    let changed = page(&app, &since("/api/v1/signatories?county=01", &mark)).await;
    assert_eq!(
        codes(&changed),
        ["0115"],
        "only the signatory whose due date passed after the watermark: {changed}"
    );
    let row = &changed["values"][0];
    assert_eq!(row["action_plan_status"], "NO_PLAN_ON_RECORD");
    let shown =
        DateTime::parse_from_rfc3339(row["updated_at"].as_str().expect("time")).expect("RFC 3339");
    assert_eq!(
        shown, first_late[0],
        "its change time is the day it became late"
    );
    let after = page(
        &app,
        &since("/api/v1/signatories?county=01", &watermark(&changed)),
    )
    .await;
    assert_eq!(after["count"], 0);
}
