//! Concurrent writes of one key: exactly one wins, the others are told `DUPLICATE` (never
//! an internal error), and concurrent overlapping imports end with one row per key.

use crate::helpers::{TestApp, admin_token, on_both_engines};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tokio::task::JoinSet;

on_both_engines!(
    sixteen_concurrent_creates_of_one_organisation_give_one_success,
    sixteen_concurrent_signings_give_one_current_signature,
    sixteen_concurrent_participations_give_one_row,
    sixteen_concurrent_plans_of_one_title_give_one_plan,
    overlapping_action_plan_imports_end_with_one_plan_per_title,
    overlapping_follow_up_and_participation_imports_end_with_one_row_per_key,
    overlapping_signature_imports_end_with_one_current_signature,
);

const CONCURRENT: usize = 16;

/// Sends the same mutation `CONCURRENT` times at once, each with its own variables.
async fn race(app: &TestApp, query: &str, variables: impl Fn(usize) -> Value) -> Vec<Value> {
    let token = admin_token();
    let mut tasks = JoinSet::new();
    for i in 0..CONCURRENT {
        let (client, url, token) = (app.client.clone(), app.url("/graphql"), token.clone());
        let body = json!({ "query": query, "variables": variables(i) });
        tasks.spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 200, "a racing write answered non-200");
            response.json::<Value>().await.expect("json")
        });
    }
    tasks.join_all().await
}

/// Of racing mutations on `field`: how many wrote `record`, and the `userErrors` codes of
/// the rest. Fails on any GraphQL error (an internal error above all).
fn outcomes(bodies: &[Value], field: &str, record: &str) -> (usize, Vec<String>) {
    let mut written = 0;
    let mut codes = Vec::new();
    for body in bodies {
        assert!(
            body.get("errors").is_none(),
            "a racing write failed: {body}"
        );
        let payload = &body["data"][field];
        if payload[record].is_object() {
            written += 1;
        }
        for error in payload["userErrors"].as_array().into_iter().flatten() {
            codes.push(error["code"].as_str().unwrap_or_default().to_owned());
        }
    }
    (written, codes)
}

fn assert_one_wins(bodies: &[Value], field: &str, record: &str) {
    let (written, codes) = outcomes(bodies, field, record);
    assert_eq!(written, 1, "exactly one write wins: {bodies:?}");
    assert_eq!(
        codes,
        vec!["DUPLICATE"; CONCURRENT - 1],
        "the others are duplicates"
    );
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = app.db().await;
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("count query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

async fn sixteen_concurrent_creates_of_one_organisation_give_one_success(app: TestApp) {
    let bodies = race(
        &app,
        r#"mutation($name: String!) { createOrganisation(code: "KF-RACE", facts: { name: $name, kind: MUNICIPAL_FEDERATION }) { organisation { code } userErrors { field code } } }"#,
        |i| json!({ "name": format!("Racing federation {i}") }),
    )
    .await;
    assert_one_wins(&bodies, "createOrganisation", "organisation");
    let rows = count(
        &app,
        "SELECT COUNT(*) FROM organisation WHERE code = 'KF-RACE'",
    )
    .await;
    assert_eq!(rows, 1);
}

async fn sixteen_concurrent_signings_give_one_current_signature(app: TestApp) {
    let bodies = race(
        &app,
        r#"mutation { registerSignature(organisationCode: "0114", facts: { signedOn: "2015-05-05", signedPrecision: DAY }) { signature { id } userErrors { field code } } }"#,
        |_| json!({}),
    )
    .await;
    assert_one_wins(&bodies, "registerSignature", "signature");
    let rows = count(
        &app,
        "SELECT COUNT(*) FROM signature s JOIN organisation o ON o.id = s.organisation_id WHERE o.code = '0114'",
    )
    .await;
    assert_eq!(rows, 1);
    let audited = count(
        &app,
        "SELECT COUNT(*) FROM audit_entry WHERE action = 'signature.register'",
    )
    .await;
    assert_eq!(audited, 1, "one audit entry for the one write");
}

async fn sixteen_concurrent_participations_give_one_row(app: TestApp) {
    // Different first years that all overlap: no index can catch this, the rule must.
    let bodies = race(
        &app,
        r#"mutation($from: Int!) { addProgrammeParticipation(organisationCode: "0115", programmeCode: "MODELLKONCEPTET", fromYear: $from) { programmeParticipation { id } userErrors { field code } } }"#,
        |i| json!({ "from": 2015 + (i % 4) as i32 }),
    )
    .await;
    assert_one_wins(
        &bodies,
        "addProgrammeParticipation",
        "programmeParticipation",
    );
    let rows = count(
        &app,
        "SELECT COUNT(*) FROM programme_participation p JOIN organisation o ON o.id = p.organisation_id WHERE o.code = '0115'",
    )
    .await;
    assert_eq!(rows, 1);
}

async fn sixteen_concurrent_plans_of_one_title_give_one_plan(app: TestApp) {
    // Titles compare ignoring case and spacing.
    let titles = [
        "Jämställdhetsplan 2024",
        "JÄMSTÄLLDHETSPLAN  2024",
        " jämställdhetsplan 2024 ",
    ];
    let bodies = race(
        &app,
        r#"mutation($title: String!) { createActionPlan(organisationCode: "0117", facts: { title: $title }) { actionPlan { id } userErrors { field code } } }"#,
        |i| json!({ "title": titles[i % titles.len()] }),
    )
    .await;
    assert_one_wins(&bodies, "createActionPlan", "actionPlan");
    let rows = count(
        &app,
        "SELECT COUNT(*) FROM action_plan p JOIN organisation o ON o.id = p.organisation_id WHERE o.code = '0117'",
    )
    .await;
    assert_eq!(rows, 1);
}

/// Posts two JSON imports of `kind` at the same moment; returns both statuses and bodies.
async fn import_together(
    app: &TestApp,
    kind: &str,
    first: Value,
    second: Value,
) -> Vec<(u16, Value)> {
    let token = admin_token();
    let mut tasks = JoinSet::new();
    for (n, rows) in [first, second].into_iter().enumerate() {
        let (client, url, token) = (
            app.client.clone(),
            app.url(&format!("/api/v1/imports/{kind}")),
            token.clone(),
        );
        tasks.spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(token)
                .json(&rows)
                .send()
                .await
                .expect("import");
            let status = response.status().as_u16();
            (
                n,
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        });
    }
    let mut results = tasks.join_all().await;
    results.sort_by_key(|(n, _, _)| *n);
    results.into_iter().map(|(_, s, b)| (s, b)).collect()
}

const ORGANISATIONS: [&str; 6] = ["0180", "0181", "0182", "0183", "0184", "0186"];

fn plan_rows(range: std::ops::Range<usize>, shout: bool) -> Value {
    let rows: Vec<Value> = range
        .map(|i| {
            let title = format!("Plan nummer {i}");
            json!({
                "organisation_code": ORGANISATIONS[i % ORGANISATIONS.len()],
                "title": if shout { title.to_uppercase() } else { title },
                "adopted_on": "2020-01-01",
                "priorities": format!("Priorities {i}"),
            })
        })
        .collect();
    json!(rows)
}

async fn overlapping_action_plan_imports_end_with_one_plan_per_title(app: TestApp) {
    for round in 0..3 {
        // 0..60 and 30..90 share 30 keys; the second spells them in capitals.
        let results = import_together(
            &app,
            "action-plans",
            plan_rows(0..60, false),
            plan_rows(30..90, round % 2 == 1),
        )
        .await;
        for (status, body) in &results {
            assert_eq!(*status, 200, "both imports succeed: {body}");
        }
        let plans = count(&app, "SELECT COUNT(*) FROM action_plan").await;
        let keys = count(
            &app,
            "SELECT COUNT(*) FROM (SELECT DISTINCT organisation_id, title_key FROM action_plan) k",
        )
        .await;
        assert_eq!(plans, 90, "round {round}: one plan per title");
        assert_eq!(keys, 90);
    }
}

async fn overlapping_follow_up_and_participation_imports_end_with_one_row_per_key(app: TestApp) {
    let (status, body) = import_together(&app, "action-plans", plan_rows(0..12, false), json!([]))
        .await
        .remove(0);
    assert_eq!(status, 200, "{body}");
    let follow_ups = |range: std::ops::Range<usize>| {
        json!(
            range
                .map(|i| json!({
                    "organisation_code": ORGANISATIONS[i % 12 % ORGANISATIONS.len()],
                    "action_plan_title": format!("Plan nummer {}", i % 12),
                    "reported_on": format!("2021-{:02}-01", 1 + i / 12),
                    "summary": format!("Report {i}"),
                }))
                .collect::<Vec<_>>()
        )
    };
    let results = import_together(&app, "follow-ups", follow_ups(0..48), follow_ups(24..72)).await;
    for (status, body) in &results {
        assert_eq!(*status, 200, "both follow-up imports succeed: {body}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM follow_up_report").await,
        72
    );

    let participations = |range: std::ops::Range<usize>| {
        json!(
            range
                .map(|i| json!({
                    "organisation_code": ORGANISATIONS[i % ORGANISATIONS.len()],
                    "programme_code": "MODELLKONCEPTET",
                    "from_year": 2015 + (i / ORGANISATIONS.len()) as i32,
                    "to_year": 2015 + (i / ORGANISATIONS.len()) as i32,
                }))
                .collect::<Vec<_>>()
        )
    };
    let results = import_together(
        &app,
        "programme-participations",
        participations(0..24),
        participations(12..36),
    )
    .await;
    for (status, body) in &results {
        assert_eq!(*status, 200, "both participation imports succeed: {body}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM programme_participation").await,
        36
    );
}

async fn overlapping_signature_imports_end_with_one_current_signature(app: TestApp) {
    let rows = |codes: &[&str]| {
        json!(codes
            .iter()
            .map(|code| json!({ "organisation_code": code, "signed_on": "2012-03-04", "signed_precision": "DAY" }))
            .collect::<Vec<_>>())
    };
    let results = import_together(
        &app,
        "signatures",
        rows(&["0160", "0162", "0163", "0180"]),
        rows(&["0163", "0180", "0181", "0160"]),
    )
    .await;
    for (status, body) in &results {
        assert_eq!(*status, 200, "both signature imports succeed: {body}");
    }
    let signatures = count(
        &app,
        "SELECT COUNT(*) FROM signature s JOIN organisation o ON o.id = s.organisation_id \
         WHERE o.code IN ('0160', '0162', '0163', '0180', '0181')",
    )
    .await;
    assert_eq!(signatures, 5, "one signature per organisation");
}
