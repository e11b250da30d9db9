//! Demo never passes for fact: exports carry each row's origin and source, and lists and
//! statistics can be restricted by origin.

use crate::helpers::{TestApp, on_both_engines};
use serde_json::{Value, json};

on_both_engines!(demo: exports_and_statistics_tell_demo_from_fact);

async fn get(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

const STATS: &str = r#"query($origins: [DataOrigin!]) {
  registerStatistics(filter: { dataOrigins: $origins }) {
    organisations
    signingsPerYear { count }
    actionPlanStatuses { status count }
  }
  signatories(filter: { dataOrigins: $origins }) { totalCount }
}"#;

async fn exports_and_statistics_tell_demo_from_fact(app: TestApp) {
    let (status, csv) = get(&app, "/api/v1/organisations.csv?order=code").await;
    assert_eq!(status, 200);
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().expect("header").split(';').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (code, origin, source) = (column("code"), column("data_origin"), column("source"));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let boden = rows.iter().find(|r| &r[code] == "2582").expect("Boden");
    assert_eq!(&boden[origin], "SOURCED");
    assert!(boden[source].contains("boden.se"), "{boden:?}");
    let demo = rows.iter().filter(|r| &r[origin] == "DEMO").count();
    assert!(demo > 100, "the demo signatories are marked: {demo}");
    assert!(
        rows.iter()
            .filter(|r| &r[origin] == "DEMO")
            .all(|r| !r[source].is_empty()),
        "each cites its source"
    );
    assert!(
        rows.iter()
            .filter(|r| r[origin].is_empty())
            .all(|r| r[source].is_empty()),
        "no origin without a signature"
    );

    let of = |origins: Value| {
        let app = &app;
        async move { app.data(STATS, json!({ "origins": origins })).await }
    };
    let facts = of(json!(["SOURCED"])).await;
    let demo = of(json!(["DEMO"])).await;
    let all = of(Value::Null).await;
    let signings = |data: &Value| -> i64 {
        data["registerStatistics"]["signingsPerYear"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|y| y["count"].as_i64())
            .sum()
    };
    assert_eq!(facts["registerStatistics"]["organisations"], 17);
    assert_eq!(facts["signatories"]["totalCount"], 17);
    assert_eq!(signings(&facts), 17);
    assert!(signings(&demo) > 100);
    assert_eq!(
        facts["signatories"]["totalCount"]
            .as_i64()
            .unwrap_or_default()
            + demo["signatories"]["totalCount"]
                .as_i64()
                .unwrap_or_default(),
        all["signatories"]["totalCount"]
            .as_i64()
            .unwrap_or_default(),
        "every signatory is fact or demo here"
    );
    let overdue = |data: &Value| {
        data["registerStatistics"]["actionPlanStatuses"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["status"] == "OVERDUE")
            .and_then(|s| s["count"].as_i64())
    };
    assert_eq!(overdue(&facts), Some(0), "facts call nobody overdue");

    let (status, body) = get(&app, "/api/v1/signatories?data_origin=SOURCED").await;
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(body["count"], 17);
    let (status, _) = get(&app, "/api/v1/signatories?data_origin=GUESSED").await;
    assert_eq!(status, 400);
}
