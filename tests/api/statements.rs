//! The number of SQL statements a request issues does not grow with the page size.

use crate::helpers::{Backend, postgres_url, spawn_counting_app};
use serde_json::json;
use std::sync::atomic::Ordering;

/// A page of signatories nested four levels deep through every batched relation.
const NESTED: &str = r#"query($first: Int) { signatories(first: $first) { edges { node {
  code signatoryStatus actionPlanStatus
  county { countyBoard { strategies { title } support { year focusAreas } } }
  signature { motives signedDuringProgrammes { code } organisation { county { name } } }
  signatureHistory { signedOn }
  actionPlans { articles { number actionPlans { id } } followUps { summary } }
  programmeParticipations { programme { name } }
  countyBoardSupport { focusAreas countyBoard { name } }
} } } }"#;

/// At most one statement per relation and level.
const BOUND: usize = 30;

/// One statement per relation and level: the page size must not matter, nor how busy the
/// machine is (the loaders start each batch when the execution waits, not after a delay).
async fn statements_do_not_depend_on_the_page(backend: Backend) {
    let (app, statements) = spawn_counting_app(backend).await;
    let mut counts = Vec::new();
    // Alternating, and repeated: a count that varied with timing would show here.
    for first in [5, 100, 5, 100, 100, 5] {
        statements.store(0, Ordering::SeqCst);
        let data = app.data(NESTED, json!({ "first": first })).await;
        let rows = data["signatories"]["edges"].as_array().map_or(0, Vec::len);
        assert_eq!(rows, first as usize);
        counts.push(statements.load(Ordering::SeqCst));
    }
    assert!(
        counts.iter().all(|&c| c == counts[0]),
        "{backend:?}: the statement count varies between pages of 5 and 100: {counts:?}"
    );
    assert!(counts[0] <= BOUND, "{backend:?}: {} statements", counts[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_statements_do_not_grow_with_the_page() {
    statements_do_not_depend_on_the_page(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_statements_do_not_grow_with_the_page() {
    if postgres_url().is_some() {
        statements_do_not_depend_on_the_page(Backend::Postgres).await;
    }
}

/// Root fields query the database directly while loaders wait for the next wave: with a
/// single pooled connection, a wave must not wait for a connection a root field holds
/// (it would until the pool's acquire timeout).
async fn waves_and_direct_queries_share_one_connection(backend: Backend) {
    let app = crate::helpers::spawn_app_with(backend, |s| s.database.pool_size = 1).await;
    // A starved wave shows as the operation's timeout: 503 instead of data.
    let data = app
        .data(
            r#"{
              a: organisation(code: "0980") { code county { name region { code } } }
              b: organisations(filter: { kinds: [REGION], countyCodes: ["09"] }) { totalCount edges { node { county { name } } } }
              c: organisations(filter: { kinds: [MUNICIPALITY] }, first: 3) { totalCount edges { node { county { name } } } }
              county(code: "09") { region { code } countyBoard { name } }
              counties { code region { code } }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["county"]["region"]["code"], "0980");
}

crate::helpers::on_both_engines!(backend: waves_and_direct_queries_share_one_connection);

/// Statements one request issues.
async fn statements_of(
    app: &crate::helpers::TestApp,
    statements: &std::sync::atomic::AtomicUsize,
    query: &str,
) -> usize {
    statements.store(0, Ordering::SeqCst);
    let data = app.data(query, json!({})).await;
    assert!(data.as_object().is_some_and(|d| !d.is_empty()));
    statements.load(Ordering::SeqCst)
}

/// A list (ordered by signing) and a look-up by code read the current signature with the
/// organisation: asking for it costs no statement of its own.
async fn the_current_signature_comes_with_the_organisation(backend: Backend) {
    let (app, statements) = spawn_counting_app(backend).await;
    for (without, with) in [
        (
            "{ signatories(first: 20) { nodes { code county { name } } } }",
            "{ signatories(first: 20) { nodes { code county { name } signature { signedOn decisionBody } } } }",
        ),
        (
            r#"{ organisation(code: "0680") { code county { name } } }"#,
            r#"{ organisation(code: "0680") { code county { name } signature { signedOn withdrawnOn } } }"#,
        ),
    ] {
        let base = statements_of(&app, &statements, without).await;
        let more = statements_of(&app, &statements, with).await;
        assert_eq!(base, more, "{backend:?}: {with}");
    }
}

crate::helpers::on_both_engines!(backend: the_current_signature_comes_with_the_organisation);
