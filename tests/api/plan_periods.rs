//! Plan periods: plans are made ahead, so only impossible periods are refused, never
//! the calendar.

use crate::helpers::{TestApp, admin_token, member_token, on_both_engines};
use chrono::{Datelike, Utc};
use serde_json::{Value, json};

on_both_engines!(plans_for_coming_years_are_accepted_and_impossible_periods_refused);

on_both_engines!(demo: demo_plans_ending_years_ahead_can_be_edited);

const CREATE: &str = r#"mutation($org: String!, $facts: ActionPlanFactsInput!) {
  createActionPlan(organisationCode: $org, facts: $facts) {
    actionPlan { id periodStartYear periodEndYear }
    userErrors { field code }
  }
}"#;

async fn create(app: &TestApp, facts: Value) -> Value {
    let (status, body) = app
        .graphql_as(
            Some(&member_token("0180")),
            CREATE,
            json!({ "org": "0180", "facts": facts }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["data"]["createActionPlan"].clone()
}

async fn plans_for_coming_years_are_accepted_and_impossible_periods_refused(app: TestApp) {
    let this_year = Utc::now().date_naive().year();
    let adopted = format!("{this_year}-01-15");
    let ahead = create(
        &app,
        json!({ "title": "Next mandate", "adoptedOn": adopted,
                "periodStartYear": this_year + 1, "periodEndYear": this_year + 4 }),
    )
    .await;
    assert_eq!(ahead["userErrors"], json!([]));
    assert_eq!(ahead["actionPlan"]["periodEndYear"], this_year + 4);
    let intended = create(
        &app,
        json!({ "title": "Intended", "periodStartYear": this_year + 2, "periodEndYear": this_year + 6 }),
    )
    .await;
    assert_eq!(
        intended["userErrors"],
        json!([]),
        "an intended plan may look further ahead"
    );

    let refusals = [
        (
            json!({ "periodStartYear": 2030, "periodEndYear": 2027 }),
            "periodEndYear",
            "ORDER",
        ),
        (
            json!({ "periodStartYear": 2020, "periodEndYear": 2040 }),
            "periodEndYear",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "periodStartYear": 2001, "periodEndYear": 2004 }),
            "periodStartYear",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "periodStartYear": 2027, "periodEndYear": 20270 }),
            "periodEndYear",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "adoptedOn": adopted, "periodStartYear": 2010, "periodEndYear": this_year - 1 }),
            "periodEndYear",
            "ORDER",
        ),
    ];
    for (mut facts, field, code) in refusals {
        facts["title"] = json!("Refused");
        let answer = create(&app, facts.clone()).await;
        assert_eq!(answer["actionPlan"], Value::Null, "{facts}");
        let codes: Vec<(Value, Value)> = answer["userErrors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| (e["field"].clone(), e["code"].clone()))
            .collect();
        assert!(
            codes.contains(&(json!([field]), json!(code))),
            "{facts}: {codes:?}"
        );
    }

    // County board strategies follow the same rule.
    let (_, body) = app
        .graphql_as(
            Some(&admin_token()),
            r#"mutation($s: Int!, $e: Int!) { addCountyBoardStrategy(countyCode: "01", periodStartYear: $s, periodEndYear: $e, title: "Strategi", source: "test") { countyBoardStrategy { periodEndYear } userErrors { code } } }"#,
            json!({ "s": this_year + 1, "e": this_year + 4 }),
        )
        .await;
    assert_eq!(
        body["data"]["addCountyBoardStrategy"]["countyBoardStrategy"]["periodEndYear"],
        this_year + 4,
        "{body}"
    );
}

async fn demo_plans_ending_years_ahead_can_be_edited(app: TestApp) {
    let this_year = Utc::now().date_naive().year();
    let response = app
        .client
        .get(app.url("/api/v1/action-plans?limit=100"))
        .send()
        .await
        .expect("request");
    let mut ahead: Option<Value> = None;
    let mut page: Value = response.json().await.expect("JSON");
    loop {
        ahead = ahead.or_else(|| {
            page["values"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["period_end_year"].as_i64() > Some(i64::from(this_year) + 1))
                .cloned()
        });
        if ahead.is_some() {
            break;
        }
        let Some(url) = page["next"].as_str().map(str::to_owned) else {
            break;
        };
        page = app
            .client
            .get(url)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON");
    }
    let plan = ahead.expect("the demo register has plans ending years ahead");
    let id = cemr_api::graphql::ids::encode(
        "ActionPlan",
        i32::try_from(plan["id"].as_i64().expect("id")).expect("id"),
    );
    let (status, body) = app
        .graphql_as(
            Some(&admin_token()),
            r#"mutation($id: ID!, $version: Int!, $facts: ActionPlanFactsInput!) {
                updateActionPlan(id: $id, version: $version, facts: $facts) {
                  actionPlan { version periodEndYear priorities } userErrors { field code } } }"#,
            json!({ "id": id, "version": plan["version"], "facts": {
                "title": plan["title"], "adoptedOn": plan["adopted_on"],
                "periodStartYear": plan["period_start_year"], "periodEndYear": plan["period_end_year"],
                "priorities": "Edited", "resources": plan["resources"] } }),
        )
        .await;
    assert_eq!(status, 200);
    let answer = &body["data"]["updateActionPlan"];
    assert_eq!(answer["userErrors"], json!([]), "{body}");
    assert_eq!(answer["actionPlan"]["priorities"], "Edited");
    assert_eq!(
        answer["actionPlan"]["periodEndYear"],
        plan["period_end_year"]
    );
}
