//! The 2021 study: its published release reproduces every figure the report printed and
//! says where, tells reconstructed figures apart, and its interview records reach only
//! researchers and administrators.

use crate::helpers::{TestApp, admin_token, member_token, on_both_engines};
use crate::study_builder::researcher;
use serde_json::{Value, json};

on_both_engines!(
    the_2021_study_reproduces_every_published_figure,
    every_figure_says_whether_the_report_published_it,
    interviewees_of_one_organisation_never_disagree_in_the_2021_data,
    interview_records_reach_only_researchers_and_administrators,
);

async fn study_id(app: &TestApp) -> Value {
    app.data(r#"{ study(slug: "cemr-followup-2021") { id } }"#, json!({}))
        .await["study"]["id"]
        .clone()
}

const STATISTICS: &str = r#"query($study: ID!) { studyStatistics(study: $study) {
  release minimumGroupSize interviews sessions groupInterviews digitalInterviews shortestInterviewMinutes longestInterviewMinutes
  participants { kind total { count } signatories { count suppressed } }
  interviewees { group { code label } total { count suppressed origin publishedIn } byRole { role count suppressed origin } byRoleAndGender { role gender count suppressed origin publishedIn } }
  signingYears { base values { value count suppressed origin publishedIn } }
  signingsWithinProgrammes { programmeCode organisations suppressed origin publishedIn }
  actionPlanSituations { base values { value count suppressed origin publishedIn } }
  ratings { respondents suppressed mean median origin publishedIn distribution { value count suppressed origin } }
  motives { base values { value count } }
  supportWanted { base }
  governanceModels { base }
  awareness { base values { value count } }
  figures { key value suppressed origin publishedIn }
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
        .unwrap_or(Value::Null)
}

async fn the_2021_study_reproduces_every_published_figure(app: TestApp) {
    let id = study_id(&app).await;
    let stats = app.data(STATISTICS, json!({ "study": id })).await["studyStatistics"].clone();
    assert_eq!(
        stats["release"], 1,
        "the seeded study is served through release 1"
    );

    // 54 interviews: 46 with members' representatives, 4 SKR, 4 experts.
    assert_eq!(stats["interviews"], 54);
    let members = group(&stats, "MEMBER");
    assert_eq!(members["total"]["count"], 46);
    assert_eq!(group(&stats, "SKR")["total"]["count"], 4);
    assert_eq!(group(&stats, "EXPERTS")["total"]["count"], 4);
    // Table 1 with its gender splits, the 1 included: the report printed it.
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
    // SKR and the experts: 4 in the "other" column as printed; their gender is not
    // shown, as the report did not show it.
    for code in ["SKR", "EXPERTS"] {
        let small = group(&stats, code);
        let other = small["byRole"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["role"] == "OTHER")
            .expect("other");
        assert_eq!(other["count"], 4, "{code}");
        for c in small["byRoleAndGender"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["role"] == "OTHER")
        {
            assert_eq!(
                (c["count"].clone(), c["suppressed"].clone()),
                (Value::Null, json!(true)),
                "{code}: {c}"
            );
        }
    }
    // 14 municipalities and 6 regions; 12 and 6 of them signatories: 18.
    let kinds: Vec<(Value, Value, Value)> = stats["participants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p["kind"].clone(),
                p["total"]["count"].clone(),
                p["signatories"]["count"].clone(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (json!("MUNICIPALITY"), json!(14), json!(12)),
            (json!("REGION"), json!(6), json!(6)),
        ]
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
            .find(|p| p["programmeCode"] == code)
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
    // Every codebook value is listed, in codebook order, withheld or not.
    let awareness: Vec<Value> = stats["awareness"]["values"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v["value"].clone())
        .collect();
    assert_eq!(
        awareness,
        vec![json!("HIGH"), json!("LOW"), json!("NONE"), json!("UNKNOWN")]
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

async fn every_figure_says_whether_the_report_published_it(app: TestApp) {
    let id = study_id(&app).await;
    let stats = app.data(STATISTICS, json!({ "study": id })).await["studyStatistics"].clone();
    let figure = |key: &str| -> Value {
        stats["figures"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["key"] == key)
            .cloned()
            .unwrap_or_else(|| panic!("no figure {key}"))
    };
    // Printed figures cite where; Table 1 by its number.
    for key in [
        "interviews",
        "interviewees/MEMBER/STRATEGIST/MAN",
        "answers/RATING/_MEAN",
        "answers/RATING/_MEDIAN",
        "answers/SIGNING_YEAR/2008",
        "answers/ACTION_PLAN_SITUATION/INTENDED",
        "groupInterviews",
    ] {
        let f = figure(key);
        assert_eq!(f["origin"], "SOURCED", "{f}");
        assert!(
            f["publishedIn"]
                .as_str()
                .unwrap_or_default()
                .contains("avsnitt"),
            "{f}"
        );
    }
    assert!(
        figure("interviewees/MEMBER/STRATEGIST/MAN")["publishedIn"]
            .as_str()
            .unwrap_or_default()
            .contains("Tabell 1")
    );
    // What the reconstruction invented says it is not published.
    for key in [
        "sessions",
        "answers/RATING/1",
        "answers/SIGNING_YEAR/2011",
        "answers/AWARENESS/LOW",
    ] {
        let f = figure(key);
        assert_eq!(f["origin"], "RECONSTRUCTED", "{f}");
        assert_eq!(f["publishedIn"], Value::Null, "{f}");
    }
    assert_eq!(stats["ratings"]["origin"], "SOURCED");
    // The interview rows themselves are a reconstruction, and the seminar dates too.
    let (_, body) = app
        .graphql_as(
            Some(&researcher()),
            r#"query($id: ID!) { study(id: $id) { interviews(first: 100) { totalCount edges { node { dataOrigin } } }
                seminars { number heldOn heldOnPublishedIn attendance { group organisations organisationsPublishedIn participants participantsPublishedIn origin } } } }"#,
            json!({ "id": id }),
        )
        .await;
    let study = &body["data"]["study"];
    assert_eq!(study["interviews"]["totalCount"], 54, "{body}");
    assert!(
        study["interviews"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|e| e["node"]["dataOrigin"] == "RECONSTRUCTED"),
        "{body}"
    );
    let seminars = study["seminars"].as_array().expect("seminars");
    assert!(seminars.iter().all(|s| s["heldOnPublishedIn"].is_null()));
    let second = seminars
        .iter()
        .find(|s| s["number"] == 2)
        .expect("seminar 2");
    let row = |group: &str| {
        second["attendance"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["group"] == group)
            .cloned()
            .expect("row")
    };
    assert!(row("REGION")["organisationsPublishedIn"].is_string());
    assert!(
        row("REGION")["participantsPublishedIn"].is_null(),
        "the 12/8 split of the 20 is reconstructed"
    );
    assert_eq!(row("REGION")["origin"], "RECONSTRUCTED");
    assert!(row("SKR")["participantsPublishedIn"].is_string());
}

async fn interviewees_of_one_organisation_never_disagree_in_the_2021_data(app: TestApp) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use std::collections::{HashMap, HashSet};
    let db = app.db().await;
    let study = entity::study::Entity::find()
        .filter(entity::study::Column::Slug.eq("cemr-followup-2021"))
        .one(&db)
        .await
        .expect("query")
        .expect("study");
    let interviews: HashMap<i32, Option<i32>> = entity::interview::Entity::find()
        .filter(entity::interview::Column::StudyId.eq(study.id))
        .all(&db)
        .await
        .expect("interviews")
        .into_iter()
        .map(|i| (i.id, i.participant_id))
        .collect();
    let answers = entity::interview_answer::Entity::find()
        .filter(entity::interview_answer::Column::InterviewId.is_in(interviews.keys().copied()))
        .all(&db)
        .await
        .expect("answers");
    let mut given: HashMap<(i32, String), HashSet<String>> = HashMap::new();
    let mut organisation_answers = 0;
    for a in answers {
        if !["SIGNING_YEAR", "ACTION_PLAN_SITUATION"].contains(&a.dimension.as_str()) {
            continue;
        }
        let participant =
            interviews[&a.interview_id].expect("organisation facts have a participant");
        given
            .entry((participant, a.dimension))
            .or_default()
            .insert(a.value);
        organisation_answers += 1;
    }
    assert!(organisation_answers > 30, "the check looks at real data");
    for ((participant, dimension), values) in &given {
        assert_eq!(
            values.len(),
            1,
            "participant {participant} disagrees on {dimension}: {values:?}"
        );
    }
}
