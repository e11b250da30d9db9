//! Follow-up studies: the 2021 dataset reproduces every published figure, small groups
//! are suppressed, a second study needs no migration, and interview records reach only
//! researchers and administrators.

use crate::helpers::{TestApp, admin_token, member_token, on_both_engines, token};
use serde_json::{Value, json};

on_both_engines!(
    the_2021_study_reproduces_every_published_figure,
    small_groups_are_suppressed_at_k_minus_one_and_shown_at_k_and_k_plus_one,
    interview_records_reach_only_researchers_and_administrators,
);

fn researcher() -> String {
    token("RESEARCHER", None)
}

async fn study_id(app: &TestApp) -> Value {
    app.data(r#"{ study(slug: "cemr-followup-2021") { id } }"#, json!({}))
        .await["study"]["id"]
        .clone()
}

const STATISTICS: &str = r#"query($study: ID!) { studyStatistics(study: $study) {
  minimumGroupSize interviews sessions groupInterviews digitalInterviews shortestInterviewMinutes longestInterviewMinutes
  participants { kind total signatories suppressed }
  interviewees { group { code label } total byRole { role count suppressed } byRoleAndGender { role gender count suppressed } }
  signingYears { base values { value count suppressed } }
  signingsWithinProgrammes { programme { code } organisations suppressed }
  actionPlanSituations { base values { value count suppressed } }
  ratings { respondents suppressed mean median distribution { value count suppressed } }
  motives { base values { value count } }
  supportWanted { base }
  governanceModels { base }
  awareness { base values { value count } }
} }"#;

fn group<'a>(stats: &'a Value, code: &str) -> &'a Value {
    stats["interviewees"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|g| g["group"]["code"] == code)
        .expect("group")
}

fn cell(group: &Value, role: &str, gender: &str) -> Value {
    group["byRoleAndGender"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["role"] == role && c["gender"] == gender)
        .map(|c| c["count"].clone())
        .unwrap_or(Value::Null)
}

fn value_count(frequencies: &Value, value: &str) -> Value {
    frequencies["values"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|v| v["value"] == value)
        .map(|v| v["count"].clone())
        .unwrap_or(json!(0))
}

async fn the_2021_study_reproduces_every_published_figure(app: TestApp) {
    let id = study_id(&app).await;
    let stats = app.data(STATISTICS, json!({ "study": id })).await["studyStatistics"].clone();

    // 54 interviews: 46 with members' representatives, 4 SKR, 4 experts.
    assert_eq!(stats["interviews"], 54);
    let members = group(&stats, "MEMBER");
    assert_eq!(members["total"], 46);
    assert_eq!(group(&stats, "SKR")["total"], 4);
    assert_eq!(group(&stats, "EXPERTS")["total"], 4);
    // Table 1 with its gender splits.
    for (role, total, women, men) in [
        ("STRATEGIST", 17, 16, 1),
        ("MANAGEMENT", 16, 9, 7),
        ("POLITICIAN", 13, 7, 6),
    ] {
        let by_role = members["byRole"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["role"] == role)
            .expect("role");
        assert_eq!(by_role["count"], total, "{role}");
        assert_eq!(cell(members, role, "WOMAN"), json!(women), "{role} women");
        assert_eq!(cell(members, role, "MAN"), json!(men), "{role} men");
    }
    // Gender is not shown for SKR and the experts: groups below five.
    for code in ["SKR", "EXPERTS"] {
        let small = group(&stats, code);
        for c in small["byRoleAndGender"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(small["byRole"].as_array().into_iter().flatten())
        {
            assert_eq!(
                (c["count"].clone(), c["suppressed"].clone()),
                (Value::Null, json!(true)),
                "{code}"
            );
        }
    }
    // 14 municipalities and 6 regions; 12 and 6 of them signatories: 18.
    assert_eq!(
        stats["participants"],
        json!([
            { "kind": "MUNICIPALITY", "total": 14, "signatories": 12, "suppressed": false },
            { "kind": "REGION", "total": 6, "signatories": 6, "suppressed": false },
        ])
    );
    // Signing years known for 18: 6 in 2008, 10 in the programme years, 2 in 2014.
    assert_eq!(stats["signingYears"]["base"], 18);
    assert_eq!(value_count(&stats["signingYears"], "2008"), 6);
    assert_eq!(value_count(&stats["signingYears"], "2014"), 2);
    let programme = |code: &str| {
        stats["signingsWithinProgrammes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["programme"]["code"] == code)
            .map(|p| p["organisations"].clone())
    };
    assert_eq!(programme("HALLBAR_JAMSTALLDHET"), Some(json!(10)));
    // Action plans: 4 followed up, 2 not followed up, 3 intended.
    let plans = &stats["actionPlanSituations"];
    assert_eq!(
        (
            value_count(plans, "FOLLOWED_UP"),
            value_count(plans, "NOT_FOLLOWED_UP"),
            value_count(plans, "INTENDED")
        ),
        (json!(4), json!(2), json!(3))
    );
    // 29 ratings, mean 3, median 3.
    assert_eq!(stats["ratings"]["respondents"], 29);
    assert_eq!(stats["ratings"]["mean"], 3.0);
    assert_eq!(stats["ratings"]["median"], 3.0);
    // 30–60 minutes, all digital, 3 group interviews.
    assert_eq!(
        (
            stats["shortestInterviewMinutes"].clone(),
            stats["longestInterviewMinutes"].clone()
        ),
        (json!(30), json!(60))
    );
    assert_eq!(stats["digitalInterviews"], 54);
    assert_eq!(stats["groupInterviews"], 3);
    // Awareness is generally low.
    let awareness = &stats["awareness"];
    let low = value_count(awareness, "LOW").as_u64().unwrap_or(0);
    assert!(
        awareness["values"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|v| v["count"].as_u64().unwrap_or(0) <= low)
    );

    let study = app
        .data(
            r#"{ study(slug: "cemr-followup-2021") { description questions recommendations { number } cemrProposals { number }
                 seminars { number attendance { group organisations participants } }
                 quotes(first: 100) { edges { node { text attribution } } } } }"#,
            json!({}),
        )
        .await["study"]
        .clone();
    assert!(
        study["description"]
            .as_str()
            .unwrap_or_default()
            .contains("reconstruction consistent with every published figure")
    );
    assert_eq!(study["questions"].as_array().map(Vec::len), Some(5));
    assert_eq!(study["recommendations"].as_array().map(Vec::len), Some(7));
    assert_eq!(study["cemrProposals"].as_array().map(Vec::len), Some(7));
    // The second seminar: 20 people from 8 municipalities and 5 regions, plus 5 from SKR.
    let second = study["seminars"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["number"] == 2)
        .expect("seminar 2");
    let attendance = second["attendance"].as_array().expect("attendance");
    let of = |group: &str, field: &str| {
        attendance
            .iter()
            .find(|a| a["group"] == group)
            .and_then(|a| a[field].as_u64())
            .unwrap_or(0)
    };
    assert_eq!(
        of("MUNICIPALITY", "participants") + of("REGION", "participants"),
        20
    );
    assert_eq!(
        (
            of("MUNICIPALITY", "organisations"),
            of("REGION", "organisations")
        ),
        (8, 5)
    );
    assert_eq!(of("SKR", "participants"), 5);
    let quotes = study["quotes"]["edges"].as_array().expect("quotes");
    assert!(!quotes.is_empty());
    assert!(quotes.iter().all(|q| {
        !q["node"]["attribution"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    }));
}

/// Creates a study with three respondent groups of `sizes` interviewees, each of whom
/// rates the charter and answers a dimension no earlier study coded.
async fn study_with_groups(app: &TestApp, sizes: &[usize]) -> Value {
    let researcher = researcher();
    let (_, body) = app
        .graphql_as(
            Some(&researcher),
            r#"mutation { createStudy(input: { slug: "second-followup", title: "Second follow-up", year: 2026, commissionedBy: "SKR", performedBy: "A university", questions: ["Q1"] }) {
                study { id } userErrors { code } } }"#,
            json!({}),
        )
        .await;
    let study = body["data"]["createStudy"]["study"]["id"].clone();
    assert!(study.is_string(), "{body}");
    for (n, size) in sizes.iter().enumerate() {
        let code = format!("GROUP_{n}");
        let (_, body) = app
            .graphql_as(
                Some(&researcher),
                r#"mutation($study: ID!, $code: String!) { addRespondentGroup(studyId: $study, code: $code, label: $code, isMember: false) {
                    respondentGroup { code } userErrors { code } } }"#,
                json!({ "study": study, "code": code }),
            )
            .await;
        assert_eq!(
            body["data"]["addRespondentGroup"]["userErrors"],
            json!([]),
            "{body}"
        );
        let groups = app
            .data(
                r#"query($id: ID!) { study(id: $id) { respondentGroups { code } } }"#,
                json!({ "id": study }),
            )
            .await;
        assert!(
            groups["study"]["respondentGroups"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|g| g["code"] == code)
        );
        let group_id = group_row_id(app, &code).await;
        for i in 0..*size {
            let (_, body) = app
                .graphql_as(
                    Some(&researcher),
                    r#"mutation($study: ID!, $input: InterviewInput!) { recordInterview(studyId: $study, input: $input) { interview { id } userErrors { field code } } }"#,
                    json!({ "study": study, "input": {
                        "reference": format!("{code}-{i}"), "respondentGroupId": group_id, "role": "STRATEGIST",
                        "gender": if i % 2 == 0 { "WOMAN" } else { "MAN" }, "heldOn": "2026-01-15", "durationMinutes": 45,
                        "answers": [{ "dimension": "RATING", "value": "4" }, { "dimension": "DIGITAL_MATURITY", "value": format!("LEVEL_{}", n) }]
                    } }),
                )
                .await;
            assert_eq!(
                body["data"]["recordInterview"]["userErrors"],
                json!([]),
                "{body}"
            );
        }
    }
    study
}

/// The row id of a respondent group, which interviews refer to.
async fn group_row_id(app: &TestApp, code: &str) -> i64 {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let db = app.db().await;
    entity::respondent_group::Entity::find()
        .filter(entity::respondent_group::Column::Code.eq(code))
        .one(&db)
        .await
        .expect("query")
        .map(|g| i64::from(g.id))
        .expect("group")
}

async fn small_groups_are_suppressed_at_k_minus_one_and_shown_at_k_and_k_plus_one(app: TestApp) {
    // k is 5: groups of 4, 5 and 6 interviewees.
    let study = study_with_groups(&app, &[4, 5, 6]).await;
    let stats = app.data(STATISTICS, json!({ "study": study })).await["studyStatistics"].clone();
    assert_eq!(stats["minimumGroupSize"], 5);
    assert_eq!(stats["interviews"], 15);
    let below = group(&stats, "GROUP_0");
    assert_eq!(below["total"], 4, "a group's own total stays visible");
    for c in below["byRoleAndGender"].as_array().into_iter().flatten() {
        assert_eq!(
            (c["count"].clone(), c["suppressed"].clone()),
            (Value::Null, json!(true)),
            "never 0, never a value"
        );
    }
    for (code, size, women) in [("GROUP_1", 5, 3), ("GROUP_2", 6, 3)] {
        let shown = group(&stats, code);
        assert_eq!(shown["total"], size);
        assert_eq!(cell(shown, "STRATEGIST", "WOMAN"), json!(women), "{code}");
        assert_eq!(
            cell(shown, "STRATEGIST", "MAN"),
            json!(size - women),
            "{code}"
        );
        assert!(
            shown["byRoleAndGender"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|c| c["suppressed"] == false)
        );
    }
    // Differencing: no total across groups of a breakdown exists, so the suppressed
    // cells cannot be recovered from visible ones.
    let shown_sum: i64 = stats["interviewees"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["byRoleAndGender"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["count"].as_i64())
        .sum();
    assert_eq!(shown_sum, 11, "only the groups of 5 and 6 are broken down");
    let (_, body) = app
        .graphql_as(
            None,
            r#"query($s: ID!) { studyStatistics(study: $s) { intervieweesByGender { count } } }"#,
            json!({ "s": study }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "no cross-group breakdown exists"
    );

    // A dimension no earlier study coded works without a migration, and is protected
    // the same way per value.
    let maturity = app
        .data(
            r#"query($s: ID!) { studyStatistics(study: $s) { answers(dimension: "DIGITAL_MATURITY") { base values { value count suppressed } } ratings { respondents suppressed mean } } }"#,
            json!({ "s": study }),
        )
        .await;
    let answers = &maturity["studyStatistics"]["answers"];
    assert_eq!(answers["base"], 15);
    assert_eq!(
        value_count(answers, "LEVEL_0"),
        4,
        "the base (15) is large enough for every value to show"
    );
    assert_eq!(maturity["studyStatistics"]["ratings"]["mean"], 4.0);

    // Ratings from fewer than k interviewees are suppressed entirely.
    let tiny = study_with_tiny_ratings(&app).await;
    let ratings = app
        .data(r#"query($s: ID!) { studyStatistics(study: $s) { ratings { respondents suppressed mean median distribution { count suppressed } } } }"#, json!({ "s": tiny }))
        .await;
    let ratings = &ratings["studyStatistics"]["ratings"];
    assert_eq!(ratings["respondents"], 4);
    assert_eq!(ratings["suppressed"], true);
    assert_eq!(
        (ratings["mean"].clone(), ratings["median"].clone()),
        (Value::Null, Value::Null)
    );
    assert!(
        ratings["distribution"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|d| d["count"].is_null() && d["suppressed"] == true)
    );
}

async fn study_with_tiny_ratings(app: &TestApp) -> Value {
    let researcher = researcher();
    let (_, body) = app
        .graphql_as(
            Some(&researcher),
            r#"mutation { createStudy(input: { slug: "tiny", title: "Tiny", year: 2026, commissionedBy: "SKR", performedBy: "SKR" }) { study { id } } }"#,
            json!({}),
        )
        .await;
    let study = body["data"]["createStudy"]["study"]["id"].clone();
    app.graphql_as(
        Some(&researcher),
        r#"mutation($s: ID!) { addRespondentGroup(studyId: $s, code: "TINY", label: "Tiny", isMember: false) { userErrors { code } } }"#,
        json!({ "s": study }),
    )
    .await;
    let group_id = group_row_id(app, "TINY").await;
    for i in 0..4 {
        app.graphql_as(
            Some(&researcher),
            r#"mutation($s: ID!, $input: InterviewInput!) { recordInterview(studyId: $s, input: $input) { userErrors { code } } }"#,
            json!({ "s": study, "input": { "reference": format!("T{i}"), "respondentGroupId": group_id, "role": "OTHER", "heldOn": "2026-02-01",
                "durationMinutes": 30, "answers": [{ "dimension": "RATING", "value": "2" }] } }),
        )
        .await;
    }
    study
}

async fn interview_records_reach_only_researchers_and_administrators(app: TestApp) {
    let id = study_id(&app).await;
    let listed = app
        .graphql_as(Some(&researcher()), r#"query($id: ID!) { study(id: $id) {
            participants { id }
            interviews(first: 100) { edges { node { id reference rating role respondentGroup { code } participant { pseudonym } } } } } }"#, json!({ "id": id }))
        .await
        .1;
    let edges = listed["data"]["study"]["interviews"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let interview = edges[0]["node"].clone();
    assert!(
        interview["id"].is_string(),
        "a researcher reads interviews: {listed}"
    );
    assert!(
        edges
            .iter()
            .all(|e| e["node"]["respondentGroup"]["code"].is_string()),
        "every interview names its respondent group: {listed}"
    );
    assert!(
        edges
            .iter()
            .any(|e| e["node"]["participant"]["pseudonym"].is_string()),
        "member interviews name their participant: {listed}"
    );
    let participant = listed["data"]["study"]["participants"][0]["id"].clone();
    assert!(participant.is_string(), "{listed}");
    let missing = cemr_api::graphql::ids::encode("Interview", 999_999);
    let paths: Vec<(&str, Value)> = vec![
        (
            r#"query($id: ID!) { study(id: $id) { interviews(first: 5) { edges { node { reference } } } } }"#,
            json!({ "id": id }),
        ),
        (
            r#"query($id: ID!) { study(id: $id) { participants { pseudonym } } }"#,
            json!({ "id": id }),
        ),
        (
            r#"{ studies { interviews(first: 1) { edges { node { id } } } } }"#,
            json!({}),
        ),
        (
            r#"query($id: ID!) { node(id: $id) { id ... on Interview { rating } } }"#,
            json!({ "id": interview["id"] }),
        ),
        (
            r#"query($id: ID!) { node(id: $id) { id } }"#,
            json!({ "id": missing }),
        ),
        (
            r#"query($id: ID!) { node(id: $id) { id ... on StudyParticipant { pseudonym } } }"#,
            json!({ "id": participant }),
        ),
        (
            r#"query($ids: [ID!]!) { nodes(ids: $ids) { id } }"#,
            json!({ "ids": [interview["id"]] }),
        ),
    ];
    for (query, variables) in &paths {
        let (_, anonymous) = app.graphql_as(None, query, variables.clone()).await;
        assert_eq!(
            anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{query}: {anonymous}"
        );
        let (_, member) = app
            .graphql_as(Some(&member_token("0180")), query, variables.clone())
            .await;
        assert_eq!(
            member["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{query}: {member}"
        );
        assert!(
            !member.to_string().contains("\"reference\""),
            "no record leaks beside the error"
        );
    }
    // An existing and a missing interview are refused alike: nothing tells them apart.
    let existing = app.graphql_as(None, paths[3].0, paths[3].1.clone()).await.1;
    let absent = app.graphql_as(None, paths[4].0, paths[4].1.clone()).await.1;
    assert_eq!(
        existing["errors"][0]["message"],
        absent["errors"][0]["message"]
    );

    let (_, admin) = app
        .graphql_as(Some(&admin_token()), paths[3].0, paths[3].1.clone())
        .await;
    assert_eq!(admin["data"]["node"]["id"], interview["id"]);
    // The public still reads the protected statistics and the published texts.
    let public = app.data(r#"query($id: ID!) { studyStatistics(study: $id) { interviews } study(id: $id) { quotes(first: 1) { edges { node { text } } } } }"#, json!({ "id": id })).await;
    assert_eq!(public["studyStatistics"]["interviews"], 54);
}
