//! Webhooks: registration (who may register what), signed delivery as the Standard
//! Webhooks specification defines it, retries, pausing, SSRF refusals, and delivery once
//! per event across replicas. The receiver is a small HTTP server on 127.0.0.1 that
//! answers as each test scripts it.

use crate::helpers::{
    Backend, TestApp, admin_token, member_token, on_both_engines_with, postgres_url, scalar,
    spawn_app_with, spawn_replica, token,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cemr_api::config::Settings;
use cemr_api::feed::event::last_position;
use cemr_api::feed::{ChangeKind, recording};
use cemr_api::services::writing;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Settings of an app whose webhooks may point at this machine, retrying fast.
fn local(settings: &mut Settings) {
    settings.webhooks.webhook_allow_private_targets = true;
    settings.webhooks.webhook_backoff_base_ms = 50;
    settings.webhooks.webhook_backoff_max_ms = 200;
    settings.webhooks.webhook_poll_interval_ms = 50;
    settings.webhooks.webhook_timeout_ms = 2_000;
    settings.webhooks.webhook_max_attempts = 4;
}

on_both_engines_with!(super::local;
    a_delivery_is_signed_as_the_standard_says,
    failing_twice_then_succeeding_delivers_the_event_once,
    a_rolled_back_or_refused_write_is_never_delivered,
    members_manage_only_their_own_organisations_webhooks,
    a_members_webhook_never_receives_restricted_changes,
    an_endpoint_is_paused_after_repeated_failures_and_resumed_explicitly,
    rest_registration_shows_the_secret_once_and_audits_without_it,
    the_number_of_webhooks_per_organisation_is_limited,
    a_disabled_accounts_webhooks_pause_until_resumed,
);

on_both_engines_with!(|_| {};
    internal_targets_are_refused_without_the_allowance,
    a_stored_internal_target_is_refused_at_delivery,
);

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
    /// The status it was answered with.
    status: u16,
}

/// A local HTTP endpoint: answers 500 to the first `failures` requests (all of them
/// while `failing` is set), 204 to the others, and keeps every request.
#[derive(Clone)]
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    failures: Arc<AtomicUsize>,
    failing: Arc<std::sync::atomic::AtomicBool>,
}

impl Receiver {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!(
            "http://127.0.0.1:{}/hooks/cemr?src=test",
            listener.local_addr().expect("address").port()
        );
        let receiver = Self {
            url,
            received: Arc::default(),
            failures: Arc::default(),
            failing: Arc::default(),
        };
        let this = receiver.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(this.clone().answer(stream));
            }
        });
        receiver
    }

    async fn answer(self, mut stream: tokio::net::TcpStream) {
        let mut buffer = Vec::new();
        let mut chunk = [0u8; 4096];
        let (head, body_start) = loop {
            let Ok(n) = stream.read(&mut chunk).await else {
                return;
            };
            if n == 0 {
                return;
            }
            buffer.extend_from_slice(&chunk[..n]);
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break (
                    String::from_utf8_lossy(&buffer[..end]).into_owned(),
                    end + 4,
                );
            }
        };
        let headers: HashMap<String, String> = head
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buffer.len() < body_start + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let body = String::from_utf8_lossy(&buffer[body_start..body_start + length]).into_owned();
        let fail = self.failing.load(Ordering::SeqCst)
            || self
                .failures
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
        let status = if fail { 500 } else { 204 };
        self.received.lock().expect("lock").push(Received {
            headers,
            body,
            status,
        });
        let answer = if fail {
            "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\nconnection: close\r\n\r\ndown"
        } else {
            "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n"
        };
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    }

    fn all(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// The requests answered with success.
    fn accepted(&self) -> Vec<Received> {
        self.all().into_iter().filter(|r| r.status < 300).collect()
    }

    /// Waits until `done` holds for what arrived (at most 20 s).
    async fn wait_until(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        for _ in 0..400 {
            let all = self.all();
            if done(&all) {
                return all;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("timed out waiting for {what}; received {:#?}", self.all());
    }
}

const CREATE: &str = r#"mutation($input: WebhookInput!) {
  createWebhook(input: $input) {
    secret
    webhook { id version status url organisation { code } organisationCodes recordTypes changeKinds }
    userErrors { field code message } } }"#;

const CREATE_PLAN: &str = r#"mutation($org: String!, $title: String!) {
  createActionPlan(organisationCode: $org, facts: { title: $title }, articleNumbers: [1]) {
    actionPlan { id } userErrors { code } } }"#;

const WEBHOOKS: &str = r#"{ webhooks { id name status pausedReason failureCount lastDeliveryStatus
  lastDeliveryAt lastError deliveredThrough } }"#;

async fn as_bearer(app: &TestApp, bearer: &str, query: &str, variables: Value) -> Value {
    let (status, body) = app.graphql_as(Some(bearer), query, variables).await;
    assert!(status < 500, "{status}: {body}");
    body
}

/// Registers a webhook as `bearer`; the payload.
async fn register(app: &TestApp, bearer: &str, input: Value) -> Value {
    let body = as_bearer(app, bearer, CREATE, json!({ "input": input })).await;
    body["data"]["createWebhook"].clone()
}

/// Registers a webhook that must succeed; its id and secret.
async fn registered(app: &TestApp, bearer: &str, input: Value) -> (String, String) {
    let payload = register(app, bearer, input).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    (
        payload["webhook"]["id"].as_str().expect("id").to_owned(),
        payload["secret"].as_str().expect("secret").to_owned(),
    )
}

async fn create_plan(app: &TestApp, org: &str, title: &str) {
    let body = as_bearer(
        app,
        &admin_token(),
        CREATE_PLAN,
        json!({ "org": org, "title": title }),
    )
    .await;
    assert_eq!(
        body["data"]["createActionPlan"]["userErrors"],
        json!([]),
        "{body}"
    );
}

/// The webhook as `webhooks` lists it for an administrator.
async fn listed(app: &TestApp, id: &str) -> Value {
    let body = as_bearer(app, &admin_token(), WEBHOOKS, json!({})).await;
    body["data"]["webhooks"]
        .as_array()
        .and_then(|all| all.iter().find(|w| w["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("webhook {id} not listed: {body}"))
}

/// Verifies a delivery's signature from the specification alone: HMAC-SHA256 keyed with
/// the base64 after `whsec_`, over `{id}.{timestamp}.{body}`, sent as `v1,<base64>`.
fn verify(secret: &str, delivery: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ prefix"))
        .expect("base64 key");
    let signed = format!(
        "{}.{}.{}",
        delivery.headers["webhook-id"], delivery.headers["webhook-timestamp"], delivery.body
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("key");
    mac.update(signed.as_bytes());
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    delivery.headers["webhook-signature"]
        .split(' ')
        .any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
}

async fn a_delivery_is_signed_as_the_standard_says(app: TestApp) {
    let receiver = Receiver::start().await;
    let (_, secret) = registered(
        &app,
        &admin_token(),
        json!({ "name": "Region Örebro", "url": receiver.url, "recordTypes": ["ActionPlan"] }),
    )
    .await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    let before = last_position(&app.db().await).await.expect("position");
    create_plan(&app, "1880", "Signed plan").await;
    let got = receiver.wait_until("one delivery", |r| !r.is_empty()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        receiver.all().len(),
        1,
        "only the plan: {:#?}",
        receiver.all()
    );
    let delivery = &got[0];
    assert!(
        verify(&secret, delivery),
        "the signature does not verify: {delivery:#?}"
    );
    let tampered = Received {
        body: delivery.body.replace("1880", "0180"),
        ..delivery.clone()
    };
    assert!(!verify(&secret, &tampered), "a changed body still verifies");
    let sent_at: i64 = delivery.headers["webhook-timestamp"]
        .parse()
        .expect("unix seconds");
    assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 60);
    assert_eq!(delivery.headers["content-type"], "application/json");
    let event: Value = serde_json::from_str(&delivery.body).expect("JSON body");
    assert_eq!(event["id"], delivery.headers["webhook-id"].as_str());
    assert_eq!(event["recordType"], "ActionPlan");
    assert_eq!(event["kind"], "CREATED");
    assert_eq!(event["organisationCode"], "1880");
    assert!(event["position"].as_i64().expect("position") > before.0);
    assert!(
        event["changedFields"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );
    assert!(event["occurredAt"].is_string());
}

async fn failing_twice_then_succeeding_delivers_the_event_once(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.failures.store(2, Ordering::SeqCst);
    let (id, secret) = registered(
        &app,
        &admin_token(),
        json!({ "name": "Flaky", "url": receiver.url, "recordTypes": ["ActionPlan"] }),
    )
    .await;
    create_plan(&app, "1480", "Retried").await;
    let all = receiver
        .wait_until("a success after two failures", |r| {
            r.iter().any(|x| x.status < 300)
        })
        .await;
    assert_eq!(all.len(), 3, "{all:#?}");
    let ids: HashSet<&str> = all
        .iter()
        .map(|r| r.headers["webhook-id"].as_str())
        .collect();
    assert_eq!(
        ids.len(),
        1,
        "every attempt carries the same webhook-id: {all:#?}"
    );
    assert!(all.iter().all(|r| verify(&secret, r)));
    create_plan(&app, "1480", "Next").await;
    receiver
        .wait_until("the next event", |r| r.len() == 4)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let accepted = receiver.accepted();
    let ids: Vec<&str> = accepted
        .iter()
        .map(|r| r.headers["webhook-id"].as_str())
        .collect();
    assert_eq!(ids.len(), 2, "{accepted:#?}");
    assert_ne!(ids[0], ids[1]);
    let hook = listed(&app, &id).await;
    assert_eq!(hook["status"], "ACTIVE");
    assert_eq!(hook["failureCount"], 0);
    assert_eq!(hook["lastDeliveryStatus"], 204);
    assert_eq!(hook["lastError"], Value::Null);
}

async fn a_rolled_back_or_refused_write_is_never_delivered(app: TestApp) {
    let receiver = Receiver::start().await;
    registered(
        &app,
        &admin_token(),
        json!({ "name": "Register", "url": receiver.url, "recordTypes": ["Organisation", "ActionPlan"] }),
    )
    .await;
    let db = app.db().await;
    let txn = writing::begin(&db).await.expect("begin");
    recording::record(
        &txn,
        recording::Recorded {
            action: "test.change",
            record_type: "Organisation",
            record_id: "rolled-back",
            kind: ChangeKind::Updated,
            before: None,
            after: None,
        },
    )
    .await
    .expect("record");
    txn.rollback().await.expect("rollback");
    // Refused by the database after the transaction wrote: rolled back.
    create_plan(&app, "1480", "Once").await;
    let body = as_bearer(
        &app,
        &admin_token(),
        CREATE_PLAN,
        json!({ "org": "1480", "title": "Once" }),
    )
    .await;
    assert_eq!(
        body["data"]["createActionPlan"]["userErrors"][0]["code"],
        "DUPLICATE"
    );
    create_plan(&app, "1480", "Last").await;
    receiver.wait_until("two plans", |r| r.len() >= 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let all = receiver.all();
    let records: Vec<String> = all
        .iter()
        .map(|r| {
            let event: Value = serde_json::from_str(&r.body).expect("JSON");
            format!(
                "{}:{}",
                event["recordType"].as_str().unwrap_or(""),
                event["recordId"]
            )
        })
        .collect();
    assert_eq!(records.len(), 2, "{records:?}");
    assert!(
        records.iter().all(|r| r.starts_with("ActionPlan:")),
        "{records:?}"
    );
}

async fn members_manage_only_their_own_organisations_webhooks(app: TestApp) {
    let orebro = member_token("1880");
    let stockholm = member_token("0180");
    let refused = as_bearer(
        &app,
        &orebro,
        CREATE,
        json!({ "input": { "name": "Not mine", "url": "http://127.0.0.1:9/x", "organisationCode": "0180" } }),
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    let own = register(
        &app,
        &orebro,
        json!({ "name": "Ours", "url": "http://127.0.0.1:9/x" }),
    )
    .await;
    assert_eq!(own["userErrors"], json!([]), "{own}");
    assert_eq!(own["webhook"]["organisation"]["code"], "1880");
    assert_eq!(own["webhook"]["organisationCodes"], json!(["1880"]));
    let id = own["webhook"]["id"].as_str().expect("id").to_owned();
    let restricted = register(
        &app,
        &orebro,
        json!({ "name": "Tokens", "url": "http://127.0.0.1:9/x", "recordTypes": ["ApiToken"] }),
    )
    .await;
    assert_eq!(
        restricted["userErrors"][0]["code"], "NOT_READABLE",
        "{restricted}"
    );
    // Public register changes of other organisations may be followed by county.
    let county = register(
        &app,
        &orebro,
        json!({ "name": "Län", "url": "http://127.0.0.1:9/y", "countyCodes": ["01"] }),
    )
    .await;
    assert_eq!(county["userErrors"], json!([]), "{county}");

    let theirs = as_bearer(&app, &stockholm, WEBHOOKS, json!({})).await;
    assert_eq!(theirs["data"]["webhooks"], json!([]), "{theirs}");
    let ours = as_bearer(&app, &orebro, WEBHOOKS, json!({})).await;
    assert_eq!(ours["data"]["webhooks"].as_array().map(Vec::len), Some(2));
    for mutation in [
        r#"mutation($id: ID!) { deleteWebhook(id: $id) { userErrors { code } } }"#,
        r#"mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret userErrors { code } } }"#,
        r#"mutation($id: ID!) { updateWebhook(id: $id, version: 1, input: { url: "http://127.0.0.1:9/mine" }) { userErrors { code } } }"#,
    ] {
        let body = as_bearer(&app, &stockholm, mutation, json!({ "id": id })).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{body}"
        );
    }
    let look = as_bearer(
        &app,
        &stockholm,
        r#"query($id: ID!) { webhook(id: $id) { url } }"#,
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        look["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{look}"
    );
    let researcher = as_bearer(&app, &token("RESEARCHER", None), WEBHOOKS, json!({})).await;
    assert_eq!(researcher["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let (_, anonymous) = app.graphql_as(None, WEBHOOKS, json!({})).await;
    assert_eq!(
        anonymous["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED"
    );
    // The member's own change goes through, and the administrator sees every webhook.
    let renamed = as_bearer(
        &app,
        &orebro,
        r#"mutation($id: ID!) { updateWebhook(id: $id, version: 1, input: { name: "Renamed" }) { webhook { name version } userErrors { code } } }"#,
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        renamed["data"]["updateWebhook"]["webhook"]["version"], 2,
        "{renamed}"
    );
    let all = as_bearer(&app, &admin_token(), WEBHOOKS, json!({})).await;
    assert_eq!(all["data"]["webhooks"].as_array().map(Vec::len), Some(2));
}

async fn a_members_webhook_never_receives_restricted_changes(app: TestApp) {
    let receiver = Receiver::start().await;
    registered(
        &app,
        &member_token("1480"),
        json!({ "name": "Göteborg", "url": receiver.url }),
    )
    .await;
    // A restricted change of the member's own organisation, then a public one.
    let token = as_bearer(
        &app,
        &admin_token(),
        r#"mutation { createApiToken(name: "sync", organisationCode: "1480") { token userErrors { code } } }"#,
        json!({}),
    )
    .await;
    assert!(
        token["data"]["createApiToken"]["token"].is_string(),
        "{token}"
    );
    create_plan(&app, "0180", "Another organisation's").await;
    create_plan(&app, "1480", "Public").await;
    receiver
        .wait_until("the public change", |r| !r.is_empty())
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let all = receiver.all();
    assert_eq!(all.len(), 1, "{all:#?}");
    let event: Value = serde_json::from_str(&all[0].body).expect("JSON");
    assert_eq!(event["recordType"], "ActionPlan");
    assert_eq!(event["organisationCode"], "1480");
}

async fn an_endpoint_is_paused_after_repeated_failures_and_resumed_explicitly(app: TestApp) {
    let receiver = Receiver::start().await;
    receiver.failing.store(true, Ordering::SeqCst);
    let (id, _) = registered(
        &app,
        &admin_token(),
        json!({ "name": "Down", "url": receiver.url, "recordTypes": ["ActionPlan"] }),
    )
    .await;
    create_plan(&app, "1480", "While down").await;
    receiver.wait_until("four attempts", |r| r.len() >= 4).await;
    let mut hook = Value::Null;
    for _ in 0..100 {
        hook = listed(&app, &id).await;
        if hook["status"] == "PAUSED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(hook["status"], "PAUSED", "{hook}");
    assert_eq!(hook["failureCount"], 4);
    assert_eq!(hook["lastDeliveryStatus"], 500);
    assert!(
        hook["pausedReason"]
            .as_str()
            .is_some_and(|r| r.contains("500")),
        "{hook}"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.all().len(), 4, "a paused endpoint is left alone");

    receiver.failing.store(false, Ordering::SeqCst);
    let resumed = as_bearer(
        &app,
        &admin_token(),
        r#"mutation($id: ID!) { resumeWebhook(id: $id) { webhook { status failureCount } userErrors { code } } }"#,
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        resumed["data"]["resumeWebhook"]["webhook"]["status"], "ACTIVE",
        "{resumed}"
    );
    receiver
        .wait_until("the delivery after resuming", |r| r.len() == 5)
        .await;
    let accepted = receiver.accepted();
    assert_eq!(accepted.len(), 1);
    let event: Value = serde_json::from_str(&accepted[0].body).expect("JSON");
    assert_eq!(
        event["recordType"], "ActionPlan",
        "the change that failed, not a later one"
    );
    let again = as_bearer(
        &app,
        &admin_token(),
        r#"mutation($id: ID!) { resumeWebhook(id: $id) { userErrors { code } } }"#,
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        again["data"]["resumeWebhook"]["userErrors"][0]["code"],
        "INVALID"
    );
}

/// An administrator who leaves must not go on receiving the register's changes at an
/// endpoint of their choosing: disabling the account pauses what it registered, itself
/// or through its API tokens, until someone who manages the webhook resumes it.
async fn a_disabled_accounts_webhooks_pause_until_resumed(app: TestApp) {
    let db = app.db().await;
    let account =
        crate::fixtures::account(&db, "avgar@skr.se", "a long enough password", "ADMIN", None)
            .await;
    let session = crate::helpers::logged_in(&app, "avgar@skr.se", "a long enough password").await;
    let body = as_bearer(
        &app,
        &session,
        r#"mutation { createApiToken(name: "integration", role: ADMIN, canWrite: true) { token } }"#,
        json!({}),
    )
    .await;
    let api_token = body["data"]["createApiToken"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("a token: {body}"))
        .to_owned();
    let own = Receiver::start().await;
    let through_token = Receiver::start().await;
    let others = Receiver::start().await;
    let filter = |url: &str| json!({ "name": "Hook", "url": url, "recordTypes": ["ActionPlan"] });
    let (own_id, _) = registered(&app, &session, filter(&own.url)).await;
    let (token_id, _) = registered(&app, &api_token, filter(&through_token.url)).await;
    let (others_id, _) = registered(&app, &admin_token(), filter(&others.url)).await;
    create_plan(&app, "1480", "Before").await;
    for receiver in [&own, &through_token, &others] {
        receiver
            .wait_until("the first event", |r| r.len() == 1)
            .await;
    }

    let update = r#"mutation($id: ID!) {
      updateAccount(id: $id, version: 1, role: ADMIN, disabled: true) { userErrors { code } } }"#;
    let id = cemr_api::graphql::ids::encode("Account", account.id);
    let body = as_bearer(&app, &admin_token(), update, json!({ "id": id })).await;
    assert_eq!(
        body["data"]["updateAccount"]["userErrors"],
        json!([]),
        "{body}"
    );
    for id in [&own_id, &token_id] {
        let hook = listed(&app, id).await;
        assert_eq!(hook["status"], "PAUSED", "{hook}");
        assert!(
            hook["pausedReason"]
                .as_str()
                .is_some_and(|r| r.contains("disabled")),
            "{hook}"
        );
    }
    assert_eq!(listed(&app, &others_id).await["status"], "ACTIVE");
    create_plan(&app, "1480", "After").await;
    others
        .wait_until("the second event", |r| r.len() == 2)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        own.all().len(),
        1,
        "nothing more to the disabled account's endpoint"
    );
    assert_eq!(through_token.all().len(), 1, "nor to its token's");

    let resumed = as_bearer(
        &app,
        &admin_token(),
        r#"mutation($id: ID!) { resumeWebhook(id: $id) { webhook { status } } }"#,
        json!({ "id": own_id }),
    )
    .await;
    assert_eq!(
        resumed["data"]["resumeWebhook"]["webhook"]["status"],
        "ACTIVE"
    );
    own.wait_until("the event it missed", |r| r.len() == 2)
        .await;
    let audited: i64 = crate::helpers::scalar(
        &db,
        "SELECT COUNT(*) FROM audit_entry WHERE action = 'webhook.pause'",
    )
    .await;
    assert_eq!(audited, 2, "each pause is audited");
}

async fn rest_registration_shows_the_secret_once_and_audits_without_it(app: TestApp) {
    let response = app
        .client
        .post(app.url("/api/v1/webhooks"))
        .bearer_auth(member_token("1480"))
        .json(&json!({ "name": "Regional system", "url": "http://127.0.0.1:9/hook", "change_kinds": ["CREATED"] }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.expect("JSON");
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("whsec_"));
    let id = created["webhook"]["id"].as_i64().expect("id");
    assert_eq!(created["webhook"]["organisation_code"], "1480");
    for path in [
        "/api/v1/webhooks".to_owned(),
        format!("/api/v1/webhooks/{id}"),
    ] {
        let text = app
            .client
            .get(app.url(&path))
            .bearer_auth(member_token("1480"))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body");
        assert!(text.contains("Regional system"), "{text}");
        assert!(
            !text.contains(&secret) && !text.contains("whsec_"),
            "{text}"
        );
    }
    let other = app
        .client
        .get(app.url(&format!("/api/v1/webhooks/{id}")))
        .bearer_auth(member_token("0180"))
        .send()
        .await
        .expect("request");
    assert_eq!(other.status(), 404);
    let bad = app
        .client
        .post(app.url("/api/v1/webhooks"))
        .bearer_auth(admin_token())
        .json(&json!({ "name": "x", "url": "ftp://example.com/", "change_kinds": ["EXPLODED"] }))
        .send()
        .await
        .expect("request");
    assert_eq!(bad.status(), 400);
    let problem: Value = bad.json().await.expect("JSON");
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"INSECURE_URL") && codes.contains(&"INVALID"),
        "{problem}"
    );
    let unknown_field = app
        .client
        .post(app.url("/api/v1/webhooks"))
        .bearer_auth(admin_token())
        .json(&json!({ "name": "x", "url": "http://127.0.0.1:9/", "secret": "whsec_mine" }))
        .send()
        .await
        .expect("request");
    assert_eq!(unknown_field.status(), 400);
    let rotated = app
        .client
        .post(app.url(&format!("/api/v1/webhooks/{id}/rotate-secret")))
        .bearer_auth(member_token("1480"))
        .send()
        .await
        .expect("request");
    assert_eq!(rotated.status(), 200);
    let rotated: Value = rotated.json().await.expect("JSON");
    assert_ne!(rotated["secret"], secret.as_str());
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/webhooks/{id}")))
        .bearer_auth(member_token("1480"))
        .send()
        .await
        .expect("request");
    assert_eq!(deleted.status(), 204);

    let db = app.db().await;
    let audited = scalar(
        &db,
        "SELECT COUNT(*) FROM audit_entry WHERE record_type = 'Webhook'",
    )
    .await;
    assert_eq!(audited, 3, "create, rotate, delete");
    let leaked = scalar(
        &db,
        "SELECT COUNT(*) FROM audit_entry WHERE after LIKE '%whsec_%' OR before LIKE '%whsec_%'",
    )
    .await;
    assert_eq!(leaked, 0, "a secret reached the audit log");
    let events = scalar(
        &db,
        "SELECT COUNT(*) FROM change_event WHERE record_type = 'Webhook' AND visibility = 'RESTRICTED'",
    )
    .await;
    assert_eq!(events, 3);
}

async fn the_number_of_webhooks_per_organisation_is_limited(app: TestApp) {
    let member = member_token("2580");
    for n in 0..10 {
        registered(
            &app,
            &member,
            json!({ "name": format!("Hook {n}"), "url": "http://127.0.0.1:9/x" }),
        )
        .await;
    }
    let over = register(
        &app,
        &member,
        json!({ "name": "One too many", "url": "http://127.0.0.1:9/x" }),
    )
    .await;
    assert_eq!(over["userErrors"][0]["code"], "LIMIT_EXCEEDED", "{over}");
    let long = register(
        &app,
        &member,
        json!({ "name": "Long", "url": format!("http://127.0.0.1:9/{}", "a".repeat(2100)) }),
    )
    .await;
    assert_eq!(long["userErrors"][0]["code"], "TOO_LONG", "{long}");
    let unknown = register(
        &app,
        &admin_token(),
        json!({ "name": "Unknown", "url": "http://127.0.0.1:9/x", "recordTypes": ["Nothing"], "countyCodes": ["99"] }),
    )
    .await;
    let codes: Vec<&str> = unknown["userErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert_eq!(codes, ["INVALID", "NOT_FOUND"], "{unknown}");
}

async fn internal_targets_are_refused_without_the_allowance(app: TestApp) {
    for url in [
        "http://example.com/hook",
        "https://127.0.0.1/hook",
        "https://127.1/hook",
        "https://2130706433/hook",
        "https://10.1.2.3/hook",
        "https://172.16.0.1/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/hook",
        "https://0.0.0.0/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[fe80::1]/hook",
        "https://[fd00::1]/hook",
        "https://localhost/hook",
        "https://metadata.google.internal/computeMetadata/v1/",
    ] {
        let payload = register(&app, &admin_token(), json!({ "name": "SSRF", "url": url })).await;
        let code = payload["userErrors"][0]["code"]
            .as_str()
            .unwrap_or_default();
        assert!(
            code == "FORBIDDEN_TARGET" || code == "INSECURE_URL",
            "{url}: {payload}"
        );
    }
    let db = app.db().await;
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM webhook").await, 0);
}

/// A name re-pointed at an internal address after registration is refused when the
/// delivery resolves it: here the stored URL is an internal address outright.
async fn a_stored_internal_target_is_refused_at_delivery(app: TestApp) {
    let receiver = Receiver::start().await;
    let (id, _) = {
        let payload = register(
            &app,
            &admin_token(),
            json!({ "name": "Public", "url": "https://hooks.example.org/cemr", "recordTypes": ["ActionPlan"] }),
        )
        .await;
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        (
            payload["webhook"]["id"].as_str().expect("id").to_owned(),
            (),
        )
    };
    let db = app.db().await;
    use sea_orm::ConnectionTrait;
    db.execute_unprepared(&format!("UPDATE webhook SET url = '{}'", receiver.url))
        .await
        .expect("re-point");
    create_plan(&app, "1480", "Not for internal targets").await;
    let mut hook = Value::Null;
    for _ in 0..200 {
        hook = listed(&app, &id).await;
        if !hook["lastError"].is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        hook["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("not a public address")),
        "{hook}"
    );
    assert!(
        receiver.all().is_empty(),
        "the internal endpoint was contacted"
    );
}

/// Two replicas over one PostgreSQL database: every event reaches the endpoint once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_replicas_deliver_each_event_once() {
    if postgres_url().is_none() {
        return;
    }
    let a = spawn_app_with(Backend::Postgres, local).await;
    let b = spawn_replica(&a, local).await;
    let receiver = Receiver::start().await;
    for n in 0..3 {
        registered(
            &a,
            &admin_token(),
            json!({ "name": format!("Hook {n}"), "url": receiver.url, "recordTypes": ["ActionPlan"] }),
        )
        .await;
    }
    let client = reqwest::Client::new();
    let writes = 15;
    for n in 0..writes {
        // Alternate replicas, so both learn of changes first.
        let address = if n % 2 == 0 { &a.address } else { &b.address };
        let body: Value = client
            .post(format!("{address}/graphql"))
            .bearer_auth(admin_token())
            .json(&json!({ "query": CREATE_PLAN, "variables": { "org": "1480", "title": format!("Plan {n}") } }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON");
        assert_eq!(
            body["data"]["createActionPlan"]["userErrors"],
            json!([]),
            "{body}"
        );
    }
    let expected = 3 * writes;
    receiver
        .wait_until("every event at every endpoint", |r| r.len() >= expected)
        .await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let all = receiver.all();
    let ids: HashSet<&str> = all
        .iter()
        .map(|r| r.headers["webhook-id"].as_str())
        .collect();
    assert_eq!(ids.len(), expected, "distinct events");
    assert_eq!(all.len(), expected, "no event twice");
    b.shutdown.begin().await;
}
