//! Input the register refuses as bad input, with a code, before anything runs: NUL
//! characters in any string (GraphQL literals and variables, login, REST parameters,
//! imports) and `Int` values beyond 32 bits. PostgreSQL refuses NUL in text, so without
//! these checks the same request would be a server fault there and stored on SQLite.

use crate::helpers::{TestApp, admin_token, fingerprint, on_both_engines};
use serde_json::{Value, json};

on_both_engines!(
    nul_characters_are_bad_input_everywhere,
    out_of_range_ints_refuse_the_whole_document,
);

async fn first_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body}"))
        .to_owned()
}

async fn nul_characters_are_bad_input_everywhere(app: TestApp) {
    let db = app.db().await;
    let before = fingerprint(&db).await;
    let search = "query($q: String) { organisations(filter: { nameContains: $q }) { totalCount } }";
    let cases = [
        (search, json!({ "q": "ö\u{0}" })),
        (
            r#"{ organisations(filter: { nameContains: "ö\u0000" }) { totalCount } }"#,
            json!({}),
        ),
        (
            r#"mutation { login(email: "a\u0000@example.se", password: "long enough password") { accessToken } }"#,
            json!({}),
        ),
        (
            "mutation($e: String!) { login(email: $e, password: \"long enough password\") { accessToken } }",
            json!({ "e": "a\u{0}@example.se" }),
        ),
        (
            "query($f: OrganisationFilterInput) { organisations(filter: $f) { totalCount } }",
            json!({ "f": { "countyCodes": ["01\u{0}"] } }),
        ),
    ];
    for (query, variables) in cases {
        let (status, body) = app
            .graphql_as(Some(&admin_token()), query, variables.clone())
            .await;
        assert_eq!(status, 200, "{query} {variables}: {body}");
        assert_eq!(first_code(&body).await, "BAD_USER_INPUT", "{query}: {body}");
        assert!(body.get("data").is_none_or(Value::is_null), "{body}");
    }
    for path in [
        "/api/v1/organisations?q=%00",
        "/api/v1/organisations/%00",
        "/api/v1/signatories.csv?county=%00",
    ] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(response.status(), 400, "{path}");
        let body: Value = response.json().await.expect("a problem document");
        assert_eq!(body["code"], "BAD_USER_INPUT", "{path}: {body}");
    }
    for (content_type, body, line) in [
        (
            "text/csv",
            "organisation_code;title;adopted_on;decision_body\n1880;Plan\u{0};2024-02-12;KOMMUNFULLMAKTIGE\n",
            2,
        ),
        (
            "application/json",
            r#"[{"organisation_code": "1880", "title": "Plan\u0000", "adopted_on": "2024-02-12", "decision_body": "KOMMUNFULLMAKTIGE"}]"#,
            1,
        ),
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/imports/action-plans"))
            .bearer_auth(admin_token())
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        let status = response.status();
        let problem: Value = response.json().await.expect("a problem document");
        assert_eq!(status, 422, "{content_type}: {problem}");
        assert_eq!(
            problem["errors"],
            json!([{ "line": line, "column": "title", "code": "INVALID",
                     "reason": "contains a NUL character (U+0000)" }]),
            "{content_type}"
        );
    }
    assert_eq!(fingerprint(&db).await, before, "nothing was written");
}

async fn out_of_range_ints_refuse_the_whole_document(app: TestApp) {
    let db = app.db().await;
    let before = fingerprint(&db).await;
    // The first field alone would write; the second's year is no Int.
    let literal = r#"mutation {
        a: addProgrammeParticipation(organisationCode: "1880", programmeCode: "MODELLKONCEPTET", fromYear: 2016) { userErrors { code } }
        b: addProgrammeParticipation(organisationCode: "2582", programmeCode: "MODELLKONCEPTET", fromYear: 99999999999) { userErrors { code } }
    }"#;
    let variables = r#"mutation($y: Int!) {
        a: addProgrammeParticipation(organisationCode: "1880", programmeCode: "MODELLKONCEPTET", fromYear: 2016) { userErrors { code } }
        b: addProgrammeParticipation(organisationCode: "2582", programmeCode: "MODELLKONCEPTET", fromYear: $y) { userErrors { code } }
    }"#;
    let nested = "query($f: OrganisationFilterInput) { organisations(filter: $f) { totalCount } }";
    for (query, vars) in [
        (literal, json!({})),
        (variables, json!({ "y": 99_999_999_999_i64 })),
        (variables, json!({ "y": -2_147_483_649_i64 })),
        (
            nested,
            json!({ "f": { "signedFromYear": 4_294_967_296_i64 } }),
        ),
        (
            "{ organisations(first: 2147483648) { totalCount } }",
            json!({}),
        ),
    ] {
        let (status, body) = app
            .graphql_as(Some(&admin_token()), query, vars.clone())
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            first_code(&body).await,
            "GRAPHQL_VALIDATION_FAILED",
            "{query} {vars}: {body}"
        );
        assert!(body.get("data").is_none_or(Value::is_null), "{body}");
    }
    assert_eq!(fingerprint(&db).await, before, "nothing was written");
    // The largest Int is an Int.
    let (_, body) = app
        .graphql_as(
            Some(&admin_token()),
            "{ organisations(first: 2147483647) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        first_code(&body).await,
        "BAD_USER_INPUT",
        "over 100: {body}"
    );
}
