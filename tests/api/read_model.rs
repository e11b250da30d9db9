//! The register in memory: it answers exactly as SQL does, runs no statement when it is
//! current, shows a client its own write at once, and another replica's within a second.

use crate::helpers::{
    Backend, TestApp, admin_token, member_token, on_both_engines, postgres_url,
    spawn_counting_app_with, spawn_replica,
};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

on_both_engines!(
    backend: the_snapshot_answers_exactly_as_sql_does,
    a_read_after_ones_own_write_sees_it_from_memory,
    an_answer_that_depends_on_the_caller_is_never_served_to_another,
);

const W1: &str = r#"{ signatories(first: 50, orderBy: { field: NAME }) { nodes {
  code name county { name } signature { signedOn }
  actionPlans { title } programmeParticipations { fromYear toYear programme { name } } } } }"#;

/// Lists through every filter, ordering and paging argument, and the look-ups.
const QUERIES: &[&str] = &[
    W1,
    r#"{ organisation(code: "0680") { code name kind county { code name countyBoard { name } }
      signature { signedOn decisionBody withdrawnOn } signatoryStatus actionPlanStatus
      actionPlans { title adoptedOn followUps { reportedOn summary } followUpCount } } }"#,
    r#"{ a: organisation(code: "09") { code } b: organisation(code: "0001") { code }
      c: organisation(code: " 180 ") { code } d: organisation(code: "9999") { code } }"#,
    r#"{ counties { code name countyBoard { name } } county(code: "07") { name } none: county(code: "99") { name } }"#,
    r#"{ organisations(first: 100, orderBy: { field: CODE, direction: DESC }) { totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { code signatoryStatus actionPlanStatus } } } }"#,
    r#"{ organisations(last: 7, orderBy: { field: SIGNED_ON }) { totalCount
      pageInfo { hasNextPage hasPreviousPage } edges { cursor node { code } } } }"#,
    r#"{ signatories(first: 30, orderBy: { field: SIGNED_ON, direction: DESC }) { totalCount
      edges { cursor node { code signature { signedOn notLaterThan } } } } }"#,
    r#"{ withdrawn: signatories(filter: { statuses: [WITHDRAWN] }) { totalCount nodes { code } }
      regions: organisations(first: 100, filter: { kinds: [REGION] }) { totalCount nodes { code } }
      named: organisations(filter: { nameContains: "Ö" }) { totalCount nodes { name } }
      spaced: organisations(filter: { nameContains: "  upplands   " }) { totalCount nodes { name } }
      years: signatories(first: 100, filter: { signedFromYear: 2008, signedToYear: 2013 }) { totalCount nodes { code } }
      plans: signatories(first: 100, filter: { actionPlanStatuses: [ADOPTED, FOLLOWED_UP] }) { totalCount nodes { code actionPlanStatus } }
      overdue: signatories(first: 100, filter: { actionPlanStatuses: [OVERDUE, NO_PLAN_ON_RECORD, NONE_DUE_YET] }) { totalCount nodes { code } }
      programme: organisations(first: 100, filter: { programmeCodes: ["modellkonceptet"] }) { totalCount nodes { code } }
      origin: organisations(first: 100, filter: { dataOrigins: [SOURCED] }) { totalCount nodes { code } }
      county: organisations(filter: { countyCodes: ["7"] }, orderBy: { field: NAME, direction: DESC }) { totalCount nodes { code } }
      never: organisations(first: 100, filter: { statuses: [NEVER_SIGNED], kinds: [MUNICIPALITY] }) { totalCount nodes { code } } }"#,
    r#"{ county(code: "06") { organisations(first: 3) { totalCount pageInfo { hasNextPage } nodes { code } } } }"#,
    r#"{ signatories(first: 5) { nodes { actionPlans(first: 1) { followUps(first: 2) { reportedOn } }
      programmeParticipations(first: 0) { fromYear } } } }"#,
    r#"{ signatories(first: 2) { nodes { actionPlans(first: 101) { title } } } }"#,
    r#"{ organisations(first: 101) { nodes { code } } }"#,
    r#"{ organisations(filter: { signedFromYear: 2015, signedToYear: 2010 }) { nodes { code } } }"#,
    r#"{ organisations(after: "not a cursor") { nodes { code } } }"#,
];

/// A GraphQL answer, whatever its status.
async fn ask(url: &str, query: &str, variables: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON")
}

/// Waits until `query` runs no SQL statement on `app`: its read model is current.
async fn until_served_from_memory(app: &TestApp, statements: &Arc<AtomicUsize>, query: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        statements.store(0, Ordering::SeqCst);
        ask(&app.address, query, json!({})).await;
        if statements.load(Ordering::SeqCst) == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the read model never served {query}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn the_snapshot_answers_exactly_as_sql_does(backend: Backend) {
    let (memory, statements) = spawn_counting_app_with(backend, |_| {}).await;
    let sql = spawn_replica(&memory, |s| s.read_model.enabled = false).await;
    until_served_from_memory(&memory, &statements, W1).await;
    for query in QUERIES {
        statements.store(0, Ordering::SeqCst);
        let from_memory = ask(&memory.address, query, json!({})).await;
        let ran = statements.load(Ordering::SeqCst);
        let from_sql = ask(&sql.address, query, json!({})).await;
        assert_eq!(from_memory, from_sql, "{backend:?}: {query}");
        // Only a filter naming codes reads SQL (to refuse unknown ones).
        if !query.contains("countyCodes") && !query.contains("programmeCodes") {
            assert_eq!(ran, 0, "{backend:?}: {ran} statements for {query}");
        }
    }
    // Cursors of either path page the other, forwards and backwards.
    let page = r#"query($after: String, $before: String) {
      organisations(first: 10, after: $after, before: $before) {
        pageInfo { hasNextPage hasPreviousPage endCursor } nodes { code } } }"#;
    let first = ask(&sql.address, page, json!({})).await;
    let end = &first["data"]["organisations"]["pageInfo"]["endCursor"];
    assert!(end.is_string(), "{first}");
    for variables in [json!({ "after": end }), json!({ "before": end })] {
        let from_memory = ask(&memory.address, page, variables.clone()).await;
        let from_sql = ask(&sql.address, page, variables.clone()).await;
        assert_eq!(from_memory, from_sql, "{backend:?}: {variables}");
    }
    sql.shutdown.begin().await;
}

const PLANS_OF_0680: &str = r#"{ organisation(code: "0680") { actionPlans { title } } }"#;

const CREATE_PLAN: &str = r#"mutation($title: String!) {
  createActionPlan(organisationCode: "0680", facts: { title: $title }) {
    actionPlan { title } userErrors { code } } }"#;

fn titles(body: &Value) -> Vec<String> {
    body["data"]["organisation"]["actionPlans"]
        .as_array()
        .map(|plans| {
            plans
                .iter()
                .filter_map(|p| p["title"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn a_read_after_ones_own_write_sees_it_from_memory(backend: Backend) {
    let (app, statements) = spawn_counting_app_with(backend, |_| {}).await;
    until_served_from_memory(&app, &statements, PLANS_OF_0680).await;
    let (status, body) = app
        .graphql_as(
            Some(&admin_token()),
            CREATE_PLAN,
            json!({ "title": "Written, then read" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["createActionPlan"]["actionPlan"]["title"], "Written, then read",
        "{body}"
    );
    statements.store(0, Ordering::SeqCst);
    let read = ask(&app.address, PLANS_OF_0680, json!({})).await;
    assert!(
        titles(&read).contains(&"Written, then read".to_owned()),
        "{backend:?}: {read}"
    );
    // The write answered after its replica's snapshot held it: the read ran no SQL.
    assert_eq!(statements.load(Ordering::SeqCst), 0, "{backend:?}");

    // A batch: the query after the mutation sees it, in the same request.
    let batch = json!([
        { "query": CREATE_PLAN, "variables": { "title": "Batched, then read" } },
        { "query": PLANS_OF_0680 },
    ]);
    let answers: Value = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(admin_token())
        .json(&batch)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert!(
        titles(&answers[1]).contains(&"Batched, then read".to_owned()),
        "{backend:?}: {answers}"
    );
}

/// Two replicas on one PostgreSQL database: a write through one is in the other's read
/// model within a second, served without SQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_write_on_another_replica_is_in_this_ones_memory_within_a_second() {
    if postgres_url().is_none() {
        return;
    }
    let (reader, statements) = spawn_counting_app_with(Backend::Postgres, |_| {}).await;
    let writer = spawn_replica(&reader, |_| {}).await;
    until_served_from_memory(&reader, &statements, PLANS_OF_0680).await;
    let response: Value = reqwest::Client::new()
        .post(format!("{}/graphql", writer.address))
        .bearer_auth(admin_token())
        .json(&json!({ "query": CREATE_PLAN, "variables": { "title": "Written elsewhere" } }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert!(
        response["data"]["createActionPlan"]["actionPlan"].is_object(),
        "{response}"
    );
    let written = Instant::now();
    loop {
        let read = ask(&reader.address, PLANS_OF_0680, json!({})).await;
        if titles(&read).contains(&"Written elsewhere".to_owned()) {
            break;
        }
        assert!(
            written.elapsed() < Duration::from_secs(1),
            "the other replica's write was not visible within a second: {read}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    until_served_from_memory(&reader, &statements, PLANS_OF_0680).await;
    let read = ask(&reader.address, PLANS_OF_0680, json!({})).await;
    assert!(
        titles(&read).contains(&"Written elsewhere".to_owned()),
        "{read}"
    );
    writer.shutdown.begin().await;
}

/// Register reads are answered from memory and their answers kept; a query that also
/// asks who the caller is must be answered for each caller.
async fn an_answer_that_depends_on_the_caller_is_never_served_to_another(backend: Backend) {
    let (app, statements) = spawn_counting_app_with(backend, |_| {}).await;
    until_served_from_memory(&app, &statements, W1).await;
    let query = r#"{ organisation(code: "0180") { name } me { role organisation { code } } }"#;
    for _ in 0..3 {
        let (_, admin) = app.graphql_as(Some(&admin_token()), query, json!({})).await;
        let (_, member) = app
            .graphql_as(Some(&member_token("0680")), query, json!({}))
            .await;
        let (_, anonymous) = app.graphql_as(None, query, json!({})).await;
        assert_eq!(admin["data"]["me"]["role"], "ADMIN", "{admin}");
        assert_eq!(member["data"]["me"]["role"], "MEMBER", "{member}");
        assert_eq!(
            member["data"]["me"]["organisation"]["code"], "0680",
            "{member}"
        );
        assert_ne!(anonymous["data"]["me"]["role"], "ADMIN", "{anonymous}");
        assert_ne!(anonymous["data"]["me"]["role"], "MEMBER", "{anonymous}");
    }
}
