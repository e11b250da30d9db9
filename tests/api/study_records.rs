//! Entering a study: what an input needs, a query gives (respondent group ids, the
//! connections' totals); repeated keys are `DUPLICATE` field errors, also when two
//! requests race; codebooks are checked when defined.

use crate::helpers::{TestApp, on_both_engines};
use crate::study_builder::{Person, StudyBuilder, researcher};
use serde_json::{Value, json};

on_both_engines!(
    what_an_input_needs_a_query_gives,
    repeated_keys_are_duplicate_field_errors,
    racing_writes_of_one_key_give_one_success_and_duplicates,
    codebooks_are_checked_when_defined,
);

async fn what_an_input_needs_a_query_gives(app: TestApp) {
    let mut study = StudyBuilder::create(&app, "self-consistent").await;
    study.group("MEMBER", true).await;
    // The group's id comes from a query, and recordInterview takes it.
    let data = app
        .graphql_as(
            Some(&researcher()),
            r#"query($s: ID!) { study(id: $s) { respondentGroups { id code } } }"#,
            json!({ "s": study.id }),
        )
        .await
        .1;
    let listed = data["data"]["study"]["respondentGroups"][0]["id"].clone();
    assert_eq!(listed, study.groups["MEMBER"], "{data}");
    let node = app
        .graphql_as(
            Some(&researcher()),
            r#"query($id: ID!) { node(id: $id) { ... on RespondentGroup { code } } }"#,
            json!({ "id": listed }),
        )
        .await
        .1;
    assert_eq!(node["data"]["node"]["code"], "MEMBER", "{node}");
    for _ in 0..3 {
        study
            .interview(Person::new("MEMBER", "STRATEGIST", "WOMAN"))
            .await;
    }
    for (text, theme) in [("Ett", "signing"), ("Två", "support"), ("Tre", "signing")] {
        study
            .write(
                r#"mutation($s: ID!, $t: String!, $theme: String!) { addQuote(studyId: $s, text: $t, attribution: "Strateg, kommun", role: STRATEGIST, organisationKind: "MUNICIPALITY", themes: [$theme]) { quote { id } userErrors { code } } }"#,
                json!({ "s": study.id, "t": text, "theme": theme }),
                "addQuote",
            )
            .await;
    }
    study
        .write(
            r#"mutation($s: ID!) { addStudyFinding(studyId: $s, kind: CONCLUSION, number: 1, title: "En slutsats") { finding { id } userErrors { code } } }"#,
            json!({ "s": study.id }),
            "addStudyFinding",
        )
        .await;
    let (_, body) = app
        .graphql_as(
            Some(&researcher()),
            r#"query($s: ID!) { study(id: $s) { interviews(first: 1) { totalCount } quotes(first: 1) { totalCount }
                signing: quotes(first: 1, theme: "signing") { totalCount } findings(first: 1) { totalCount } } }"#,
            json!({ "s": study.id }),
        )
        .await;
    let study_data = &body["data"]["study"];
    assert_eq!(study_data["interviews"]["totalCount"], 3, "{body}");
    assert_eq!(study_data["quotes"]["totalCount"], 3);
    assert_eq!(study_data["signing"]["totalCount"], 2);
    assert_eq!(study_data["findings"]["totalCount"], 1);
}

async fn repeated_keys_are_duplicate_field_errors(app: TestApp) {
    let mut study = StudyBuilder::create(&app, "duplicates").await;
    study.group("MEMBER", true).await;
    study.participant("P1", "MUNICIPALITY", true).await;
    let token = researcher();
    let cases: [(&str, Value, &str, &str); 4] = [
        (
            r#"mutation($s: ID!) { addStudyParticipant(studyId: $s, reference: "P1", pseudonym: "Kommun B", kind: "MUNICIPALITY", signatoryAtStudy: false) { participant { id } userErrors { field code } } }"#,
            json!({ "s": study.id }),
            "addStudyParticipant",
            "reference",
        ),
        (
            r#"mutation($s: ID!) { addSeminar(studyId: $s, number: 1, attendance: [{ group: "SKR", participants: 5 }, { group: "SKR", participants: 3 }]) { seminar { id } userErrors { field code } } }"#,
            json!({ "s": study.id }),
            "addSeminar",
            "attendance",
        ),
        (
            r#"mutation($s: ID!) { addRespondentGroup(studyId: $s, code: "MEMBER", label: "Again", isMember: true) { respondentGroup { id } userErrors { field code } } }"#,
            json!({ "s": study.id }),
            "addRespondentGroup",
            "code",
        ),
        (
            r#"mutation($s: ID!) { defineCodebook(studyId: $s, input: { dimension: "RATING", labelSv: "Betyg", labelEn: "Rating", values: [{ value: "1", labelSv: "1", labelEn: "1" }] }) { codebook { dimension } userErrors { field code } } }"#,
            json!({ "s": study.id }),
            "defineCodebook",
            "dimension",
        ),
    ];
    for (query, variables, field, input_field) in cases {
        let (_, body) = app.graphql_as(Some(&token), query, variables).await;
        assert!(body.get("errors").is_none(), "{field}: {body}");
        let errors = &body["data"][field]["userErrors"];
        assert!(
            errors
                .as_array()
                .into_iter()
                .flatten()
                .any(|e| e["code"] == "DUPLICATE"
                    && e["field"][0].as_str().unwrap_or_default() == input_field),
            "{field}: {body}"
        );
    }
    // A seminar number is taken once too.
    let seminar = r#"mutation($s: ID!) { addSeminar(studyId: $s, number: 2) { seminar { id } userErrors { field code } } }"#;
    study
        .write(seminar, json!({ "s": study.id }), "addSeminar")
        .await;
    let (_, body) = app
        .graphql_as(Some(&token), seminar, json!({ "s": study.id }))
        .await;
    assert_eq!(
        body["data"]["addSeminar"]["userErrors"][0]["code"], "DUPLICATE",
        "{body}"
    );
}

async fn racing_writes_of_one_key_give_one_success_and_duplicates(app: TestApp) {
    let study = StudyBuilder::create(&app, "races").await;
    let token = researcher();
    let add = || {
        app.graphql_as(
            Some(&token),
            r#"mutation($s: ID!) { addStudyParticipant(studyId: $s, reference: "SAME", pseudonym: "Kommun A", kind: "MUNICIPALITY", signatoryAtStudy: true) { participant { id } userErrors { field code } } }"#,
            json!({ "s": study.id }),
        )
    };
    let (a, b, c, d) = tokio::join!(add(), add(), add(), add());
    let mut created = 0;
    for (status, body) in [a, b, c, d] {
        assert_eq!(status, 200, "{body}");
        assert!(
            body.get("errors").is_none(),
            "never an internal error: {body}"
        );
        let payload = &body["data"]["addStudyParticipant"];
        if payload["participant"].is_object() {
            created += 1;
        } else {
            assert_eq!(payload["userErrors"][0]["code"], "DUPLICATE", "{body}");
        }
    }
    assert_eq!(created, 1);
}

async fn codebooks_are_checked_when_defined(app: TestApp) {
    let study = StudyBuilder::create(&app, "codebooks").await;
    let define = r#"mutation($s: ID!, $input: CodebookInput!) { defineCodebook(studyId: $s, input: $input) { codebook { dimension } userErrors { field code } } }"#;
    let code = |value: &str| json!({ "value": value, "labelSv": "sv", "labelEn": "en" });
    let cases = [
        (
            json!({ "dimension": "lower case", "labelSv": "x", "labelEn": "x", "values": [code("A")] }),
            "dimension",
            "INVALID",
        ),
        (
            json!({ "dimension": "VIEWS", "labelSv": "x", "labelEn": "x", "values": [code("A"), code("A")] }),
            "values",
            "DUPLICATE",
        ),
        (
            json!({ "dimension": "VIEWS", "labelSv": "x", "labelEn": "x", "values": [code("not a code")] }),
            "values",
            "INVALID",
        ),
        (
            json!({ "dimension": "VIEWS", "labelSv": "", "labelEn": "x", "values": [code("A")] }),
            "labelSv",
            "REQUIRED",
        ),
        (
            json!({ "dimension": "VIEWS", "labelSv": "x", "labelEn": "x", "values": [] }),
            "values",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "dimension": "FACTS", "labelSv": "x", "labelEn": "x", "level": "ORGANISATION", "multiple": true, "values": [code("A"), code("B")] }),
            "multiple",
            "INVALID",
        ),
    ];
    for (input, field, expected) in cases {
        let (_, body) = app
            .graphql_as(
                Some(&researcher()),
                define,
                json!({ "s": study.id, "input": input }),
            )
            .await;
        let errors = &body["data"]["defineCodebook"]["userErrors"];
        assert!(
            errors
                .as_array()
                .into_iter()
                .flatten()
                .any(|e| e["code"] == expected
                    && e["field"][0].as_str().unwrap_or_default() == field),
            "{input}: {body}"
        );
    }
    // Members may not define codebooks.
    let (_, body) = app
        .graphql_as(
            Some(&crate::helpers::member_token("0180")),
            define,
            json!({ "s": study.id, "input": { "dimension": "VIEWS", "labelSv": "x", "labelEn": "x", "values": [code("A")] } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
}
