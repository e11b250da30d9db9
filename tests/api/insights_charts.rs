//! The embeddable charts: the figures they draw are `registerStatistics`' under the same
//! filters, they carry text alternatives and a CSV twin, answer conditional requests, mark
//! demonstration data, and refuse bad input with a problem document.

use crate::helpers::{TestApp, on_both_engines};
use serde_json::{Value, json};
use std::collections::BTreeMap;

on_both_engines!(demo:
    charts_draw_the_numbers_of_register_statistics,
    charts_follow_the_api_filters_and_mark_demo_data,
);

on_both_engines!(charts_answer_conditional_requests_and_refuse_bad_input);

const STATISTICS: &str = r#"query ($filter: OrganisationFilterInput) {
  registerStatistics(filter: $filter) {
    byCounty { countyCode signed withdrawn neverSigned }
    signingsPerYear { year count }
    actionPlanStatuses { status count }
    signingsWithinProgrammes { programme { code } signings }
  }
}"#;

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.expect("request")
}

async fn text(app: &TestApp, path: &str) -> String {
    let response = get(app, path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("body")
}

/// The value of `name` in every element that has it, with the element's other
/// attribute `key`: `(key value, attribute value)`.
pub fn attribute_pairs(svg: &str, key: &str, name: &str) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for element in svg
        .split('<')
        .filter(|e| e.contains(&format!(" data-{key}=")))
    {
        let value_of = |attr: &str| {
            let start = element.find(&format!(" data-{attr}=\""))? + attr.len() + 8;
            let end = element[start..].find('"')? + start;
            Some(element[start..end].to_owned())
        };
        if let (Some(k), Some(v)) = (value_of(key), value_of(name)) {
            found.insert(k, v);
        }
    }
    found
}

async fn charts_draw_the_numbers_of_register_statistics(app: TestApp) {
    let stats = app.data(STATISTICS, json!({})).await["registerStatistics"].clone();
    let svg = text(&app, "/charts/signings-per-year.svg").await;
    let drawn = attribute_pairs(&svg, "year", "count");
    assert!(drawn.len() > 10, "a bar per year: {drawn:?}");
    for row in stats["signingsPerYear"].as_array().expect("years") {
        if let Some(year) = row["year"].as_i64() {
            assert_eq!(
                drawn.get(&year.to_string()).map(String::as_str),
                Some(row["count"].to_string().as_str()),
                "year {year}"
            );
        }
    }
    let shown: u64 = drawn
        .values()
        .map(|v| v.parse::<u64>().expect("count"))
        .sum();
    let known: u64 = stats["signingsPerYear"]
        .as_array()
        .expect("years")
        .iter()
        .filter(|r| !r["year"].is_null())
        .map(|r| r["count"].as_u64().expect("count"))
        .sum();
    assert_eq!(shown, known, "empty years are zeros, not invented signings");
    assert!(svg.contains("<title id=\"signings-per-year-title\">"));
    assert!(svg.contains("2008–2013"), "the programme years are marked");
    assert!(
        svg.contains("Modellkonceptet från 2015"),
        "Modellkonceptet is marked"
    );

    let municipalities = app
        .data(
            STATISTICS,
            json!({ "filter": { "kinds": ["MUNICIPALITY"] } }),
        )
        .await["registerStatistics"]
        .clone();
    let map = text(&app, "/charts/county-map.svg").await;
    let signed = attribute_pairs(&map, "county", "signed");
    let total = attribute_pairs(&map, "county", "total");
    assert_eq!(signed.len(), 21, "one tile per county");
    for county in municipalities["byCounty"].as_array().expect("counties") {
        let code = county["countyCode"].as_str().expect("code");
        let sum = ["signed", "withdrawn", "neverSigned"]
            .iter()
            .map(|k| county[k].as_u64().expect("count"))
            .sum::<u64>();
        assert_eq!(signed[code], county["signed"].to_string(), "county {code}");
        assert_eq!(total[code], sum.to_string(), "county {code}");
    }
    assert_eq!(
        total
            .values()
            .map(|v| v.parse::<u64>().expect("n"))
            .sum::<u64>(),
        290,
        "the map counts every municipality"
    );
    assert!(
        map.contains("href=\"/counties/01\""),
        "tiles link to county pages"
    );

    let plans = text(&app, "/charts/action-plan-status.svg").await;
    let drawn = attribute_pairs(&plans, "status", "count");
    for row in stats["actionPlanStatuses"].as_array().expect("statuses") {
        let status = row["status"].as_str().expect("status");
        assert_eq!(drawn[status], row["count"].to_string(), "{status}");
    }
    let programmes = text(&app, "/charts/programme-participation.svg").await;
    let drawn = attribute_pairs(&programmes, "programme", "signings");
    for row in stats["signingsWithinProgrammes"]
        .as_array()
        .expect("programmes")
    {
        let code = row["programme"]["code"].as_str().expect("code");
        assert_eq!(drawn[code], row["signings"].to_string(), "{code}");
    }

    let csv = text(&app, "/charts/signings-per-year.csv?lang=en").await;
    assert!(csv.starts_with("\u{feff}Year;Signings\n"), "{csv}");
    let first = stats["signingsPerYear"]
        .as_array()
        .expect("years")
        .iter()
        .find(|r| !r["year"].is_null())
        .expect("a known year")
        .clone();
    assert!(
        csv.contains(&format!("\n{};{}\n", first["year"], first["count"])),
        "{csv}"
    );
}

async fn charts_follow_the_api_filters_and_mark_demo_data(app: TestApp) {
    let svg = text(
        &app,
        "/charts/signings-per-year.svg?county=25&signed_from=2010",
    )
    .await;
    let filtered = app
        .data(
            STATISTICS,
            json!({ "filter": { "countyCodes": ["25"], "signedFromYear": 2010 } }),
        )
        .await["registerStatistics"]
        .clone();
    let drawn = attribute_pairs(&svg, "year", "count");
    assert!(drawn.keys().all(|y| y.as_str() >= "2010"), "{drawn:?}");
    let expected: BTreeMap<String, String> = filtered["signingsPerYear"]
        .as_array()
        .expect("years")
        .iter()
        .filter(|r| !r["year"].is_null() && r["count"].as_u64() != Some(0))
        .map(|r| (r["year"].to_string(), r["count"].to_string()))
        .collect();
    let nonzero: BTreeMap<String, String> = drawn.into_iter().filter(|(_, n)| n != "0").collect();
    assert_eq!(nonzero, expected);

    for chart in [
        "signings-per-year",
        "county-map",
        "action-plan-status",
        "programme-participation",
    ] {
        let svg = text(&app, &format!("/charts/{chart}.svg?lang=en")).await;
        assert!(svg.contains("DEMO DATA"), "{chart} is marked as demo");
        assert!(
            svg.contains("demonstration data"),
            "{chart} says so in its desc"
        );
    }
}

async fn charts_answer_conditional_requests_and_refuse_bad_input(app: TestApp) {
    let response = get(&app, "/charts/county-map.svg").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "image/svg+xml; charset=utf-8"
    );
    assert_eq!(
        response.headers()["cross-origin-resource-policy"],
        "cross-origin",
        "charts can be embedded elsewhere"
    );
    let etag = response.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let svg = response.text().await.expect("svg");
    assert!(
        !svg.contains("DEMO"),
        "the documented facts are not demo data"
    );
    let again = app
        .client
        .get(app.url("/charts/county-map.svg"))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(again.status(), 304);
    let english = app
        .client
        .get(app.url("/charts/county-map.svg?lang=en"))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(english.status(), 200, "another language is another chart");

    for (path, status, code) in [
        ("/charts/county-map.svg?lang=de", 400, "BAD_USER_INPUT"),
        ("/charts/county-map.svg?status=MAYBE", 400, "BAD_USER_INPUT"),
        (
            "/charts/signings-per-year.svg?signed_from=2015&signed_to=2010",
            400,
            "BAD_USER_INPUT",
        ),
        ("/charts/signings-per-year.svg?signed_from=soon", 400, ""),
        ("/charts/pie.svg", 404, "NOT_FOUND"),
        ("/charts/county-map.png", 404, "NOT_FOUND"),
    ] {
        let response = get(&app, path).await;
        assert_eq!(response.status(), status, "{path}");
        let body: Value = response.json().await.expect("a JSON error body");
        if !code.is_empty() {
            assert_eq!(body["code"], code, "{path}: {body}");
        }
    }
}
