//! The reference data: loaded once, idempotent, and served as fact.

use crate::helpers::{TestApp, on_both_engines};
use cemr_api::config::Settings;
use serde_json::{Value, json};

on_both_engines!(
    seeding_twice_changes_nothing,
    counties_carry_their_board_and_region,
    gotland_is_found_as_municipality_and_region,
    charter_and_programmes_are_served,
    nodes_are_found_by_their_global_ids,
);

const COUNTS: &str = r#"{
  counties { code }
  municipalities: organisations(filter: { kinds: [MUNICIPALITY] }) { totalCount }
  regions: organisations(filter: { kinds: [REGION] }) { totalCount }
  all: organisations { totalCount }
  charterPrinciples { number }
  charterArticles { number }
  supportProgrammes { code }
}"#;

fn counts(data: &Value) -> [u64; 7] {
    let len = |v: &Value| v.as_array().map_or(0, |a| a.len() as u64);
    [
        len(&data["counties"]),
        data["municipalities"]["totalCount"].as_u64().unwrap_or(0),
        data["regions"]["totalCount"].as_u64().unwrap_or(0),
        data["all"]["totalCount"].as_u64().unwrap_or(0),
        len(&data["charterPrinciples"]),
        len(&data["charterArticles"]),
        len(&data["supportProgrammes"]),
    ]
}

async fn seeding_twice_changes_nothing(app: TestApp) {
    // 290 municipalities + 20 regions + SKR; Gotland counts as both a municipality and
    // a region, so 21 regions and 311 organisations in all.
    let expected = [21, 290, 21, 311, 6, 30, 2];
    assert_eq!(counts(&app.data(COUNTS, json!({})).await), expected);

    let conn = cemr_api::db::connect(&Settings::for_database(app.database_url.clone()).database)
        .await
        .expect("connect");
    let report = cemr_api::seed::reference::load(&conn)
        .await
        .expect("second seed");
    assert_eq!((report.inserted, report.updated), (0, 0));
    assert_eq!(counts(&app.data(COUNTS, json!({})).await), expected);
}

async fn counties_carry_their_board_and_region(app: TestApp) {
    let data = app
        .data(
            r#"{ county(code: "25") { code name countyBoard { name county { code } } region { code name kind } } }"#,
            json!({}),
        )
        .await;
    let county = &data["county"];
    assert_eq!(county["name"], "Norrbottens län");
    assert_eq!(
        county["countyBoard"]["name"],
        "Länsstyrelsen i Norrbottens län"
    );
    assert_eq!(county["countyBoard"]["county"]["code"], "25");
    assert_eq!(
        county["region"],
        json!({ "code": "25", "name": "Region Norrbotten", "kind": "REGION" })
    );

    let missing = app
        .data(r#"{ county(code: "02") { code } }"#, json!({}))
        .await;
    assert_eq!(
        missing["county"],
        Value::Null,
        "02 is not a county code in use"
    );
}

async fn gotland_is_found_as_municipality_and_region(app: TestApp) {
    let data = app
        .data(
            r#"{
              asMunicipality: organisation(code: "0980") { id code kind hasRegionalResponsibility }
              asRegion: organisation(code: "09") { id code }
              koladaForm: organisation(code: "0009") { id }
              county(code: "09") { region { code } }
              regions: organisations(filter: { kinds: [REGION], countyCodes: ["09"] }) { totalCount edges { node { code } } }
              municipalities: organisations(filter: { kinds: [MUNICIPALITY], countyCodes: ["09"] }) { totalCount edges { node { code } } }
            }"#,
            json!({}),
        )
        .await;
    let id = &data["asMunicipality"]["id"];
    assert_eq!(data["asMunicipality"]["kind"], "MUNICIPALITY");
    assert_eq!(data["asMunicipality"]["hasRegionalResponsibility"], true);
    assert_eq!(&data["asRegion"]["id"], id);
    assert_eq!(&data["koladaForm"]["id"], id);
    assert_eq!(data["county"]["region"]["code"], "0980");
    for list in ["regions", "municipalities"] {
        assert_eq!(data[list]["totalCount"], 1, "{list}");
        assert_eq!(data[list]["edges"][0]["node"]["code"], "0980", "{list}");
    }
}

async fn charter_and_programmes_are_served(app: TestApp) {
    let data = app
        .data(
            r#"{
              charterPrinciples { number text }
              charterArticles { number title titleSv part edition }
              article20: charterArticle(number: 20) { titleSv partTitle }
              supportProgrammes { code name startYear endYear requiresPoliticalCommitment }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["charterPrinciples"][0]["text"],
        "Equality of women and men is a fundamental right."
    );
    let articles = data["charterArticles"].as_array().expect("articles");
    let numbers: Vec<u64> = articles
        .iter()
        .filter_map(|a| a["number"].as_u64())
        .collect();
    assert_eq!(numbers, (1..=30).collect::<Vec<_>>());
    assert!(articles.iter().all(|a| a["edition"] == "2006"));
    assert_eq!(articles[21]["title"], "Gender-based violence");
    assert_eq!(articles[21]["part"], "SERVICE_DELIVERY");
    assert_eq!(
        articles[0]["titleSv"],
        Value::Null,
        "no guessed Swedish titles"
    );
    assert_eq!(data["article20"]["titleSv"], "Kultur, idrott och fritid");
    assert_eq!(
        data["supportProgrammes"],
        json!([
            { "code": "HALLBAR_JAMSTALLDHET", "name": "Program för hållbar jämställdhet", "startYear": 2008, "endYear": 2013, "requiresPoliticalCommitment": true },
            { "code": "MODELLKONCEPTET", "name": "Modellkonceptet", "startYear": 2015, "endYear": null, "requiresPoliticalCommitment": true },
        ])
    );
}

async fn nodes_are_found_by_their_global_ids(app: TestApp) {
    let data = app
        .data(
            r#"{
              organisation(code: "1880") { id }
              county(code: "18") { id countyBoard { id } }
              charterArticle(number: 9) { id }
              supportProgramme(code: "MODELLKONCEPTET") { id }
            }"#,
            json!({}),
        )
        .await;
    let ids = vec![
        data["organisation"]["id"].clone(),
        data["county"]["id"].clone(),
        data["county"]["countyBoard"]["id"].clone(),
        data["charterArticle"]["id"].clone(),
        data["supportProgramme"]["id"].clone(),
    ];
    let found = app
        .data(
            r#"query($ids: [ID!]!) { nodes(ids: $ids) {
                __typename id
                ... on Organisation { name }
                ... on County { name }
                ... on CountyBoard { name }
                ... on CharterArticle { title }
                ... on SupportProgramme { name }
            } }"#,
            json!({ "ids": ids }),
        )
        .await;
    let nodes = found["nodes"].as_array().expect("nodes");
    let summary: Vec<(String, Value)> = nodes
        .iter()
        .map(|n| {
            (
                n["__typename"].as_str().unwrap_or_default().to_owned(),
                n["id"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        [
            "Organisation",
            "County",
            "CountyBoard",
            "CharterArticle",
            "SupportProgramme"
        ]
    );
    assert!(summary.iter().zip(&ids).all(|((_, got), want)| got == want));
    assert_eq!(nodes[0]["name"], "Örebro");
    assert_eq!(nodes[3]["title"], "Gender assessment");

    let code = app
        .error_code(r#"{ node(id: "garbage!") { id } }"#, json!({}))
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
}
