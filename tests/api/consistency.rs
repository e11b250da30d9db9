//! A self-consistent API: whatever an input needs, a query can give (the `version` an
//! update takes, the ids a mutation names), and the connections the README promises a
//! `totalCount` have one.

use crate::helpers::{TestApp, admin_token, on_both_engines};
use serde_json::{Value, json};

on_both_engines!(
    a_participation_is_ended_with_the_version_a_query_gave,
    a_programme_is_updated_with_the_version_a_query_gave,
    every_promised_connection_counts_its_rows,
);

async fn admin(app: &TestApp, query: &str, variables: Value) -> Value {
    let (status, body) = app.graphql_as(Some(&admin_token()), query, variables).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    body["data"].clone()
}

async fn a_participation_is_ended_with_the_version_a_query_gave(app: TestApp) {
    let added = admin(
        &app,
        r#"mutation { addProgrammeParticipation(organisationCode: "1880", programmeCode: "MODELLKONCEPTET", fromYear: 2016) { userErrors { code } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(added["addProgrammeParticipation"]["userErrors"], json!([]));
    let read = "{ organisation(code: \"1880\") { programmeParticipations { id version toYear } } }";
    let listed = admin(&app, read, json!({})).await;
    let participation = &listed["organisation"]["programmeParticipations"][0];
    let end = r#"mutation($id: ID!, $v: Int!, $y: Int!) { endProgrammeParticipation(id: $id, version: $v, toYear: $y) { programmeParticipation { version toYear } userErrors { code } } }"#;
    let ended = admin(
        &app,
        end,
        json!({ "id": participation["id"], "v": participation["version"], "y": 2020 }),
    )
    .await;
    let payload = &ended["endProgrammeParticipation"];
    assert_eq!(payload["userErrors"], json!([]), "{ended}");
    assert_eq!(payload["programmeParticipation"]["toYear"], 2020);
    let after = admin(&app, read, json!({})).await;
    let now = &after["organisation"]["programmeParticipations"][0];
    assert_eq!(
        now["version"].as_i64(),
        participation["version"].as_i64().map(|v| v + 1),
        "the change is one version on"
    );
    // The version read before the change is stale now.
    let (_, stale) = app
        .graphql_as(
            Some(&admin_token()),
            end,
            json!({ "id": participation["id"], "v": participation["version"], "y": 2021 }),
        )
        .await;
    assert_eq!(
        stale["errors"][0]["extensions"]["code"], "CONFLICT",
        "{stale}"
    );
}

async fn a_programme_is_updated_with_the_version_a_query_gave(app: TestApp) {
    let read = "{ supportProgramme(code: \"MODELLKONCEPTET\") { version name nameEn startYear endYear requiresPoliticalCommitment description } }";
    let programme = admin(&app, read, json!({})).await["supportProgramme"].clone();
    let update = r#"mutation($v: Int!, $facts: SupportProgrammeFactsInput!) { updateSupportProgramme(code: "MODELLKONCEPTET", version: $v, facts: $facts) { supportProgramme { version description } userErrors { code } } }"#;
    let facts = json!({
        "name": programme["name"],
        "nameEn": programme["nameEn"],
        "startYear": programme["startYear"],
        "endYear": programme["endYear"],
        "requiresPoliticalCommitment": programme["requiresPoliticalCommitment"],
        "description": "Updated with the version the query gave.",
    });
    let updated = admin(
        &app,
        update,
        json!({ "v": programme["version"], "facts": facts }),
    )
    .await;
    let payload = &updated["updateSupportProgramme"];
    assert_eq!(payload["userErrors"], json!([]), "{updated}");
    assert_eq!(
        payload["supportProgramme"]["version"].as_i64(),
        programme["version"].as_i64().map(|v| v + 1)
    );
}

async fn every_promised_connection_counts_its_rows(app: TestApp) {
    for email in ["one@example.se", "two@example.se"] {
        let created = admin(
            &app,
            r#"mutation($e: String!) { createAccount(email: $e, password: "long enough password", role: RESEARCHER) { userErrors { code } } }"#,
            json!({ "e": email }),
        )
        .await;
        assert_eq!(created["createAccount"]["userErrors"], json!([]));
    }
    let accounts = admin(
        &app,
        "{ accounts(first: 1) { totalCount edges { node { email } } } }",
        json!({}),
    )
    .await;
    assert_eq!(accounts["accounts"]["totalCount"], 2, "{accounts}");
    assert_eq!(
        accounts["accounts"]["edges"].as_array().map(Vec::len),
        Some(1)
    );
    let study = admin(
        &app,
        r#"{ study(slug: "cemr-followup-2021") {
              interviews(first: 1) { totalCount }
              quotes(first: 1) { totalCount }
              findings(first: 1) { totalCount }
            } }"#,
        json!({}),
    )
    .await;
    for connection in ["interviews", "quotes", "findings"] {
        let count = study["study"][connection]["totalCount"].as_u64();
        assert!(count.is_some_and(|n| n > 1), "{connection}: {study}");
    }
}
