//! GraphQL subscriptions over WebSocket, driven by the `graphql-ws` npm client (the
//! protocol as Apollo Client, urql and Relay speak it): a mutation's change arrives, a
//! refused one never does, resuming with `after:` loses and repeats nothing, on
//! PostgreSQL a subscriber on one replica sees a write made through another, each client
//! holds at most its share of subscriptions and connections, a burst of messages on one
//! socket is answered in full, and shutdown closes every socket with 1001.

use crate::helpers::{
    Backend, TestApp, admin_token, member_token, on_both_engines, on_both_engines_with,
    postgres_url, spawn_app_with, spawn_replica,
};
use cemr_api::feed::event::last_position;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use tokio::sync::mpsc;

on_both_engines!(
    a_subscriber_sees_a_committed_change_and_never_a_refused_one,
    a_burst_of_messages_on_one_socket_is_answered_in_full,
    resuming_after_a_position_loses_and_repeats_nothing,
    shutdown_closes_every_open_socket_with_going_away,
);
on_both_engines_with!(
    |s| s.feed.subscriptions_per_client = 2;
    a_client_holds_at_most_its_subscriptions_over_all_its_connections
);
on_both_engines_with!(
    |s| s.feed.subscription_sockets_per_client = 1;
    connections_are_counted_per_verified_identity_or_else_per_address
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
    subscribe_as(address, variables, events, None)
}

/// `subscribe` with a bearer token in `connection_init`.
fn subscribe_as(
    address: &str,
    variables: Value,
    events: usize,
    bearer: Option<&str>,
) -> mpsc::UnboundedReceiver<Value> {
    let folder = node_client();
    let url = format!("{}/graphql", address.replacen("http://", "ws://", 1));
    let mut child = Command::new("node")
        .arg("subscribe.mjs")
        .args([
            url,
            CHANGES.to_owned(),
            variables.to_string(),
            events.to_string(),
        ])
        .args(bearer)
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

/// The folder of the npm clients, installed if they are not yet.
fn node_client() -> std::path::PathBuf {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    if !folder.join("node_modules/graphql-ws").exists() {
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&folder)
            .status()
            .expect("npm (Node.js) is needed for the subscription tests");
        assert!(installed.success(), "npm ci failed in conformance/");
    }
    folder
}

async fn next_event(events: &mut mpsc::UnboundedReceiver<Value>) -> Value {
    let message = next_outcome(events).await;
    assert!(message.get("data").is_some(), "not an event: {message}");
    message["data"]["registerChanged"].clone()
}

/// The client's next line after its connection was acknowledged: an event, an error or
/// the socket's close.
async fn next_outcome(events: &mut mpsc::UnboundedReceiver<Value>) -> Value {
    loop {
        let message = events.recv().await.expect("the client printed a line");
        if message.get("connected").is_none() {
            return message;
        }
    }
}

/// Waits for the server to acknowledge the client's connection.
async fn connected(events: &mut mpsc::UnboundedReceiver<Value>) {
    let message = events.recv().await.expect("the client printed a line");
    assert_eq!(message, json!({ "connected": true }));
}

/// The code and reason the socket closed with (lines before it, such as the error the
/// closing gives the pending subscription, are skipped).
async fn closed(events: &mut mpsc::UnboundedReceiver<Value>) -> (u64, String) {
    loop {
        let message = events.recv().await.expect("the client printed its close");
        if let Some(closed) = message.get("closed") {
            let reason = closed["reason"].as_str().unwrap_or_default().to_owned();
            return (closed["code"].as_u64().unwrap_or_default(), reason);
        }
    }
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

/// A client that resubscribes everything at once (as `graphql-ws` does after a
/// reconnect) sends more messages in one go than the server reads ahead: each must still
/// be handled, none left waiting behind the others.
async fn a_burst_of_messages_on_one_socket_is_answered_in_full(app: TestApp) {
    const SUBSCRIPTIONS: usize = 20;
    const PINGS: usize = 100;
    let start = last_position(&app.db().await).await.expect("position");
    write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Plan" }),
    )
    .await;
    let folder = node_client();
    let url = format!("{}/graphql", app.address.replacen("http://", "ws://", 1));
    let variables = json!({ "after": start.0.to_string() }).to_string();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("burst.mjs")
            .args([
                url,
                CHANGES.to_owned(),
                variables,
                SUBSCRIPTIONS.to_string(),
                PINGS.to_string(),
            ])
            .current_dir(folder)
            .output()
            .expect("node runs")
    })
    .await
    .expect("the client ran");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(stdout.trim()).unwrap_or(json!({ "line": stdout }));
    assert_eq!(
        report,
        json!({ "events": SUBSCRIPTIONS, "pongs": PINGS }),
        "every subscription had its event and every ping its pong"
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

async fn a_client_holds_at_most_its_subscriptions_over_all_its_connections(app: TestApp) {
    let start = last_position(&app.db().await).await.expect("position");
    let after = json!({ "after": start.0.to_string() });
    // Each waits for two events, so none lets its subscription go before the third asks.
    let mut clients: Vec<_> = (0..3)
        .map(|_| subscribe(&app.address, after.clone(), 2))
        .collect();
    for client in &mut clients {
        connected(client).await;
    }
    write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Plan" }),
    )
    .await;
    let mut outcomes = Vec::new();
    for client in &mut clients {
        outcomes.push(next_outcome(client).await);
    }
    let delivered = outcomes.iter().filter(|o| o["data"].is_object()).count();
    let refused: Vec<&Value> = outcomes.iter().filter_map(errors_of).collect();
    assert_eq!(delivered, 2, "{outcomes:?}");
    assert_eq!(refused.len(), 1, "{outcomes:?}");
    assert_eq!(
        refused[0][0]["extensions"]["code"], "SUBSCRIPTION_LIMIT_EXCEEDED",
        "{outcomes:?}"
    );
    assert!(
        refused[0][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("a client may hold 2")),
        "{outcomes:?}"
    );
    // A verified client is counted as itself, not by the address it shares.
    let mut admin = subscribe_as(&app.address, after.clone(), 1, Some(&admin_token()));
    assert!(next_outcome(&mut admin).await["data"].is_object());
    // The two that get their second event go away: their subscriptions are given back.
    write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Plan 2" }),
    )
    .await;
    let mut returned = false;
    for _ in 0..40 {
        let mut again = subscribe(&app.address, after.clone(), 1);
        if next_outcome(&mut again).await["data"].is_object() {
            returned = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(
        returned,
        "the subscriptions of closed connections were not given back"
    );
}

/// The errors of a refused subscription, whether the server sent them as an `error`
/// message or as a `next` with errors.
fn errors_of(outcome: &Value) -> Option<&Value> {
    outcome.get("error").or_else(|| outcome.get("errors"))
}

async fn connections_are_counted_per_verified_identity_or_else_per_address(app: TestApp) {
    let start = last_position(&app.db().await).await.expect("position");
    let after = json!({ "after": start.0.to_string() });
    let mut anonymous = subscribe(&app.address, after.clone(), 1);
    connected(&mut anonymous).await;
    let (code, reason) = closed(&mut subscribe(&app.address, after.clone(), 1)).await;
    assert_eq!(code, 1013, "try again later: {reason}");
    assert!(reason.contains("a client may hold 1"), "{reason}");
    let admin = admin_token();
    let mut administrator = subscribe_as(&app.address, after.clone(), 1, Some(&admin));
    connected(&mut administrator).await;
    let (code, _) = closed(&mut subscribe_as(
        &app.address,
        after.clone(),
        1,
        Some(&admin),
    ))
    .await;
    assert_eq!(code, 1013, "the same identity from the same address");
    let mut member = subscribe_as(&app.address, after.clone(), 1, Some(&member_token("1480")));
    connected(&mut member).await;
    let (code, reason) = closed(&mut subscribe_as(
        &app.address,
        after.clone(),
        1,
        Some("forged"),
    ))
    .await;
    assert_eq!(
        code, 4403,
        "a token that does not verify is forbidden: {reason}"
    );
    write(
        &app.address,
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Plan" }),
    )
    .await;
    for client in [&mut anonymous, &mut administrator, &mut member] {
        assert_eq!(next_event(client).await["recordType"], "ActionPlan");
    }
}

async fn shutdown_closes_every_open_socket_with_going_away(app: TestApp) {
    let start = last_position(&app.db().await).await.expect("position");
    let after = json!({ "after": start.0.to_string() });
    let mut first = subscribe(&app.address, after.clone(), 1);
    let mut second = subscribe_as(&app.address, after, 1, Some(&admin_token()));
    connected(&mut first).await;
    connected(&mut second).await;
    app.shutdown.begin().await;
    for client in [&mut first, &mut second] {
        let (code, reason) = closed(client).await;
        assert_eq!(code, 1001, "{reason}");
        assert_eq!(reason, "the server is shutting down");
    }
}
