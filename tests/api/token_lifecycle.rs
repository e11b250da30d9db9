//! Credentials have a lifecycle the API honours everywhere: a disabled account's API
//! tokens stop and start again only when an administrator resumes them, tokens can
//! expire, and a bad token (invalid, revoked, expired, suspended) is a 401 on REST, public
//! reads included, exactly as on GraphQL. A member token names its organisation exactly.

use crate::fixtures;
use crate::helpers::{TestApp, admin_token, logged_in, member_token, on_both_engines, token};
use cemr_api::graphql::ids;
use serde_json::{Value, json};

on_both_engines!(
    a_disabled_accounts_tokens_stop_until_an_administrator_resumes_them,
    a_bad_token_is_401_on_public_rest_reads_as_on_graphql,
    tokens_can_expire,
    a_member_token_names_its_organisation_exactly,
);

const PASSWORD: &str = "a long enough password";

/// The status of a public REST read and of a public GraphQL query with this bearer,
/// and the codes they answered.
async fn public_reads(app: &TestApp, bearer: &str) -> (u16, Value, u16, Value) {
    let rest = app
        .client
        .get(app.url("/api/v1/counties"))
        .bearer_auth(bearer)
        .send()
        .await
        .expect("request");
    let rest_status = rest.status().as_u16();
    assert_eq!(
        rest.headers().get("www-authenticate").is_some(),
        rest_status == 401,
        "a 401 says how to authenticate"
    );
    let rest_body: Value = rest.json().await.unwrap_or(Value::Null);
    let (graphql_status, graphql_body) = app
        .graphql_as(Some(bearer), "{ counties { code } }", json!({}))
        .await;
    (
        rest_status,
        rest_body["code"].clone(),
        graphql_status,
        graphql_body["errors"][0]["extensions"]["code"].clone(),
    )
}

fn refused() -> (u16, Value, u16, Value) {
    (401, json!("UNAUTHENTICATED"), 401, json!("UNAUTHENTICATED"))
}

async fn a_disabled_accounts_tokens_stop_until_an_administrator_resumes_them(app: TestApp) {
    let db = app.db().await;
    let account =
        fixtures::account(&db, "strateg@kramfors.se", PASSWORD, "MEMBER", Some("2282")).await;
    let session = logged_in(&app, "strateg@kramfors.se", PASSWORD).await;
    let (_, body) = app
        .graphql_as(
            Some(&session),
            r#"mutation { createApiToken(name: "ärendesystem", canWrite: true) { token apiToken { id } } }"#,
            json!({}),
        )
        .await;
    let api_token = body["data"]["createApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let token_id = body["data"]["createApiToken"]["apiToken"]["id"].clone();
    let plan = r#"mutation { createActionPlan(organisationCode: "2282", facts: { title: "Plan" }) { userErrors { code } } }"#;
    let (status, _) = app.graphql_as(Some(&api_token), plan, json!({})).await;
    assert_eq!(status, 200, "the token writes while its account is enabled");

    let update = r#"mutation($id: ID!, $version: Int!, $disabled: Boolean!) {
      updateAccount(id: $id, version: $version, role: MEMBER, organisationCode: "2282", disabled: $disabled) { account { version } userErrors { code } } }"#;
    let id = ids::encode("Account", account.id);
    let (_, body) = app
        .graphql_as(
            Some(&admin_token()),
            update,
            json!({ "id": id, "version": 1, "disabled": true }),
        )
        .await;
    let version = body["data"]["updateAccount"]["account"]["version"]
        .as_i64()
        .expect("updated");
    assert_eq!(
        public_reads(&app, &api_token).await,
        refused(),
        "suspended with the account"
    );
    let (_, body) = app.graphql_as(Some(&api_token), plan, json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");

    app.graphql_as(
        Some(&admin_token()),
        update,
        json!({ "id": id, "version": version, "disabled": false }),
    )
    .await;
    assert_eq!(
        public_reads(&app, &api_token).await,
        refused(),
        "re-enabling the account does not restart its tokens"
    );
    let listed = r#"{ apiTokens { id suspendedAt active } }"#;
    let (_, body) = app
        .graphql_as(Some(&admin_token()), listed, json!({}))
        .await;
    assert_eq!(body["data"]["apiTokens"][0]["active"], false, "{body}");
    assert!(body["data"]["apiTokens"][0]["suspendedAt"].is_string());

    let resume = r#"mutation($id: ID!) { resumeApiToken(id: $id) { apiToken { suspendedAt active } userErrors { code } } }"#;
    let (_, body) = app
        .graphql_as(
            Some(&member_token("2282")),
            resume,
            json!({ "id": token_id }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let (_, body) = app
        .graphql_as(Some(&admin_token()), resume, json!({ "id": token_id }))
        .await;
    assert_eq!(
        body["data"]["resumeApiToken"]["apiToken"]["active"], true,
        "{body}"
    );
    let (status, body) = app.graphql_as(Some(&api_token), plan, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = app
        .graphql_as(
            Some(&admin_token()),
            r#"{ auditLog(filter: { recordType: "ApiToken" }) { edges { node { action } } } }"#,
            json!({}),
        )
        .await;
    let actions: Vec<&str> = body["data"]["auditLog"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|e| e["node"]["action"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        actions,
        ["api_token.resume", "api_token.suspend", "api_token.create"]
    );
}

async fn a_bad_token_is_401_on_public_rest_reads_as_on_graphql(app: TestApp) {
    let db = app.db().await;
    let (good, record) = fixtures::api_token(&db, Some("2282"), "MEMBER", false).await;
    assert_eq!(
        public_reads(&app, &good).await,
        (200, Value::Null, 200, Value::Null)
    );
    let (revoked, revoked_record) = fixtures::api_token(&db, Some("2282"), "MEMBER", false).await;
    let (_, body) = app
        .graphql_as(
            Some(&admin_token()),
            r#"mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { revokedAt } } }"#,
            json!({ "id": ids::encode("ApiToken", revoked_record.id) }),
        )
        .await;
    assert!(body["data"]["revokeApiToken"]["apiToken"]["revokedAt"].is_string());
    let (expired, _) = fixtures::expired_api_token(&db, Some("2282")).await;
    let now = chrono::Utc::now().timestamp();
    let expired_jwt = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({ "sub": "x", "role": "ADMIN", "exp": now - 3600, "iat": now - 7200 }),
        &jsonwebtoken::EncodingKey::from_secret(crate::helpers::TEST_SECRET.as_bytes()),
    )
    .expect("sign");
    let unknown = cemr_api::auth::api_tokens::generate().expect("token");
    for (what, bearer) in [
        ("revoked", revoked.as_str()),
        ("expired", expired.as_str()),
        ("expired JWT", expired_jwt.as_str()),
        ("unknown API token", unknown.as_str()),
        ("garbage", "not-a-token"),
    ] {
        assert_eq!(public_reads(&app, bearer).await, refused(), "{what}");
    }
    assert_eq!(record.revoked_at, None);
}

async fn tokens_can_expire(app: TestApp) {
    let expires_at = chrono::Utc::now() + chrono::Duration::seconds(5);
    let (_, body) = app
        .graphql_as(
            Some(&member_token("2282")),
            r#"mutation($at: DateTime) { createApiToken(name: "kort", expiresAt: $at) { token apiToken { expiresAt active } } }"#,
            json!({ "at": expires_at.to_rfc3339() }),
        )
        .await;
    let created = &body["data"]["createApiToken"];
    assert_eq!(created["apiToken"]["active"], true, "{body}");
    let token = created["token"].as_str().expect("token").to_owned();
    assert_eq!(public_reads(&app, &token).await.0, 200);
    tokio::time::sleep(std::time::Duration::from_millis(5500)).await;
    assert_eq!(public_reads(&app, &token).await, refused());
    let (_, body) = app
        .graphql_as(
            Some(&admin_token()),
            "{ apiTokens { active lastUsedAt } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["apiTokens"][0]["active"], false);
    assert!(
        body["data"]["apiTokens"][0]["lastUsedAt"].is_string(),
        "last use is listed"
    );
}

async fn a_member_token_names_its_organisation_exactly(app: TestApp) {
    for (org, expected) in [
        ("2282", 200),
        ("25", 200),
        (" 2282 ", 401),
        ("2282 ", 401),
        ("0025", 401),
        ("2282\u{0}", 401),
        ("09", 401),
    ] {
        let (status, body) = app
            .graphql_as(
                Some(&token("MEMBER", Some(org))),
                "{ me { organisation { code } } }",
                json!({}),
            )
            .await;
        assert_eq!(status, expected, "org {org:?}: {body}");
    }
}
