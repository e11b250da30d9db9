//! One whole user flow, as the README tells it: bootstrap an administrator on the command
//! line, log in, create a member account, the member logs in and creates an API token
//! for its regional system, the system imports action plans over REST, and they are read
//! back over GraphQL and REST and found in the audit log, attributed to that token.

use crate::helpers::{TestApp, on_both_engines};
use crate::process::run;
use serde_json::{Value, json};

on_both_engines!(from_first_administrator_to_imported_plans_in_the_audit_log);

const ADMIN_PASSWORD: &str = "korrekt häst batteri häftklammer";
const MEMBER_PASSWORD: &str = "örebro jämställdhet tjugotjugofyra";

async fn log_in(app: &TestApp, email: &str, password: &str) -> String {
    let data = app
        .data(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken tokenType } }",
            json!({ "e": email, "p": password }),
        )
        .await;
    assert_eq!(data["login"]["tokenType"], "Bearer");
    data["login"]["accessToken"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// A GraphQL request as `bearer`, asserting it succeeded without errors.
async fn as_user(app: &TestApp, bearer: &str, query: &str, variables: Value) -> Value {
    let (status, body) = app.graphql_as(Some(bearer), query, variables).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

async fn from_first_administrator_to_imported_plans_in_the_audit_log(app: TestApp) {
    // 1. The operator bootstraps the first administrator.
    let bootstrap = run(
        &[
            "user",
            "create",
            "--role",
            "admin",
            "--email",
            "jamstalldhet@skr.se",
        ],
        &[
            ("DATABASE_URL", &app.database_url),
            ("CEMR_USER_PASSWORD", ADMIN_PASSWORD),
        ],
    )
    .await;
    assert!(bootstrap.status.success(), "{}", bootstrap.stderr);

    // 2. The administrator logs in and creates an account for Örebro's strategist.
    let admin = log_in(&app, "jamstalldhet@skr.se", ADMIN_PASSWORD).await;
    let created = as_user(
        &app,
        &admin,
        "mutation($e: String!, $p: String!) { createAccount(email: $e, password: $p, role: MEMBER, organisationCode: \"1880\") { account { id email } userErrors { code } } }",
        json!({ "e": "strateg@orebro.se", "p": MEMBER_PASSWORD }),
    )
    .await;
    assert_eq!(created["createAccount"]["userErrors"], json!([]));

    // 3. The member logs in and creates a writing API token for the regional system.
    let member = log_in(&app, "strateg@orebro.se", MEMBER_PASSWORD).await;
    let issued = as_user(
        &app,
        &member,
        "mutation { createApiToken(name: \"Ärendesystemet\", canWrite: true) { token apiToken { id } userErrors { code } } }",
        json!({}),
    )
    .await;
    assert_eq!(issued["createApiToken"]["userErrors"], json!([]));
    let api_token = issued["createApiToken"]["token"]
        .as_str()
        .expect("the token, shown once")
        .to_owned();
    assert!(api_token.starts_with("cemr_"));

    // 4. The system imports its action plans: Swedish Excel CSV, BOM and semicolons.
    let csv = "\u{feff}organisation_code;title;adopted_on;decision_body;period_start_year;period_end_year;priorities;article_numbers\r\n\
               1880;Jämställdhetsplan 2024–2027;2024-02-12;KOMMUNFULLMAKTIGE;2024;2027;Jämställd service;1|9|22\r\n\
               1880;Plan för jämställd rekrytering;2024-05-06;KOMMUNSTYRELSE;2024;2026;Rekrytering;11\r\n";
    let response = app
        .client
        .post(app.url("/api/v1/imports/action-plans"))
        .bearer_auth(&api_token)
        .header("content-type", "text/csv; charset=utf-8")
        .header("idempotency-key", "orebro-2024-05")
        .body(csv)
        .send()
        .await
        .expect("import");
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .expect("a request id")
        .to_owned();
    let report: Value = response.json().await.expect("report");
    assert_eq!(report["dry_run"], false, "{report}");

    // 5. Anyone reads them back over GraphQL, with their articles.
    let read = app
        .data(
            "{ organisation(code: \"1880\") { actionPlans { title adoptedOn articles { number } } } }",
            json!({}),
        )
        .await;
    let mut plans: Vec<(String, String, Vec<i64>)> = read["organisation"]["actionPlans"]
        .as_array()
        .expect("plans")
        .iter()
        .map(|p| {
            let numbers = p["articles"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x["number"].as_i64()).collect())
                .unwrap_or_default();
            (
                p["title"].as_str().unwrap_or_default().to_owned(),
                p["adoptedOn"].as_str().unwrap_or_default().to_owned(),
                numbers,
            )
        })
        .collect();
    plans.sort();
    assert_eq!(
        plans,
        vec![
            (
                "Jämställdhetsplan 2024–2027".into(),
                "2024-02-12".into(),
                vec![1, 9, 22]
            ),
            (
                "Plan för jämställd rekrytering".into(),
                "2024-05-06".into(),
                vec![11]
            ),
        ]
    );
    // And over REST, as the system syncs.
    let listed: Value = app
        .client
        .get(app.url("/api/v1/action-plans?organisation=1880"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["count"], 2, "{listed}");

    // 6. The administrator finds every step in the audit log, attributed.
    let audit = as_user(
        &app,
        &admin,
        "{ auditLog(first: 100) { totalCount edges { node { actorSub actorRole actorOrganisationCode credential action recordType after requestId } } } }",
        json!({}),
    )
    .await;
    let entries: Vec<&Value> = audit["auditLog"]["edges"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| &e["node"])
        .collect();
    let by_credential = |credential: &str| {
        entries
            .iter()
            .filter(|e| e["credential"] == credential)
            .collect::<Vec<_>>()
    };
    let bootstrap_entries = by_credential("COMMAND_LINE");
    assert_eq!(bootstrap_entries.len(), 1, "{entries:?}");
    assert_eq!(bootstrap_entries[0]["actorSub"], "command-line");
    let imported: Vec<_> = by_credential("API_TOKEN")
        .into_iter()
        .filter(|e| e["recordType"] == "ActionPlan")
        .collect();
    assert_eq!(imported.len(), 2, "{entries:?}");
    let mut titles = Vec::new();
    for entry in imported {
        assert!(
            entry["actorSub"]
                .as_str()
                .is_some_and(|s| s.starts_with("token:")),
            "{entry}"
        );
        assert_eq!(entry["actorRole"], "MEMBER");
        assert_eq!(entry["actorOrganisationCode"], "1880");
        assert_eq!(entry["requestId"], request_id.as_str());
        let after: Value =
            serde_json::from_str(entry["after"].as_str().unwrap_or("null")).expect("JSON");
        titles.push(after["title"].as_str().unwrap_or_default().to_owned());
    }
    titles.sort();
    assert_eq!(
        titles,
        [
            "Jämställdhetsplan 2024–2027",
            "Plan för jämställd rekrytering"
        ]
    );
    let by_accounts: Vec<_> = by_credential("JWT");
    assert!(
        by_accounts
            .iter()
            .any(|e| e["recordType"] == "Account" && e["actorRole"] == "ADMIN"),
        "the member's account creation is not in the log: {entries:?}"
    );
    assert!(
        by_accounts
            .iter()
            .any(|e| e["recordType"] == "ApiToken" && e["actorOrganisationCode"] == "1880"),
        "the token's creation is not in the log: {entries:?}"
    );

    // The member may not read the audit log.
    let (_, refused) = app
        .graphql_as(
            Some(&member),
            "{ auditLog(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
}
