//! Password guessing is throttled per account and per client address in the database,
//! so every replica applies the same counters: at most one `login` runs per request,
//! the eleventh failure for an email is held back from any address (whether or not the
//! account exists), concurrent guesses cannot slip past the limit together, a known
//! device and an administrator's lift get the owner back in, and every attempt that
//! checked a password is audited and counted.

use crate::fixtures;
use crate::helpers::{TestApp, admin_token, on_both_engines, on_both_engines_with};
use cemr_api::config::Settings;
use cemr_api::graphql::ids;
use serde_json::{Value, json};

on_both_engines!(a_request_runs_at_most_one_login);
on_both_engines_with!(
    super::behind_a_proxy;
    the_eleventh_failure_for_an_email_is_throttled_from_any_address,
    concurrent_guesses_cannot_pass_the_limit_together,
    a_known_device_and_an_administrator_get_the_owner_back_in,
    logins_are_audited_and_counted,
);

const PASSWORD: &str = "a long enough password";

const LOGIN: &str = r#"mutation($email: String!, $password: String!, $device: String) {
  login(email: $email, password: $password, deviceToken: $device) { accessToken deviceToken } }"#;

/// The apps see clients by `X-Forwarded-For`, so one test can play many addresses.
fn behind_a_proxy(settings: &mut Settings) {
    settings.http.trust_forwarded_for = true;
}

/// A login from the given address: the HTTP status and the body.
async fn login_from(
    app: &TestApp,
    address: &str,
    email: &str,
    password: &str,
    device: Option<&str>,
) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("x-forwarded-for", address)
        .json(&json!({ "query": LOGIN, "variables": { "email": email, "password": password, "device": device } }))
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("none")
}

async fn member(app: &TestApp, email: &str) -> entity::account::Model {
    fixtures::account(&app.db().await, email, PASSWORD, "MEMBER", Some("2282")).await
}

async fn audit_actions(app: &TestApp, account_id: i32) -> Vec<String> {
    let (_, body) = app
        .graphql_as(
            Some(&admin_token()),
            r#"query($id: String!) { auditLog(filter: { recordType: "Account", recordId: $id }, first: 100) { edges { node { action } } } }"#,
            json!({ "id": account_id.to_string() }),
        )
        .await;
    body["data"]["auditLog"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e["node"]["action"].as_str().map(str::to_owned))
        .collect()
}

async fn a_request_runs_at_most_one_login(app: TestApp) {
    let account = member(&app, "strateg@kramfors.se").await;
    // 10 batched operations of 20 aliased logins: 200 guesses in one request.
    let aliases: String = (0..20)
        .map(|i| {
            format!(r#"l{i}: login(email: "strateg@kramfors.se", password: "guess{i}") {{ accessToken }} "#)
        })
        .collect();
    let operation = json!({ "query": format!("mutation {{ {aliases} }}") });
    let batch = Value::Array(vec![operation.clone(); 10]);
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&batch)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "LOGIN_LIMIT_EXCEEDED", "{body}");

    let (_, body) = app
        .graphql_as(
            None,
            operation["query"].as_str().unwrap_or_default(),
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "LOGIN_LIMIT_EXCEEDED", "aliases alone: {body}");

    // Two operations of one login each, and a login hidden in a fragment.
    let single = json!({ "query": r#"mutation { login(email: "strateg@kramfors.se", password: "x") { accessToken } }"# });
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([single, single]))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    let fragment = r#"mutation { login(email: "a@b.se", password: "x") { accessToken } ...F }
        fragment F on Mutation { again: login(email: "a@b.se", password: "y") { accessToken } }"#;
    let (_, body) = app.graphql_as(None, fragment, json!({})).await;
    assert_eq!(code(&body), "LOGIN_LIMIT_EXCEEDED", "{body}");

    assert!(
        audit_actions(&app, account.id).await.is_empty(),
        "no password was checked"
    );
    // One login per request still works.
    let (_, body) = login_from(&app, "192.0.2.1", "strateg@kramfors.se", PASSWORD, None).await;
    assert!(body["data"]["login"]["accessToken"].is_string(), "{body}");
}

async fn the_eleventh_failure_for_an_email_is_throttled_from_any_address(app: TestApp) {
    member(&app, "strateg@kramfors.se").await;
    for email in ["strateg@kramfors.se", "nobody@kramfors.se"] {
        for i in 0..10 {
            let (_, body) =
                login_from(&app, &format!("198.51.100.{i}"), email, "wrong", None).await;
            assert_eq!(
                code(&body),
                "UNAUTHENTICATED",
                "attempt {} for {email}: {body}",
                i + 1
            );
        }
        let (status, body) = login_from(&app, "203.0.113.50", email, "wrong", None).await;
        assert_eq!(status, 200);
        assert_eq!(code(&body), "LOGIN_THROTTLED", "{email}: {body}");
        let wait = body["errors"][0]["extensions"]["retryAfter"]
            .as_i64()
            .unwrap_or(0);
        assert!((1..=30).contains(&wait), "a short first back-off: {wait}");
    }
    // Held back, the right password is not even checked; another email is unaffected.
    let (_, body) = login_from(&app, "203.0.113.51", "strateg@kramfors.se", PASSWORD, None).await;
    assert_eq!(code(&body), "LOGIN_THROTTLED", "{body}");
    let (_, body) = login_from(&app, "203.0.113.52", "other@kramfors.se", "wrong", None).await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
}

async fn concurrent_guesses_cannot_pass_the_limit_together(app: TestApp) {
    member(&app, "strateg@kramfors.se").await;
    let attempts = (0..30).map(|i| {
        let app = &app;
        async move {
            login_from(
                app,
                &format!("198.51.100.{i}"),
                "strateg@kramfors.se",
                "wrong",
                None,
            )
            .await
        }
    });
    let results = async_graphql::futures_util::future::join_all(attempts).await;
    let checked = results
        .iter()
        .filter(|(_, body)| code(body) == "UNAUTHENTICATED")
        .count();
    let throttled = results
        .iter()
        .filter(|(_, body)| code(body) == "LOGIN_THROTTLED")
        .count();
    assert_eq!(checked + throttled, 30, "{results:?}");
    assert!(checked <= 10, "{checked} guesses were checked");
}

async fn a_known_device_and_an_administrator_get_the_owner_back_in(app: TestApp) {
    let account = member(&app, "strateg@kramfors.se").await;
    let (_, body) = login_from(&app, "192.0.2.10", "strateg@kramfors.se", PASSWORD, None).await;
    let device = body["data"]["login"]["deviceToken"]
        .as_str()
        .expect("a device token at the first login")
        .to_owned();
    for i in 0..12 {
        login_from(
            &app,
            &format!("198.51.100.{i}"),
            "strateg@kramfors.se",
            "wrong",
            None,
        )
        .await;
    }
    let (_, body) = login_from(&app, "192.0.2.11", "strateg@kramfors.se", PASSWORD, None).await;
    assert_eq!(code(&body), "LOGIN_THROTTLED", "{body}");

    // The owner's device is not held back by the guessing, and gets no new token.
    let (_, body) = login_from(
        &app,
        "192.0.2.10",
        "strateg@kramfors.se",
        PASSWORD,
        Some(&device),
    )
    .await;
    assert!(body["data"]["login"]["accessToken"].is_string(), "{body}");
    assert!(body["data"]["login"]["deviceToken"].is_null());
    // A device token proves nothing for another account.
    let (_, body) = login_from(
        &app,
        "192.0.2.12",
        "nobody@kramfors.se",
        "wrong",
        Some(&device),
    )
    .await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");

    let accounts = r#"{ accounts(first: 10) { edges { node { email loginBlockedUntil } } } }"#;
    let (_, body) = app
        .graphql_as(Some(&admin_token()), accounts, json!({}))
        .await;
    assert!(
        body["data"]["accounts"]["edges"][0]["node"]["loginBlockedUntil"].is_string(),
        "{body}"
    );
    let lift = r#"mutation($id: ID!) { liftLoginBlock(accountId: $id) { account { loginBlockedUntil } userErrors { code } } }"#;
    let id = ids::encode("Account", account.id);
    let (_, body) = app
        .graphql_as(
            Some(&crate::helpers::member_token("2282")),
            lift,
            json!({ "id": id }),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "only administrators lift: {body}");
    let (_, body) = app
        .graphql_as(Some(&admin_token()), lift, json!({ "id": id }))
        .await;
    assert_eq!(
        body["data"]["liftLoginBlock"]["account"]["loginBlockedUntil"],
        Value::Null,
        "{body}"
    );
    let (_, body) = login_from(&app, "192.0.2.13", "strateg@kramfors.se", PASSWORD, None).await;
    assert!(body["data"]["login"]["accessToken"].is_string(), "{body}");
    assert!(
        audit_actions(&app, account.id)
            .await
            .contains(&"account.lift_login_block".to_owned())
    );
}

async fn logins_are_audited_and_counted(app: TestApp) {
    let account = member(&app, "strateg@kramfors.se").await;
    let before = logins_counted(&app).await;
    login_from(&app, "192.0.2.20", "strateg@kramfors.se", "wrong", None).await;
    login_from(&app, "192.0.2.20", "nobody@kramfors.se", "wrong", None).await;
    login_from(&app, "192.0.2.20", "strateg@kramfors.se", PASSWORD, None).await;
    let actions = audit_actions(&app, account.id).await;
    assert_eq!(
        actions,
        ["account.login", "account.login_failed"],
        "newest first"
    );
    let (_, body) = app
        .graphql_as(
            Some(&admin_token()),
            r#"{ auditLog(filter: { recordType: "Account" }, first: 10) { edges { node { action actorSub recordId after } } } }"#,
            json!({}),
        )
        .await;
    let entries = body["data"]["auditLog"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let unknown = entries
        .iter()
        .find(|e| e["node"]["recordId"] == "")
        .expect("the attempt with an unknown email is audited too");
    assert_eq!(unknown["node"]["actorSub"], "anonymous");
    assert!(
        unknown["node"]["after"]
            .as_str()
            .unwrap_or_default()
            .contains("192.0.2.20")
    );
    let after = logins_counted(&app).await;
    assert!(
        after.0 > before.0 && after.1 >= before.1 + 2,
        "{before:?} → {after:?}"
    );
}

/// Successful and failed logins counted in `/metrics` (process-wide).
async fn logins_counted(app: &TestApp) -> (u64, u64) {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("text");
    let count = |outcome: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("logins_total{{outcome=\"{outcome}\"}}")))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|n| n.parse::<f64>().ok())
            .map_or(0, |n| n as u64)
    };
    (count("success"), count("failure"))
}
