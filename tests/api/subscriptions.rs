//! GraphQL subscriptions over WebSocket, driven by the `graphql-ws` npm client (the
//! protocol as Apollo Client, urql and Relay speak it): a mutation's change arrives, a
//! refused one never does, resuming with `after:` loses and repeats nothing, and on
//! PostgreSQL a subscriber on one replica sees a write made through another.

use crate::helpers::{
    Backend, TestApp, admin_token, on_both_engines, postgres_url, spawn_app_with, spawn_replica,
};
use cemr_api::feed::event::last_position;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use tokio::sync::mpsc;

on_both_engines!(
    a_subscriber_sees_a_committed_change_and_never_a_refused_one,
    resuming_after_a_position_loses_and_repeats_nothing,
);

const CHANGES: &str = r#"subscription($after: String) {
  registerChanged(filter: { countyCodes: ["14"] }, after: $after) {
    position kind recordType organisationCode changedFields organisation { code name }
  } }"#;

const CREATE_PLAN: &str = r#"mutation($org: String!, $title: String!) {
  createActionPlan(organisationCode: $org, facts: { title: $title }, articleNumbers: [1]) {
    actionPlan { id } userErrors { code } } }"#;

/// Starts the npm client subscribed on `address`; its events arrive on the channel.
fn subscribe(address: &str, variables: Value, events: usize) -> mpsc::UnboundedReceiver<Value> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    if !folder.join("node_modules/graphql-ws").exists() {
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&folder)
            .status()
            .expect("npm (Node.js) is needed for the subscription tests");
        assert!(installed.success(), "npm ci failed in conformance/");
    }
    let url = format!("{}/graphql", address.replacen("http://", "ws://", 1));
    let mut child = Command::new("node")
        .arg("subscribe.mjs")
        .args([
            url,
            CHANGES.to_owned(),
            variables.to_string(),
            events.to_string(),
        ])
        .current_dir(&folder)
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs");
    let stdout = child.stdout.take().expect("stdout");
    let (sender, receiver) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let value: Value = serde_json::from_str(&line).unwrap_or(json!({ "line": line }));
            if sender.send(value).is_err() {
                break;
            }
        }
        let _ = child.wait();
    });
    receiver
}

async fn next_event(events: &mut mpsc::UnboundedReceiver<Value>) -> Value {
    let message = events.recv().await.expect("the client printed an event");
    assert!(message.get("data").is_some(), "not an event: {message}");
    message["data"]["registerChanged"].clone()
}

async fn write(address: &str, query: &str, variables: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{address}/graphql"))
        .bearer_auth(admin_token())
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON")
}

async fn a_subscriber_sees_a_committed_change_and_never_a_refused_one(app: TestApp) {
    let start = last_position(&app.db().await).await.expect("position");
    let mut events = subscribe(&app.address, json!({ "after": start.0.to_string() }), 2);
    // Refused: a duplicate title rolls its transaction back after it wrote.
    write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Plan A" }),
    )
    .await;
    let refused = write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Plan A" }),
    )
    .await;
    assert_eq!(
        refused["data"]["createActionPlan"]["userErrors"][0]["code"],
        "DUPLICATE"
    );
    // Outside the filter (Stockholm is county 01): not told.
    write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "0180", "title": "Plan S" }),
    )
    .await;
    write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Plan B" }),
    )
    .await;
    let first = next_event(&mut events).await;
    let second = next_event(&mut events).await;
    assert_eq!(first["position"], (start.0 + 1).to_string());
    assert_eq!(first["kind"], "CREATED");
    assert_eq!(first["recordType"], "ActionPlan");
    assert_eq!(first["organisation"]["code"], "1480");
    assert_eq!(
        second["position"],
        (start.0 + 3).to_string(),
        "the refused and the filtered are not told"
    );
}

async fn resuming_after_a_position_loses_and_repeats_nothing(app: TestApp) {
    let start = last_position(&app.db().await).await.expect("position");
    for title in ["One", "Two", "Three"] {
        write(
            &app.address,
            CREATE_PLAN,
            json!({ "org": "1480", "title": title }),
        )
        .await;
    }
    // A client that saw the first event reconnects after it.
    let mut events = subscribe(
        &app.address,
        json!({ "after": (start.0 + 1).to_string() }),
        3,
    );
    let second = next_event(&mut events).await;
    let third = next_event(&mut events).await;
    write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Four" }),
    )
    .await;
    let fourth = next_event(&mut events).await;
    let positions: Vec<&Value> = vec![&second["position"], &third["position"], &fourth["position"]];
    let expected: Vec<Value> = (2..=4).map(|n| json!((start.0 + n).to_string())).collect();
    assert_eq!(positions, expected.iter().collect::<Vec<_>>());
}

/// Replica A polls only every ten minutes and nothing wakes it in process: a live event
/// written through B reaches A's subscriber only by PostgreSQL's notification.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_subscriber_on_one_replica_sees_a_write_through_another() {
    if postgres_url().is_none() {
        return;
    }
    let a = spawn_app_with(Backend::Postgres, |s| {
        s.feed.feed_poll_interval_ms = 600_000
    })
    .await;
    let b = spawn_replica(&a, |_| {}).await;
    let start = last_position(&a.db().await).await.expect("position");
    let mut events = subscribe(&a.address, json!({ "after": start.0.to_string() }), 2);
    write(
        &b.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Via B 1" }),
    )
    .await;
    let first = next_event(&mut events).await;
    assert_eq!(first["position"], (start.0 + 1).to_string());
    // The subscription is live now: the next event can only come by notification.
    write(
        &b.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Via B 2" }),
    )
    .await;
    let second = next_event(&mut events).await;
    assert_eq!(second["position"], (start.0 + 2).to_string());
    b.shutdown.begin().await;
}
