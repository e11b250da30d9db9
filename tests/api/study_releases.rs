//! Releases: a study is a draft the public cannot see until a release is published; a
//! release is frozen; the next one is previewed by researchers only; a withdrawn release
//! is kept, audited and no longer served. And the four ways the live statistics leaked.

use crate::helpers::{TestApp, admin_token, member_token, on_both_engines};
use crate::study_builder::{Person, StudyBuilder, researcher};
use serde_json::{Value, json};

on_both_engines!(
    a_draft_study_is_invisible_to_the_public,
    a_withheld_value_names_nothing_and_codes_come_from_the_codebook,
    public_figures_change_only_with_a_release,
    organisation_facts_are_counted_per_organisation_only,
    a_withdrawn_release_is_kept_audited_and_no_longer_served,
    concurrent_publications_get_distinct_numbers,
);

async fn small_study<'a>(app: &'a TestApp, slug: &str, people: usize) -> StudyBuilder<'a> {
    let mut study = StudyBuilder::create(app, slug).await;
    study.group("MEMBER", true).await;
    for n in 0..people {
        let role = ["STRATEGIST", "MANAGEMENT"][n % 2];
        study
            .interview(Person::new("MEMBER", role, "WOMAN").says("RATING", 1 + n % 5))
            .await;
    }
    study
}

async fn a_draft_study_is_invisible_to_the_public(app: TestApp) {
    let study = small_study(&app, "draft", 6).await;
    let (_, body) = app
        .graphql_as(
            Some(&researcher()),
            r#"mutation($s: ID!) { addQuote(studyId: $s, text: "Citat", attribution: "Strateg, kommun", role: STRATEGIST, organisationKind: "MUNICIPALITY") { quote { id } } }"#,
            json!({ "s": study.id }),
        )
        .await;
    let quote = body["data"]["addQuote"]["quote"]["id"].clone();
    let group = study.groups["MEMBER"].clone();
    let reads = [
        (r#"query($s: ID!) { study(id: $s) { id } }"#, "study"),
        (r#"query($s: ID!) { node(id: $s) { id } }"#, "node"),
    ];
    for bearer in [None, Some(member_token("0180"))] {
        for (query, field) in reads {
            for id in [&study.id, &quote, &group] {
                let (_, body) = app
                    .graphql_as(bearer.as_deref(), query, json!({ "s": id }))
                    .await;
                assert_eq!(body["data"][field], Value::Null, "{query} {id}: {body}");
            }
        }
        let (_, body) = app
            .graphql_as(
                bearer.as_deref(),
                r#"{ study(slug: "draft") { id } studies { slug } }"#,
                json!({}),
            )
            .await;
        assert_eq!(body["data"]["study"], Value::Null);
        assert!(!body.to_string().contains("\"draft\""), "{body}");
        let (_, body) = app
            .graphql_as(
                bearer.as_deref(),
                r#"query($s: ID!) { studyStatistics(study: $s) { interviews } }"#,
                json!({ "s": study.id }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{body}"
        );
    }
    // Researchers see the draft, its preview, and that it is a draft.
    let (_, body) = app
        .graphql_as(
            Some(&researcher()),
            r#"query($s: ID!) { study(id: $s) { status releasePreview { interviews release } } }"#,
            json!({ "s": study.id }),
        )
        .await;
    assert_eq!(body["data"]["study"]["status"], "DRAFT", "{body}");
    assert_eq!(body["data"]["study"]["releasePreview"]["interviews"], 6);
    assert_eq!(
        body["data"]["study"]["releasePreview"]["release"],
        Value::Null
    );
    study.publish().await;
    let data = app
        .data(
            r#"query($s: ID!) { study(id: $s) { status currentRelease { number status } } studyStatistics(study: $s) { interviews release } }"#,
            json!({ "s": study.id }),
        )
        .await;
    assert_eq!(data["study"]["status"], "PUBLISHED");
    assert_eq!(data["study"]["currentRelease"]["number"], 1);
    assert_eq!(data["studyStatistics"]["interviews"], 6);
    // The preview stays restricted.
    for (bearer, code) in [
        (None, "UNAUTHENTICATED"),
        (Some(member_token("0180")), "FORBIDDEN"),
    ] {
        let (_, body) = app
            .graphql_as(
                bearer.as_deref(),
                r#"query($s: ID!) { study(id: $s) { releasePreview { interviews } } }"#,
                json!({ "s": study.id }),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
    }
}

async fn a_withheld_value_names_nothing_and_codes_come_from_the_codebook(app: TestApp) {
    let mut study = small_study(&app, "codebook", 5).await;
    study
        .codebook(
            "ATTITUDE",
            "PERSON",
            false,
            &["POSITIVE", "NEGATIVE", "NEUTRAL"],
        )
        .await;
    study
        .interview(Person::new("MEMBER", "POLITICIAN", "MAN").says("ATTITUDE", "NEGATIVE"))
        .await;
    study.publish().await;
    let data = app
        .data(
            r#"query($s: ID!) { studyStatistics(study: $s) { answers(dimension: "ATTITUDE") { values { value labelSv labelEn count suppressed } } } }"#,
            json!({ "s": study.id }),
        )
        .await;
    let values = data["studyStatistics"]["answers"]["values"]
        .as_array()
        .expect("values");
    let listed: Vec<&Value> = values.iter().map(|v| &v["value"]).collect();
    assert_eq!(
        listed,
        vec!["POSITIVE", "NEGATIVE", "NEUTRAL"],
        "every value, in codebook order"
    );
    assert!(
        values
            .iter()
            .all(|v| v["count"].is_null() && v["suppressed"] == true),
        "one answer: nothing tells which: {values:?}"
    );
    assert_eq!(values[1]["labelEn"], "NEGATIVE (en)");
    // A value outside the codebook, or a dimension without one, is refused: nobody can
    // publish a name as a code.
    for (dimension, value, code) in [
        ("ATTITUDE", "ANNA_SVENSSON", "NOT_IN_CODEBOOK"),
        ("NICKNAME", "ANNA_SVENSSON", "NOT_FOUND"),
        ("RATING", "7", "NOT_IN_CODEBOOK"),
    ] {
        let input =
            study.input(&Person::new("MEMBER", "STRATEGIST", "WOMAN").says(dimension, value));
        let (_, body) = app
            .graphql_as(
                Some(&researcher()),
                r#"mutation($s: ID!, $input: InterviewInput!) { recordInterview(studyId: $s, input: $input) { interview { id } userErrors { field code } } }"#,
                json!({ "s": study.id, "input": input }),
            )
            .await;
        assert_eq!(
            body["data"]["recordInterview"]["userErrors"][0]["code"], code,
            "{dimension}: {body}"
        );
    }
    // The public reads the codebooks too.
    let data = app
        .data(
            r#"query($s: ID!) { study(id: $s) { codebooks { dimension level multiple values { value labelSv } } } }"#,
            json!({ "s": study.id }),
        )
        .await;
    let codebooks = data["study"]["codebooks"].as_array().expect("codebooks");
    assert!(
        codebooks
            .iter()
            .any(|c| c["dimension"] == "RATING" && c["values"][0]["labelSv"] == "1 – mycket liten")
    );
    assert!(
        codebooks
            .iter()
            .any(|c| c["dimension"] == "SIGNING_YEAR" && c["level"] == "ORGANISATION")
    );
}

async fn public_figures_change_only_with_a_release(app: TestApp) {
    let mut study = small_study(&app, "frozen", 12).await;
    study.publish().await;
    let before = study.public_figures(None).await;
    // One more interview: nothing public changes.
    study
        .interview(Person::new("MEMBER", "POLITICIAN", "MAN").says("RATING", 5))
        .await;
    assert_eq!(
        study.public_figures(None).await,
        before,
        "the release is frozen"
    );
    // A release with one person added shows nothing about interviewees, and says why.
    study.publish().await;
    let data = app
        .data(
            r#"query($s: ID!) { studyStatistics(study: $s) { release interviews notes ratings { mean } } }"#,
            json!({ "s": study.id }),
        )
        .await;
    let stats = &data["studyStatistics"];
    assert_eq!(stats["release"], 2);
    assert_eq!(stats["interviews"], Value::Null, "{stats}");
    assert_eq!(stats["ratings"]["mean"], Value::Null);
    assert!(
        stats["notes"][0]
            .as_str()
            .unwrap_or_default()
            .contains("added")
    );
    // Five more: figures return, none differing from release 1 by fewer than five.
    for _ in 0..5 {
        study
            .interview(Person::new("MEMBER", "STRATEGIST", "WOMAN").says("RATING", 3))
            .await;
    }
    study.publish().await;
    let third = study.public_figures(Some(3)).await;
    assert_eq!(third["interviews"], Some(18.0));
    for (key, value) in &third {
        if let (Some(now), Some(Some(then))) = (value, before.get(key))
            && !key.ends_with("_MEAN")
            && !key.ends_with("_MEDIAN")
            && !key.ends_with("Minutes")
        {
            let change = (now - then).abs();
            assert!(change == 0.0 || change >= 5.0, "{key}: {then} -> {now}");
        }
    }
}

async fn organisation_facts_are_counted_per_organisation_only(app: TestApp) {
    let mut study = StudyBuilder::create(&app, "per-organisation").await;
    study.group("MEMBER", true).await;
    for p in ["P1", "P2", "P3", "P4"] {
        study.participant(p, "MUNICIPALITY", true).await;
    }
    // Four organisations, three interviewees each, all giving their organisation's year.
    for p in ["P1", "P2", "P3", "P4"] {
        for role in ["STRATEGIST", "MANAGEMENT", "POLITICIAN"] {
            study
                .interview(
                    Person::new("MEMBER", role, "WOMAN")
                        .of(p)
                        .says("SIGNING_YEAR", 2008),
                )
                .await;
        }
    }
    study.publish().await;
    let data = app
        .data(
            r#"query($s: ID!) { studyStatistics(study: $s) { interviews signingYears { level base values { value count suppressed } } answers(dimension: "SIGNING_YEAR") { level base } } }"#,
            json!({ "s": study.id }),
        )
        .await;
    let stats = &data["studyStatistics"];
    assert_eq!(stats["interviews"], 12, "twelve persons are enough to show");
    assert_eq!(stats["signingYears"]["level"], "ORGANISATION");
    assert_eq!(
        stats["answers"]["level"], "ORGANISATION",
        "no per-interview view of it"
    );
    assert_eq!(
        stats["signingYears"]["base"],
        Value::Null,
        "four organisations are not"
    );
    assert!(
        stats["signingYears"]["values"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|v| v["count"].is_null()),
        "{stats}"
    );
    // Interviewees of one organisation cannot disagree on its facts, and a fact about an
    // organisation needs the organisation.
    for (person, code) in [
        (
            Person::new("MEMBER", "OTHER", "MAN")
                .of("P1")
                .says("SIGNING_YEAR", 2010),
            "CONFLICT",
        ),
        (
            Person::new("MEMBER", "OTHER", "MAN").says("SIGNING_YEAR", 2010),
            "INVALID",
        ),
    ] {
        let input = study.input(&person);
        let (_, body) = app
            .graphql_as(
                Some(&researcher()),
                r#"mutation($s: ID!, $input: InterviewInput!) { recordInterview(studyId: $s, input: $input) { userErrors { field code } } }"#,
                json!({ "s": study.id, "input": input }),
            )
            .await;
        assert_eq!(
            body["data"]["recordInterview"]["userErrors"][0]["code"], code,
            "{body}"
        );
    }
}

async fn a_withdrawn_release_is_kept_audited_and_no_longer_served(app: TestApp) {
    let mut study = small_study(&app, "withdrawn", 10).await;
    let first = study.publish().await;
    for _ in 0..5 {
        study
            .interview(Person::new("MEMBER", "STRATEGIST", "MAN"))
            .await;
    }
    let second = study.publish().await;
    let withdraw = r#"mutation($r: ID!) { withdrawStudyRelease(releaseId: $r, reason: "A coding error") { release { number status withdrawnAt withdrawalReason } userErrors { code } } }"#;
    for (bearer, code) in [
        (None, "UNAUTHENTICATED"),
        (Some(member_token("0180")), "FORBIDDEN"),
    ] {
        let (_, body) = app
            .graphql_as(bearer.as_deref(), withdraw, json!({ "r": second["id"] }))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
    }
    let payload = study
        .write(
            withdraw,
            json!({ "r": second["id"] }),
            "withdrawStudyRelease",
        )
        .await;
    assert_eq!(payload["release"]["status"], "WITHDRAWN");
    assert_eq!(payload["release"]["withdrawalReason"], "A coding error");
    let (_, again) = app
        .graphql_as(Some(&researcher()), withdraw, json!({ "r": second["id"] }))
        .await;
    assert_eq!(
        again["errors"][0]["extensions"]["code"], "CONFLICT",
        "{again}"
    );
    // The public is served release 1 again; release 2 is listed without its figures.
    let data = app
        .data(
            r#"query($s: ID!) { study(id: $s) { currentRelease { number } releases { number status statistics { interviews } } } studyStatistics(study: $s) { release interviews } }"#,
            json!({ "s": study.id }),
        )
        .await;
    assert_eq!(data["study"]["currentRelease"]["number"], 1);
    assert_eq!(data["studyStatistics"]["release"], 1);
    assert_eq!(data["study"]["releases"][1]["status"], "WITHDRAWN");
    assert_eq!(data["study"]["releases"][1]["statistics"], Value::Null);
    let (_, body) = app
        .graphql_as(
            None,
            r#"query($s: ID!) { studyStatistics(study: $s, release: 2) { interviews } }"#,
            json!({ "s": study.id }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    // Researchers still read it: withdrawn is not deleted.
    let (_, body) = app
        .graphql_as(
            Some(&researcher()),
            r#"query($s: ID!) { studyStatistics(study: $s, release: 2) { interviews } }"#,
            json!({ "s": study.id }),
        )
        .await;
    assert_eq!(body["data"]["studyStatistics"]["interviews"], 15, "{body}");
    let audit = app
        .graphql_as(
            Some(&admin_token()),
            r#"{ auditLog(filter: { recordType: "StudyRelease" }, first: 10) { edges { node { action } } } }"#,
            json!({}),
        )
        .await
        .1;
    let actions: Vec<&str> = audit["data"]["auditLog"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["node"]["action"].as_str())
        .collect();
    assert!(actions.contains(&"study_release.withdraw"), "{audit}");
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "study_release.publish")
            .count(),
        2
    );
    // Withdrawing the last published release hides the study again.
    study
        .write(
            withdraw,
            json!({ "r": first["id"] }),
            "withdrawStudyRelease",
        )
        .await;
    let data = app
        .data(
            r#"query($s: ID!) { study(id: $s) { id } }"#,
            json!({ "s": study.id }),
        )
        .await;
    assert_eq!(data["study"], Value::Null);
}

async fn concurrent_publications_get_distinct_numbers(app: TestApp) {
    let study = small_study(&app, "concurrent", 6).await;
    let (a, b, c, d) = tokio::join!(
        study.publish(),
        study.publish(),
        study.publish(),
        study.publish()
    );
    let mut numbers: Vec<i64> = [a, b, c, d]
        .iter()
        .filter_map(|r| r["number"].as_i64())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, vec![1, 2, 3, 4]);
}
