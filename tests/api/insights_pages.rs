//! The public pages: the front page in Swedish and English, county and organisation
//! pages, published study releases only, a strict content security policy with no
//! inline exception, and clear errors for what does not exist.

use crate::helpers::{TestApp, on_both_engines};
use serde_json::json;

on_both_engines!(demo: the_front_page_shows_the_register_in_both_languages);
on_both_engines!(
    county_and_organisation_pages_link_together_and_refuse_unknown_codes,
    the_pages_run_under_a_strict_policy_and_show_only_published_studies,
);

async fn page(app: &TestApp, path: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, response.text().await.expect("body"), headers)
}

async fn the_front_page_shows_the_register_in_both_languages(app: TestApp) {
    let (status, swedish, headers) = page(&app, "/").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(swedish.contains(r#"<html lang="sv">"#));
    assert!(swedish.contains(r##"<a class="skip" href="#main">"##));
    assert!(
        swedish.contains(r#"class="demo-banner""#),
        "demo data is announced"
    );
    for chart in [
        "county-map",
        "signings-per-year",
        "action-plan-status",
        "programme-participation",
    ] {
        assert!(
            swedish.contains(&format!(r#"id="{chart}""#)),
            "{chart} is drawn"
        );
        assert!(
            swedish.contains(&format!("/charts/{chart}.csv")),
            "{chart} has its CSV"
        );
    }
    assert!(
        swedish.contains(r#"<a href="/counties/25""#),
        "the map links counties"
    );
    assert!(
        swedish.contains("Länsstyrelsen i Örebro län"),
        "county board support"
    );
    assert!(swedish.contains(r#"hreflang="en""#), "the language switch");

    let (status, english, _) = page(&app, "/?lang=en").await;
    assert_eq!(status, 200);
    assert!(english.contains(r#"<html lang="en">"#));
    assert!(english.contains("Signings per year"));
    assert!(english.contains(r#"<a href="/counties/25?lang=en""#));
    let (status, _, _) = page(&app, "/?lang=fi").await;
    assert_eq!(status, 400);
}

async fn county_and_organisation_pages_link_together_and_refuse_unknown_codes(app: TestApp) {
    let (status, county, _) = page(&app, "/counties/18").await;
    assert_eq!(status, 200);
    assert!(county.contains("<h1>Örebro län</h1>"));
    assert!(
        county.contains(r#"<a href="/organisations/1880">Örebro</a>"#),
        "the county lists its organisations with links"
    );
    let (status, organisation, _) = page(&app, "/organisations/1880?lang=en").await;
    assert_eq!(status, 200);
    assert!(organisation.contains("<h1>Örebro</h1>"));
    assert!(organisation.contains(r#"<a href="/counties/18?lang=en">"#));
    for path in [
        "/counties/99",
        "/organisations/0000",
        "/counties/18?lang=xx",
    ] {
        let response = app.client.get(app.url(path)).send().await.expect("request");
        let status = response.status().as_u16();
        assert!(status == 404 || status == 400, "{path}: {status}");
        let body: serde_json::Value = response.json().await.expect("a JSON problem");
        assert!(body["code"].is_string(), "{path}: {body}");
    }
}

async fn the_pages_run_under_a_strict_policy_and_show_only_published_studies(app: TestApp) {
    let (_, front, headers) = page(&app, "/").await;
    let policy = headers["content-security-policy"].to_str().expect("policy");
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    assert!(!policy.contains("unsafe"), "no inline exception: {policy}");
    assert!(!front.contains("<script"), "the page runs no script");
    assert!(!front.contains(" style="), "no inline style attribute");
    assert!(!front.contains("<style"), "no inline style element");
    assert!(
        !front.contains("demo-banner"),
        "no banner without demo data"
    );
    let (status, css, headers) = page(&app, "/insights/style.css").await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/css")
    );
    assert!(css.contains(":focus-visible"), "keyboard focus is visible");

    let studies = app.data("{ studies { title } }", json!({})).await["studies"]
        .as_array()
        .expect("studies")
        .clone();
    assert!(!studies.is_empty(), "the 2021 study is published");
    for study in &studies {
        let title = study["title"].as_str().expect("title");
        assert!(
            front.contains(&format!(">{title}</h3>")),
            "{title} is shown"
        );
    }
    assert_eq!(
        front.matches("<article").count(),
        studies.len(),
        "exactly the published studies"
    );
    assert!(front.contains("Tabell 1."), "the interviewee table");
}
