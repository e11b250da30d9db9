//! The change feed: every committed write, and only those, gets positions that are
//! unique, gap-free and in commit order; replicas learn of them; a client can ask any
//! replica for "at least position N".

use crate::helpers::{
    Backend, TestApp, admin_token, on_both_engines, postgres_url, spawn_app_with, spawn_replica,
};
use cemr_api::feed::event::{after, last_position};
use cemr_api::feed::{ChangeKind, Position, recording};
use cemr_api::services::writing;
use entity::change_event;
use serde_json::{Value, json};

on_both_engines!(
    a_committed_write_appears_with_its_position,
    a_refused_write_never_appears,
    a_rolled_back_transaction_leaves_no_event_and_no_gap,
    concurrent_writes_get_gap_free_unique_positions,
    an_import_numbers_its_events_in_one_block_among_concurrent_writes,
    seeding_records_one_reload,
    min_position_waits_for_or_refuses_a_position,
);

const CREATE_PLAN: &str = r#"mutation($org: String!, $title: String!) {
  createActionPlan(organisationCode: $org, facts: { title: $title }, articleNumbers: [1]) {
    actionPlan { id } userErrors { code } } }"#;

/// Posts a mutation as an administrator; the body and the `Feed-Position` header.
async fn write(app_url: &str, query: &str, variables: Value) -> (Value, Option<Position>) {
    let response = reqwest::Client::new()
        .post(format!("{app_url}/graphql"))
        .bearer_auth(admin_token())
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request");
    let position = feed_position(&response);
    (response.json().await.expect("JSON"), position)
}

/// The `Feed-Position` a write answered with.
fn feed_position(response: &reqwest::Response) -> Option<Position> {
    response
        .headers()
        .get("feed-position")
        .and_then(|v| v.to_str().ok())
        .and_then(Position::parse)
}

async fn events_after(app: &TestApp, position: Position) -> Vec<change_event::Model> {
    after(&app.db().await, position, 10_000)
        .await
        .expect("feed rows")
}

async fn a_committed_write_appears_with_its_position(app: TestApp) {
    let db = app.db().await;
    let start = last_position(&db).await.expect("last position");
    let (body, position) = write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Jämställdhetsplan" }),
    )
    .await;
    assert_eq!(body["data"]["createActionPlan"]["userErrors"], json!([]));
    let position = position.expect("a write answers its Feed-Position");
    let events = events_after(&app, start).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event.position, Some(position.0));
    assert_eq!(position.0, start.0 + 1);
    assert_eq!(event.record_type, "ActionPlan");
    assert_eq!(event.kind, "CREATED");
    assert_eq!(event.organisation_code.as_deref(), Some("1480"));
    assert_eq!(event.visibility, "PUBLIC");
    assert_eq!(event.transaction_start, Some(position.0));
    let fields: Vec<String> = serde_json::from_str(&event.changed_fields).expect("JSON");
    assert!(fields.contains(&"title".to_owned()), "{fields:?}");
    assert!(event.committed_at.is_some());
    // A read has no position to tell.
    let response = app
        .client
        .get(app.url("/api/v1/counties"))
        .send()
        .await
        .expect("request");
    assert!(response.headers().get("feed-position").is_none());
}

async fn a_refused_write_never_appears(app: TestApp) {
    let db = app.db().await;
    let start = last_position(&db).await.expect("last position");
    let (body, position) = write(
        &app.address,
        r#"mutation { registerSignature(organisationCode: "1480", facts: { signedOn: "2099-01-01", signedPrecision: DAY }) { signature { id } userErrors { code } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        body["data"]["registerSignature"]["userErrors"][0]["code"],
        "IN_FUTURE"
    );
    assert_eq!(position, None);
    // A duplicate is refused by the database after the transaction wrote: it rolls back.
    let variables = json!({ "org": "1480", "title": "Samma plan" });
    write(&app.address, CREATE_PLAN, variables.clone()).await;
    let (body, position) = write(&app.address, CREATE_PLAN, variables).await;
    assert_eq!(
        body["data"]["createActionPlan"]["userErrors"][0]["code"],
        "DUPLICATE"
    );
    assert_eq!(position, None);
    let events = events_after(&app, start).await;
    assert_eq!(events.len(), 1, "only the first plan: {events:?}");
    assert_eq!(
        last_position(&db).await.expect("last"),
        Position(start.0 + 1)
    );
}

async fn a_rolled_back_transaction_leaves_no_event_and_no_gap(app: TestApp) {
    let db = app.db().await;
    let start = last_position(&db).await.expect("last position");
    let change = |id: &'static str| recording::Recorded {
        action: "test.change",
        record_type: "Organisation",
        record_id: id,
        kind: ChangeKind::Updated,
        before: None,
        after: None,
    };
    let txn = writing::begin(&db).await.expect("begin");
    recording::record(&txn, change("rolled-back"))
        .await
        .expect("record");
    txn.rollback().await.expect("rollback");
    let txn = writing::begin(&db).await.expect("begin");
    recording::record(&txn, change("first"))
        .await
        .expect("record");
    recording::record(&txn, change("second"))
        .await
        .expect("record");
    writing::commit(txn).await.expect("commit");
    let events = events_after(&app, start).await;
    let ids: Vec<&str> = events.iter().map(|e| e.record_id.as_str()).collect();
    assert_eq!(ids, ["first", "second"]);
    let positions: Vec<i64> = events.iter().filter_map(|e| e.position).collect();
    assert_eq!(positions, [start.0 + 1, start.0 + 2]);
    assert!(
        events
            .iter()
            .all(|e| e.transaction_start == Some(start.0 + 1)),
        "one transaction, one start: {events:?}"
    );
}

async fn concurrent_writes_get_gap_free_unique_positions(app: TestApp) {
    let db = app.db().await;
    let start = last_position(&db).await.expect("last position");
    let writes = (0..16).map(|i| {
        let address = app.address.clone();
        let org = ["1480", "0180", "1280", "0380"][i % 4];
        tokio::spawn(async move {
            write(
                &address,
                CREATE_PLAN,
                json!({ "org": org, "title": format!("Plan {i}") }),
            )
            .await
        })
    });
    let mut answered = Vec::new();
    for handle in writes {
        let (body, position) = handle.await.expect("task");
        assert_eq!(
            body["data"]["createActionPlan"]["userErrors"],
            json!([]),
            "{body}"
        );
        answered.push(position.expect("Feed-Position").0);
    }
    answered.sort_unstable();
    let events = events_after(&app, start).await;
    let positions: Vec<i64> = events.iter().filter_map(|e| e.position).collect();
    let expected: Vec<i64> = (start.0 + 1..=start.0 + 16).collect();
    assert_eq!(positions, expected, "gap-free and unique");
    assert_eq!(answered, expected, "each write answered its own position");
}

/// An import's events are numbered as they are inserted, not at its commit: they must
/// still be one gap-free block in commit order among writes that commit meanwhile.
async fn an_import_numbers_its_events_in_one_block_among_concurrent_writes(app: TestApp) {
    let db = app.db().await;
    let start = last_position(&db).await.expect("last position");
    let rows = 600;
    let body: Vec<Value> = (0..rows)
        .map(|i| json!({ "organisation_code": "0180", "title": format!("Importerad plan {i}") }))
        .collect();
    let import = {
        let url = app.url("/api/v1/imports/action-plans");
        tokio::spawn(async move {
            let response = reqwest::Client::new()
                .post(url)
                .bearer_auth(admin_token())
                .json(&body)
                .send()
                .await
                .expect("import");
            let position = feed_position(&response);
            (response.json::<Value>().await.expect("JSON"), position)
        })
    };
    let writes: Vec<_> = (0..8)
        .map(|i| {
            let address = app.address.clone();
            tokio::spawn(async move {
                write(
                    &address,
                    CREATE_PLAN,
                    json!({ "org": "1480", "title": format!("Samtidig plan {i}") }),
                )
                .await
            })
        })
        .collect();
    let (report, import_position) = import.await.expect("import task");
    assert_eq!(report["created"], rows, "{report}");
    let import_position = import_position.expect("an import answers its Feed-Position");
    let mut single = Vec::new();
    for handle in writes {
        let (body, position) = handle.await.expect("task");
        assert_eq!(
            body["data"]["createActionPlan"]["userErrors"],
            json!([]),
            "{body}"
        );
        single.push(position.expect("Feed-Position").0);
    }
    let events = events_after(&app, start).await;
    let positions: Vec<i64> = events.iter().filter_map(|e| e.position).collect();
    let expected: Vec<i64> = (start.0 + 1..=start.0 + rows + 8).collect();
    assert_eq!(positions, expected, "gap-free and unique");
    let imported: Vec<&change_event::Model> = events
        .iter()
        .filter(|e| e.organisation_code.as_deref() == Some("0180"))
        .collect();
    assert_eq!(imported.len(), rows as usize);
    let first = imported[0].position.expect("numbered");
    assert_eq!(
        imported.last().and_then(|e| e.position),
        Some(first + rows - 1),
        "one block"
    );
    assert_eq!(
        import_position.0,
        first + rows - 1,
        "the import answered its last position"
    );
    assert!(
        imported
            .iter()
            .all(|e| e.transaction_start == Some(first) && e.committed_at.is_some()),
        "every event of the import names where its transaction starts"
    );
    for position in single {
        assert!(
            position < first || position > first + rows - 1,
            "a single write's position {position} is outside the import's block"
        );
    }
}

async fn seeding_records_one_reload(app: TestApp) {
    let events = events_after(&app, Position(0)).await;
    let reloads: Vec<_> = events.iter().filter(|e| e.kind == "RELOADED").collect();
    assert_eq!(reloads.len(), 1, "{events:?}");
    // Loading again changes nothing, so it tells nothing.
    cemr_api::seed::reference::load(&app.db().await)
        .await
        .expect("reload");
    let again = events_after(&app, Position(0)).await;
    assert_eq!(again.len(), events.len());
}

async fn min_position_waits_for_or_refuses_a_position(app: TestApp) {
    let (_, position) = write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Plan" }),
    )
    .await;
    let position = position.expect("position");
    let ask = |value: String| {
        app.client
            .get(app.url("/api/v1/counties"))
            .header("Min-Position", value)
            .send()
    };
    let reached = ask(position.to_string()).await.expect("request");
    assert_eq!(reached.status(), 200);
    let ahead = ask((position.0 + 1000).to_string()).await.expect("request");
    assert_eq!(ahead.status(), 412);
    let body: Value = ahead.json().await.expect("JSON");
    assert_eq!(body["code"], "POSITION_NOT_COMMITTED");
    let junk = ask("-3".to_owned()).await.expect("request");
    assert_eq!(junk.status(), 400);
    let body: Value = junk.json().await.expect("JSON");
    assert_eq!(body["code"], "BAD_USER_INPUT");
}

/// Two replicas on one database: a client that wrote through B and then reads from A
/// with `Min-Position` is served by A once A has B's write (A polls only every ten
/// minutes, so it is the notification or the request's own wake-up that brings it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_write_through_one_replica_reaches_the_other() {
    if postgres_url().is_none() {
        return;
    }
    let a = spawn_app_with(Backend::Postgres, |s| {
        s.feed.feed_poll_interval_ms = 600_000
    })
    .await;
    let b = spawn_replica(&a, |_| {}).await;
    let (body, position) = write(
        &b.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Via B" }),
    )
    .await;
    assert_eq!(body["data"]["createActionPlan"]["userErrors"], json!([]));
    let position = position.expect("position");
    let response = a
        .client
        .get(a.url("/api/v1/counties"))
        .header("Min-Position", position.to_string())
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200, "A reached B's position");
    b.shutdown.begin().await;
}

/// The SQLite app's feed follows its own writes without a poll: the in-process wake.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_local_write_wakes_the_follower() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.feed.feed_poll_interval_ms = 600_000).await;
    let (_, position) = write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Plan" }),
    )
    .await;
    let position = position.expect("position");
    let response = app
        .client
        .get(app.url("/api/v1/counties"))
        .header("Min-Position", position.to_string())
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
}
