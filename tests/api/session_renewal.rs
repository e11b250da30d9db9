//! A signed-in page (GraphiQL) keeps its token in memory and renews it before it expires:
//! only a login's token renews, the renewed token works and keeps the session's start, a
//! disabled account cannot renew, and no renewal reaches past the session's maximum age.

use crate::fixtures;
use crate::helpers::{TEST_SECRET, TestApp, admin_token, on_both_engines};
use cemr_api::graphql::ids;
use serde_json::{Value, json};

on_both_engines!(
    a_login_token_renews_within_its_session,
    only_a_login_token_renews,
    a_session_ends_at_its_maximum_age,
);

const RENEW: &str =
    "mutation { renewAccessToken { accessToken tokenType expiresAt sessionExpiresAt } }";

async fn log_in(app: &TestApp, email: &str) -> (String, i64) {
    let (_, body) = app
        .graphql_as(
            None,
            "mutation($e: String!) { login(email: $e, password: \"a long enough password\") { accessToken expiresAt } }",
            json!({ "e": email }),
        )
        .await;
    (
        body["data"]["login"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("no token in {body}"))
            .to_owned(),
        body["data"]["login"]["expiresAt"]
            .as_i64()
            .expect("expiresAt"),
    )
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

async fn a_login_token_renews_within_its_session(app: TestApp) {
    let db = app.db().await;
    let account = fixtures::account(
        &db,
        "strateg@kramfors.se",
        "a long enough password",
        "MEMBER",
        Some("2282"),
    )
    .await;
    let before = chrono::Utc::now().timestamp();
    let (session, _) = log_in(&app, "strateg@kramfors.se").await;
    let (status, body) = app.graphql_as(Some(&session), RENEW, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let renewed = &body["data"]["renewAccessToken"];
    assert_eq!(renewed["tokenType"], "Bearer");
    let session_end = renewed["sessionExpiresAt"].as_i64().expect("session end");
    let after = chrono::Utc::now().timestamp();
    assert!(
        (before + 12 * 3600..=after + 12 * 3600).contains(&session_end),
        "the session ends 12 hours after its login: {session_end}"
    );
    assert!(renewed["expiresAt"].as_i64().expect("expiry") <= session_end);
    let token = renewed["accessToken"].as_str().expect("token").to_owned();
    // The renewed token acts as the account: it writes for its organisation.
    let (_, body) = app
        .graphql_as(
            Some(&token),
            r#"mutation { createActionPlan(organisationCode: "2282", facts: { title: "Förnyad plan" }) { actionPlan { title } userErrors { code } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["createActionPlan"]["actionPlan"]["title"], "Förnyad plan",
        "{body}"
    );
    // It renews again, keeping the session's end.
    let (_, body) = app.graphql_as(Some(&token), RENEW, json!({})).await;
    assert_eq!(
        body["data"]["renewAccessToken"]["sessionExpiresAt"].as_i64(),
        Some(session_end),
        "{body}"
    );
    // Disabled, the account renews nothing.
    let (_, body) = app
        .graphql_as(
            Some(&admin_token()),
            "mutation($id: ID!, $v: Int!) { updateAccount(id: $id, version: $v, role: MEMBER, organisationCode: \"2282\", disabled: true) { userErrors { code } } }",
            json!({ "id": ids::encode("Account", account.id), "v": account.version }),
        )
        .await;
    assert_eq!(
        body["data"]["updateAccount"]["userErrors"],
        json!([]),
        "{body}"
    );
    let (status, body) = app.graphql_as(Some(&token), RENEW, json!({})).await;
    assert_eq!((status, code(&body)), (401, "UNAUTHENTICATED"), "{body}");
}

async fn only_a_login_token_renews(app: TestApp) {
    let (status, body) = app.graphql_as(None, RENEW, json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{status} {body}");
    assert!(body["data"].is_null() || body["data"]["renewAccessToken"].is_null());
    // An identity provider's token is not this service's session.
    let (_, body) = app.graphql_as(Some(&admin_token()), RENEW, json!({})).await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
}

async fn a_session_ends_at_its_maximum_age(app: TestApp) {
    let db = app.db().await;
    let account =
        fixtures::account(&db, "admin@skr.se", "a long enough password", "ADMIN", None).await;
    // A login token whose session began 13 hours ago, still unexpired itself.
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "sub": format!("account:{}", account.id), "role": "ADMIN",
        "iat": now - 60, "exp": now + 600, "auth_time": now - 13 * 3600,
    });
    let old = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )
    .expect("sign");
    let (_, body) = app.graphql_as(Some(&old), RENEW, json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    assert!(body["data"].is_null(), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("log in again")),
        "{body}"
    );
}
