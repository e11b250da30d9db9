//! Swedish and English labels: every value of the register's enums and every charter
//! article has both, and CSV exports can carry them without breaking the round trip.

use crate::helpers::{TestApp, admin_token, fingerprint, on_both_engines};
use serde_json::{Value, json};
use std::collections::BTreeSet;

on_both_engines!(
    every_enum_value_and_article_has_both_labels,
    csv_exports_carry_labels_and_still_import_back,
);

async fn every_enum_value_and_article_has_both_labels(app: TestApp) {
    let data = app
        .data(
            r#"{ enumLabels { name values { value labelSv labelEn } }
                 charterArticles { number titleSv labelSv labelEn labelSvOfficial } }"#,
            json!({}),
        )
        .await;
    let enums = data["enumLabels"].as_array().expect("enums");
    assert!(enums.len() >= 13);
    for labelled in enums {
        let name = labelled["name"].as_str().expect("name");
        let introspected = app
            .data(
                r#"query($name: String!) { __type(name: $name) { enumValues { name } } }"#,
                json!({ "name": name }),
            )
            .await;
        let schema: BTreeSet<&str> = introspected["__type"]["enumValues"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["name"].as_str())
            .collect();
        let values = labelled["values"].as_array().expect("values");
        let with_labels: BTreeSet<&str> = values
            .iter()
            .filter(|v| {
                v["labelSv"].as_str().is_some_and(|l| !l.is_empty())
                    && v["labelEn"].as_str().is_some_and(|l| !l.is_empty())
            })
            .filter_map(|v| v["value"].as_str())
            .collect();
        assert_eq!(with_labels, schema, "every value of {name} has both labels");
    }
    let statuses = enums
        .iter()
        .find(|e| e["name"] == "ActionPlanStatus")
        .expect("ActionPlanStatus");
    assert!(
        statuses["values"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|v| v["value"] == "NO_PLAN_ON_RECORD" && v["labelSv"] == "Ingen plan registrerad")
    );

    let articles = data["charterArticles"].as_array().expect("articles");
    assert_eq!(articles.len(), 30);
    for article in articles {
        assert!(article["labelSv"].as_str().is_some_and(|l| !l.is_empty()));
        assert!(article["labelEn"].as_str().is_some_and(|l| !l.is_empty()));
        assert_eq!(
            article["labelSvOfficial"],
            Value::Bool(!article["titleSv"].is_null()),
            "only a sourced Swedish title is called official: {article}"
        );
        if !article["titleSv"].is_null() {
            assert_eq!(article["labelSv"], article["titleSv"]);
        }
    }
    let twenty = articles.iter().find(|a| a["number"] == 20).expect("20");
    assert_eq!(twenty["labelSv"], "Kultur, idrott och fritid");
    assert_eq!(twenty["labelSvOfficial"], true);
}

async fn get(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

async fn csv_exports_carry_labels_and_still_import_back(app: TestApp) {
    let (status, swedish) = get(&app, "/api/v1/signatories.csv?lang=sv").await;
    assert_eq!(status, 200);
    let header = swedish
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .expect("header");
    assert!(
        header.contains("status_label;action_plan_status_label"),
        "{header}"
    );
    assert!(swedish.contains("Ingen plan registrerad"));
    assert!(swedish.contains("Belagt med källa"));
    let (_, english) = get(&app, "/api/v1/signatories.csv?lang=en").await;
    assert!(english.contains("No plan on record"));
    let (_, plain) = get(&app, "/api/v1/signatories.csv").await;
    assert!(!plain.contains("_label"), "labels only when asked for");
    let (_, organisations) = get(&app, "/api/v1/organisations.csv?lang=sv&county=25").await;
    assert!(organisations.contains("kind_label"));
    assert!(organisations.contains(";Kommun;"), "{organisations}");
    let (status, _) = get(&app, "/api/v1/organisations.csv?lang=de").await;
    assert_eq!(status, 400);

    let db = app.db().await;
    let before = fingerprint(&db).await;
    let response = app
        .client
        .post(app.url("/api/v1/imports/signatures"))
        .bearer_auth(admin_token())
        .header("content-type", "text/csv")
        .body(swedish)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.expect("JSON");
    assert_eq!(
        report,
        json!({ "dry_run": false, "rows": 17, "created": 0, "updated": 0, "unchanged": 17 })
    );
    assert_eq!(fingerprint(&db).await, before);
}
