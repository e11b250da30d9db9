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

/// The fixed bound: one statement per relation and level, whatever the page size.
const BOUND: usize = 30;

async fn statements_stay_bounded(backend: Backend) {
    let (app, statements) = spawn_counting_app(backend).await;
    let mut counts = Vec::new();
    for first in [5, 100] {
        statements.store(0, Ordering::SeqCst);
        let data = app.data(NESTED, json!({ "first": first })).await;
        let rows = data["signatories"]["edges"].as_array().map_or(0, Vec::len);
        assert_eq!(rows, first as usize);
        counts.push(statements.load(Ordering::SeqCst));
    }
    eprintln!(
        "{backend:?}: statements for 5 rows: {}, for 100 rows: {}",
        counts[0], counts[1]
    );
    assert!(
        counts[1] <= BOUND,
        "{} statements for a 100-row page",
        counts[1]
    );
    assert!(
        counts[1] <= counts[0] + 2,
        "statements grow with the page: {counts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_statements_do_not_grow_with_the_page() {
    statements_stay_bounded(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_statements_do_not_grow_with_the_page() {
    if postgres_url().is_some() {
        statements_stay_bounded(Backend::Postgres).await;
    }
}
