//! The register: documented signatures, derived statuses at their edges, navigation.

use crate::fixtures;
use crate::helpers::{TestApp, on_both_engines};
use cemr_api::domain::dates;
use chrono::{Duration, Months, Utc};
use serde_json::{Value, json};

on_both_engines!(
    documented_signatures_are_facts_with_sources,
    action_plan_status_follows_the_documented_rule_at_its_edges,
    withdrawn_then_signed_again_keeps_history_and_needs_a_new_plan,
    county_boards_carry_their_2018_2020_strategies,
    register_records_are_nodes,
);

const STATUS: &str = r#"query($code: String!) { organisation(code: $code) {
  signatoryStatus actionPlanStatus
  signature { signedOn notLaterThan actionPlanDueOn status isCurrent }
  signatureHistory { signedOn withdrawnOn isCurrent }
} }"#;

async fn status_of(app: &TestApp, code: &str) -> Value {
    app.data(STATUS, json!({ "code": code })).await["organisation"].clone()
}

async fn documented_signatures_are_facts_with_sources(app: TestApp) {
    let data = app
        .data(
            r#"{
              boden: organisation(code: "2582") { signature { signedOn signedPrecision notLaterThan decidedOn decisionBody source dataOrigin actionPlanDueOn signedYear signedDuringProgrammes { code } } }
              helsingborg: organisation(code: "1283") { signature { signedOn signedPrecision notLaterThan actionPlanDueOn signedDuringProgrammes { code } } }
              arvidsjaur: organisation(code: "2505") { signature { signedOn signedPrecision notLaterThan actionPlanDueOn signedYear signedDuringProgrammes { code } } }
              region: organisation(code: "25") { signatoryStatus signature { source } }
              signatories { totalCount }
              norrbotten: signatories(filter: { countyCodes: ["25"] }) { totalCount }
            }"#,
            json!({}),
        )
        .await;
    let boden = &data["boden"]["signature"];
    assert_eq!(boden["signedOn"], "2013-04-27");
    assert_eq!(boden["signedPrecision"], "DAY");
    assert_eq!(boden["decisionBody"], "KOMMUNFULLMAKTIGE");
    assert_eq!(boden["dataOrigin"], "SOURCED");
    assert_eq!(boden["actionPlanDueOn"], "2015-04-27");
    assert_eq!(boden["signedYear"], 2013);
    assert_eq!(
        boden["signedDuringProgrammes"],
        json!([{ "code": "HALLBAR_JAMSTALLDHET" }])
    );
    assert!(
        boden["source"]
            .as_str()
            .unwrap_or_default()
            .contains("boden.se")
    );

    let helsingborg = &data["helsingborg"]["signature"];
    assert_eq!(helsingborg["signedPrecision"], "YEAR");
    assert_eq!(helsingborg["signedOn"], "2013-01-01");
    assert_eq!(helsingborg["notLaterThan"], "2013-12-31");
    assert_eq!(
        helsingborg["actionPlanDueOn"], "2015-12-31",
        "counted from the last possible day"
    );

    let arvidsjaur = &data["arvidsjaur"]["signature"];
    assert_eq!(arvidsjaur["signedPrecision"], "UNKNOWN");
    assert_eq!(arvidsjaur["signedOn"], Value::Null);
    assert_eq!(arvidsjaur["notLaterThan"], "2014-03-13");
    assert_eq!(arvidsjaur["actionPlanDueOn"], "2016-03-13");
    assert_eq!(
        arvidsjaur["signedDuringProgrammes"],
        json!([]),
        "an unknown year lies in no programme"
    );

    assert_eq!(data["region"]["signatoryStatus"], "SIGNED");
    assert_eq!(data["signatories"]["totalCount"], 17);
    assert_eq!(
        data["norrbotten"]["totalCount"], 15,
        "all 14 municipalities and the region"
    );
}

async fn action_plan_status_follows_the_documented_rule_at_its_edges(app: TestApp) {
    let db = app.db().await;
    let today = Utc::now().date_naive();
    let due_today = today.checked_sub_months(Months::new(24)).expect("date");
    // Due today: not due yet. Due yesterday: no plan on record (nothing says it is
    // missing, so not OVERDUE: see status_evidence.rs).
    fixtures::sign(&db, "0114", due_today).await;
    fixtures::sign(&db, "0115", due_today - Duration::days(1)).await;
    // A plan adopted after signing; a plan adopted and followed up.
    fixtures::sign(&db, "0117", due_today - Duration::days(400)).await;
    fixtures::plan(&db, "0117", Some(due_today)).await;
    fixtures::sign(&db, "0120", due_today - Duration::days(400)).await;
    let followed = fixtures::plan(&db, "0120", Some(due_today)).await;
    fixtures::follow_up(&db, &followed, today).await;
    // An intended plan (not adopted) does not count.
    fixtures::sign(&db, "0123", due_today - Duration::days(10)).await;
    fixtures::plan(&db, "0123", None).await;
    // Withdrawn: no action plan status.
    let withdrawn = fixtures::sign(&db, "0125", due_today - Duration::days(10)).await;
    fixtures::withdraw(&db, withdrawn, today).await;

    let expectations = [
        ("0114", "SIGNED", Some("NONE_DUE_YET")),
        ("0115", "SIGNED", Some("NO_PLAN_ON_RECORD")),
        ("0117", "SIGNED", Some("ADOPTED")),
        ("0120", "SIGNED", Some("FOLLOWED_UP")),
        ("0123", "SIGNED", Some("NO_PLAN_ON_RECORD")),
        ("0125", "WITHDRAWN", None),
        ("0126", "NEVER_SIGNED", None),
    ];
    for (code, status, plan) in expectations {
        let org = status_of(&app, code).await;
        assert_eq!(org["signatoryStatus"], status, "{code}");
        assert_eq!(
            org["actionPlanStatus"],
            plan.map_or(Value::Null, Value::from),
            "{code}"
        );
    }
    let due = status_of(&app, "0114").await;
    assert_eq!(due["signature"]["actionPlanDueOn"], dates::format(today));

    // The list filter and the statistics apply the same rule.
    let data = app
        .data(
            r#"{
              due: signatories(filter: { countyCodes: ["01"], actionPlanStatuses: [NONE_DUE_YET] }, orderBy: { field: CODE }) { edges { node { code } } }
              overdue: signatories(filter: { countyCodes: ["01"], actionPlanStatuses: [NO_PLAN_ON_RECORD] }, orderBy: { field: CODE }) { edges { node { code } } }
              registerStatistics(filter: { countyCodes: ["01"] }) { actionPlanStatuses { status count } }
            }"#,
            json!({}),
        )
        .await;
    let codes = |list: &Value| -> Vec<String> {
        list["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["node"]["code"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(codes(&data["due"]), ["0114"]);
    assert_eq!(codes(&data["overdue"]), ["0115", "0123"]);
    assert_eq!(
        data["registerStatistics"]["actionPlanStatuses"],
        json!([
            { "status": "NONE_DUE_YET", "count": 1 },
            { "status": "NO_PLAN_ON_RECORD", "count": 2 },
            { "status": "OVERDUE", "count": 0 },
            { "status": "ADOPTED", "count": 1 },
            { "status": "FOLLOWED_UP", "count": 1 },
        ])
    );
}

async fn withdrawn_then_signed_again_keeps_history_and_needs_a_new_plan(app: TestApp) {
    let db = app.db().await;
    let today = Utc::now().date_naive();
    let first = fixtures::sign(&db, "0127", today - Duration::days(3000)).await;
    let old_plan = fixtures::plan(&db, "0127", Some(today - Duration::days(2900))).await;
    fixtures::follow_up(&db, &old_plan, today - Duration::days(2500)).await;
    fixtures::withdraw(&db, first, today - Duration::days(2000)).await;
    assert_eq!(
        status_of(&app, "0127").await["signatoryStatus"],
        "WITHDRAWN"
    );

    fixtures::sign(&db, "0127", today - Duration::days(30)).await;
    let org = status_of(&app, "0127").await;
    assert_eq!(org["signatoryStatus"], "SIGNED");
    assert_eq!(
        org["actionPlanStatus"], "NONE_DUE_YET",
        "the old plan belongs to the withdrawn signing"
    );
    let history = org["signatureHistory"].as_array().expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["isCurrent"], true);
    assert_eq!(history[0]["withdrawnOn"], Value::Null);
    assert_eq!(history[1]["isCurrent"], false);
    assert_eq!(
        history[1]["withdrawnOn"],
        dates::format(today - Duration::days(2000))
    );
}

async fn county_boards_carry_their_2018_2020_strategies(app: TestApp) {
    let data = app
        .data(
            r#"{ counties { countyBoard { strategies { periodStartYear periodEndYear source dataOrigin countyBoard { name } } } } }"#,
            json!({}),
        )
        .await;
    let counties = data["counties"].as_array().expect("counties");
    assert_eq!(counties.len(), 21);
    for county in counties {
        let strategies = county["countyBoard"]["strategies"]
            .as_array()
            .expect("strategies");
        assert_eq!(strategies.len(), 1);
        assert_eq!(strategies[0]["periodStartYear"], 2018);
        assert_eq!(strategies[0]["periodEndYear"], 2020);
        assert_eq!(strategies[0]["dataOrigin"], "SOURCED");
        assert!(
            strategies[0]["source"]
                .as_str()
                .unwrap_or_default()
                .contains("2018:1")
        );
    }
}

async fn register_records_are_nodes(app: TestApp) {
    let db = app.db().await;
    let today = Utc::now().date_naive();
    fixtures::sign(&db, "0128", today - Duration::days(100)).await;
    let plan = fixtures::plan(&db, "0128", Some(today - Duration::days(50))).await;
    fixtures::follow_up(&db, &plan, today).await;
    let data = app
        .data(
            r#"{ organisation(code: "0128") { signature { id } actionPlans { id followUps { id } } } }"#,
            json!({}),
        )
        .await;
    let org = &data["organisation"];
    let ids = json!([
        org["signature"]["id"],
        org["actionPlans"][0]["id"],
        org["actionPlans"][0]["followUps"][0]["id"]
    ]);
    let found = app
        .data(
            r#"query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
                ... on Signature { organisation { code } }
                ... on ActionPlan { organisation { code } }
                ... on FollowUpReport { actionPlan { title } } } }"#,
            json!({ "ids": ids }),
        )
        .await;
    let nodes = found["nodes"].as_array().expect("nodes");
    let types: Vec<&str> = nodes
        .iter()
        .filter_map(|n| n["__typename"].as_str())
        .collect();
    assert_eq!(types, ["Signature", "ActionPlan", "FollowUpReport"]);
    assert_eq!(nodes[0]["organisation"]["code"], "0128");
    assert_eq!(nodes[2]["actionPlan"]["title"], "Test plan");
}
