//! Identity: forged tokens are refused (never a 500), identity providers' keys are used
//! only from configuration, logins work until an account is disabled, and API tokens act
//! for their organisation until revoked.

use crate::fixtures;
use crate::helpers::{Backend, TEST_SECRET, TestApp, admin_token, on_both_engines, spawn_app_with};
use cemr_api::auth::keys::Keys;
use cemr_api::config::{AuthSettings, Environment};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};
use std::path::PathBuf;

on_both_engines!(
    login_works_until_the_account_is_disabled,
    api_tokens_act_for_their_organisation_until_revoked,
);

const ME: &str = "{ me { sub role organisation { code } } }";

fn key_file(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys")).join(name)
}

fn read_key(name: &str) -> Vec<u8> {
    std::fs::read(key_file(name)).expect("test key")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(extra: Value) -> Value {
    let mut base = json!({ "sub": "idp:alice", "role": "ADMIN", "exp": now() + 600, "iat": now(),
        "iss": "https://idp.example", "aud": "cemr-api" });
    if let (Value::Object(base), Value::Object(extra)) = (&mut base, extra) {
        for (k, v) in extra {
            base.insert(k, v);
        }
    }
    base
}

fn hs(secret: &[u8], claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

fn rs(claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(&read_key("rsa_private.pem")).expect("rsa key");
    encode(&Header::new(Algorithm::RS256), claims, &key).expect("sign")
}

fn es(claims: &Value, kid: Option<&str>) -> String {
    let key = EncodingKey::from_ec_pem(&read_key("ec_private.pem")).expect("ec key");
    let mut header = Header::new(Algorithm::ES256);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, &key).expect("sign")
}

fn b64(value: &Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

/// An app that accepts its HS256 secret and an identity provider's RSA key, with issuer
/// and audience required.
async fn idp_app() -> TestApp {
    spawn_app_with(Backend::Sqlite, |settings| {
        settings.auth.jwt_public_key_file = Some(key_file("rsa_public.pem"));
        settings.auth.jwt_issuer = Some("https://idp.example".into());
        settings.auth.jwt_audience = Some("cemr-api".into());
    })
    .await
}

async fn status_and_code(app: &TestApp, bearer: &str) -> (u16, Value) {
    let (status, body) = app.graphql_as(Some(bearer), ME, json!({})).await;
    (status, body["errors"][0]["extensions"]["code"].clone())
}

#[tokio::test]
async fn forged_and_invalid_tokens_are_refused_never_a_500() {
    let app = idp_app().await;
    let valid = rs(&claims(json!({})));
    let (status, body) = app.graphql_as(Some(&valid), ME, json!({})).await;
    assert_eq!(status, 200, "a genuine RS256 token works: {body}");
    assert_eq!(body["data"]["me"]["sub"], "idp:alice");

    let public_pem = read_key("rsa_public.pem");
    let forged: Vec<(&str, String)> = vec![
        (
            "alg none",
            format!(
                "{}.{}.",
                b64(&json!({ "alg": "none", "typ": "JWT" })),
                b64(&claims(json!({})))
            ),
        ),
        (
            "wrong HS256 key",
            hs(
                b"another-secret-another-secret-another-secret",
                &claims(json!({})),
            ),
        ),
        (
            "HS256 signed with the RSA public key",
            hs(&public_pem, &claims(json!({}))),
        ),
        ("expired", rs(&claims(json!({ "exp": now() - 3600 })))),
        ("not yet valid", rs(&claims(json!({ "nbf": now() + 3600 })))),
        (
            "wrong issuer",
            rs(&claims(json!({ "iss": "https://evil.example" }))),
        ),
        (
            "wrong audience",
            rs(&claims(json!({ "aud": "someone-else" }))),
        ),
        (
            "no audience",
            rs(
                &json!({ "sub": "idp:alice", "role": "ADMIN", "exp": now() + 600, "iss": "https://idp.example" }),
            ),
        ),
        (
            "no exp",
            rs(
                &json!({ "sub": "idp:alice", "role": "ADMIN", "iss": "https://idp.example", "aud": "cemr-api" }),
            ),
        ),
        (
            "exp as a string",
            rs(&claims(json!({ "exp": (now() + 600).to_string() }))),
        ),
        ("unknown role", rs(&claims(json!({ "role": "SUPERUSER" })))),
        (
            "member without organisation",
            rs(&claims(json!({ "role": "MEMBER" }))),
        ),
        (
            "member of an unknown organisation",
            rs(&claims(json!({ "role": "MEMBER", "org": "9999" }))),
        ),
        (
            "ES256 where no EC key is configured",
            es(&claims(json!({})), None),
        ),
        ("garbage", "not-a-token".to_owned()),
        ("three garbage parts", "a.b.c".to_owned()),
        (
            "unknown API token",
            "cemr_doesnotexistdoesnotexistdoesnotexist".to_owned(),
        ),
    ];
    for (what, token) in forged {
        let (status, code) = status_and_code(&app, &token).await;
        assert_eq!((status, code), (401, json!("UNAUTHENTICATED")), "{what}");
    }
    let basic = app
        .client
        .post(app.url("/graphql"))
        .header("authorization", "Basic YWxpY2U6c2VjcmV0")
        .json(&json!({ "query": ME }))
        .send()
        .await
        .expect("request");
    assert_eq!(basic.status(), 401);
    assert!(basic.headers().contains_key("www-authenticate"));
}

#[tokio::test]
async fn a_jwks_key_is_chosen_by_kid_from_the_configured_set_only() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.auth.jwt_jwks_file = Some(key_file("jwks.json"));
    })
    .await;
    let good = es(
        &json!({ "sub": "idp:bob", "role": "RESEARCHER", "exp": now() + 600 }),
        Some("k1"),
    );
    let (status, body) = app.graphql_as(Some(&good), ME, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["me"]["role"], "RESEARCHER");
    let unknown_kid = es(
        &json!({ "sub": "idp:bob", "role": "ADMIN", "exp": now() + 600 }),
        Some("elsewhere"),
    );
    assert_eq!(
        status_and_code(&app, &unknown_kid).await,
        (401, json!("UNAUTHENTICATED"))
    );
    // The HS256 test secret still works beside the JWKS.
    let hs256 = hs(
        TEST_SECRET.as_bytes(),
        &json!({ "sub": "x", "role": "ADMIN", "exp": now() + 600 }),
    );
    assert_eq!(app.graphql_as(Some(&hs256), ME, json!({})).await.0, 200);
}

#[test]
fn weak_or_missing_secrets_refuse_to_start() {
    let weak = AuthSettings::with_secret("short");
    let error = Keys::from_settings(&weak)
        .err()
        .expect("a weak secret is refused");
    assert!(error.to_string().contains("too weak"), "{error}");
    let mut missing = AuthSettings::with_secret("x");
    missing.jwt_secret = None;
    missing.environment = Environment::Production;
    let error = Keys::from_settings(&missing)
        .err()
        .expect("production needs a key");
    assert!(error.to_string().contains("JWT_SECRET"), "{error}");
    missing.environment = Environment::Development;
    assert!(
        Keys::from_settings(&missing).is_ok(),
        "development generates a throw-away secret"
    );
}

async fn login_works_until_the_account_is_disabled(app: TestApp) {
    let db = app.db().await;
    let account = fixtures::account(
        &db,
        "strateg@kramfors.se",
        "a long enough password",
        "MEMBER",
        Some("2282"),
    )
    .await;
    let login = r#"mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken tokenType account { email } } }"#;
    let (_, body) = app
        .graphql_as(
            None,
            login,
            json!({ "email": "Strateg@Kramfors.se", "password": "a long enough password" }),
        )
        .await;
    let token = body["data"]["login"]["accessToken"]
        .as_str()
        .expect("a token")
        .to_owned();
    let (status, me) = app.graphql_as(Some(&token), ME, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        me["data"]["me"],
        json!({ "sub": format!("account:{}", account.id), "role": "MEMBER", "organisation": { "code": "2282" } })
    );

    let wrong_password = app
        .graphql_as(
            None,
            login,
            json!({ "email": "strateg@kramfors.se", "password": "wrong" }),
        )
        .await
        .1;
    let unknown_email = app
        .graphql_as(
            None,
            login,
            json!({ "email": "nobody@kramfors.se", "password": "wrong" }),
        )
        .await
        .1;
    for body in [&wrong_password, &unknown_email] {
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    }
    assert_eq!(
        wrong_password["errors"][0]["message"], unknown_email["errors"][0]["message"],
        "no hint whether the email exists"
    );

    let (_, body) = app
        .graphql_as(
            Some(&admin_token()),
            r#"mutation($id: ID!) { updateAccount(id: $id, version: 1, role: MEMBER, organisationCode: "2282", disabled: true) { account { disabled } userErrors { code } } }"#,
            json!({ "id": cemr_api::graphql::ids::encode("Account", account.id) }),
        )
        .await;
    assert_eq!(
        body["data"]["updateAccount"]["account"]["disabled"], true,
        "{body}"
    );
    assert_eq!(
        status_and_code(&app, &token).await,
        (401, json!("UNAUTHENTICATED")),
        "a disabled account's token stops at once"
    );
    let (_, body) = app
        .graphql_as(
            None,
            login,
            json!({ "email": "strateg@kramfors.se", "password": "a long enough password" }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

async fn api_tokens_act_for_their_organisation_until_revoked(app: TestApp) {
    let db = app.db().await;
    let (_, body) = app
        .graphql_as(
            Some(&crate::helpers::member_token("2282")),
            r#"mutation { createApiToken(name: "ärendesystem", canWrite: true) { token apiToken { id prefix role scopes organisation { code } } userErrors { code } } }"#,
            json!({}),
        )
        .await;
    let created = &body["data"]["createApiToken"];
    let token = created["token"].as_str().expect("shown once").to_owned();
    assert!(token.starts_with(created["apiToken"]["prefix"].as_str().unwrap_or("?")));
    assert_eq!(created["apiToken"]["organisation"]["code"], "2282");
    assert_eq!(created["apiToken"]["scopes"], json!(["READ", "WRITE"]));

    let plan = r#"mutation($org: String!) { createActionPlan(organisationCode: $org, facts: { title: "Plan" }) { actionPlan { id } userErrors { code } } }"#;
    let (_, body) = app
        .graphql_as(Some(&token), plan, json!({ "org": "2282" }))
        .await;
    assert_eq!(
        body["data"]["createActionPlan"]["userErrors"],
        json!([]),
        "{body}"
    );
    let (_, body) = app
        .graphql_as(Some(&token), plan, json!({ "org": "0180" }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");

    let (read_only, _) = fixtures::api_token(&db, Some("2282"), "MEMBER", false).await;
    let (_, body) = app
        .graphql_as(Some(&read_only), plan, json!({ "org": "2282" }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "a read-only token cannot write"
    );

    let (_, listed) = app
        .graphql_as(
            Some(&admin_token()),
            "{ apiTokens { id lastUsedAt revokedAt } }",
            json!({}),
        )
        .await;
    let listed = listed["data"]["apiTokens"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mine = listed
        .iter()
        .find(|t| t["id"] == created["apiToken"]["id"])
        .expect("listed");
    assert!(mine["lastUsedAt"].is_string(), "last use is recorded");

    let (_, body) = app
        .graphql_as(
            Some(&crate::helpers::member_token("2282")),
            r#"mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { revokedAt } } }"#,
            json!({ "id": created["apiToken"]["id"] }),
        )
        .await;
    assert!(
        body["data"]["revokeApiToken"]["apiToken"]["revokedAt"].is_string(),
        "{body}"
    );
    assert_eq!(
        status_and_code(&app, &token).await,
        (401, json!("UNAUTHENTICATED")),
        "a revoked token stops at once"
    );
}
