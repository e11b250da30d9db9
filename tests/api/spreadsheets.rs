//! Files that went through a spreadsheet: codes whose leading zeros Excel dropped, codes
//! written in the form it keeps as text, formulas neutralised in CSV (and JSON left as
//! written), Windows line endings, and exports that import back as a no-op. Also the
//! code forms every list filter takes, and the 400 an unknown code gets.

use crate::helpers::{TestApp, admin_token, fingerprint, on_both_engines};
use serde_json::{Value, json};

on_both_engines!(
    codes_a_spreadsheet_stripped_are_imported_as_the_codes_they_were,
    exports_survive_a_spreadsheet_and_import_back_as_a_no_op,
    formulas_are_neutralised_in_csv_and_json_keeps_the_text,
    windows_line_endings_keep_the_line_numbers,
    filters_take_kolada_and_spreadsheet_forms_and_refuse_unknown_codes,
);

/// Member-written text a spreadsheet would run as a formula, and text around it.
const TITLES: [&str; 6] = [
    "=HYPERLINK(\"https://example.se\";\"Plan\")",
    "+46 plan",
    "-5 % skillnad",
    "@SUMMA(A1)",
    "'=redan citerad",
    "Jämställd service = bättre service",
];

async fn import(
    app: &TestApp,
    kind: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/imports/{kind}")))
        .bearer_auth(admin_token())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn text(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

async fn json_of(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app.client.get(app.url(path)).send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Alvesta (0764) and Region Kronoberg (07) signed, imported with the codes a
/// spreadsheet leaves, and plans with formula-like titles for Alvesta.
async fn sign_alvesta_and_kronoberg(app: &TestApp) {
    let signatures = "organisation_code;signed_precision;signed_on;decision_body;source\n\
                      764;DAY;2015-03-02;KOMMUNFULLMAKTIGE;Protokoll KF 2015-03-02\n\
                      7;DAY;2016-04-20;REGIONFULLMAKTIGE;Protokoll RF 2016-04-20\n";
    let (status, report) = import(app, "signatures", "text/csv", signatures).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 2, "{report}");
    let plans: Vec<Value> = TITLES
        .iter()
        .map(|title| {
            json!({ "organisation_code": "0764", "title": title, "adopted_on": "2016-05-02",
                    "priorities": format!("{title} (prioritet)") })
        })
        .collect();
    let (status, report) = import(
        app,
        "action-plans",
        "application/json",
        json!(plans).to_string(),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], TITLES.len(), "{report}");
}

async fn codes_a_spreadsheet_stripped_are_imported_as_the_codes_they_were(app: TestApp) {
    sign_alvesta_and_kronoberg(&app).await;
    let data = app
        .data(
            r#"{ alvesta: organisation(code: "0764") { signature { signedOn } }
                 kronoberg: organisation(code: "07") { kind signature { signedOn } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["alvesta"]["signature"]["signedOn"], "2015-03-02",
        "{data}"
    );
    assert_eq!(data["kronoberg"]["kind"], "REGION", "{data}");
    assert_eq!(
        data["kronoberg"]["signature"]["signedOn"], "2016-04-20",
        "{data}"
    );
    // Two digits are never padded: "76" is no code, and says so.
    let (status, report) = import(
        &app,
        "signatures",
        "text/csv",
        "organisation_code;signed_precision\n76;UNKNOWN\n",
    )
    .await;
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["errors"][0]["code"], "NOT_FOUND", "{report}");
}

/// What Excel does to a CSV file it opens and saves: codes become numbers.
fn as_saved_by_a_spreadsheet(csv: &str, column: &str) -> String {
    let csv = csv.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(csv.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let at = header.iter().position(|h| h == column).expect("the column");
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(&header).expect("write");
    for row in reader.records() {
        let row = row.expect("a row");
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                if i == at && cell.bytes().all(|b| b.is_ascii_digit()) && !cell.is_empty() {
                    cell.trim_start_matches('0').to_owned()
                } else {
                    cell.to_owned()
                }
            })
            .collect();
        writer.write_record(&cells).expect("write");
    }
    String::from_utf8(writer.into_inner().expect("csv")).expect("utf-8")
}

async fn exports_survive_a_spreadsheet_and_import_back_as_a_no_op(app: TestApp) {
    sign_alvesta_and_kronoberg(&app).await;
    let db = app.db().await;
    let before = fingerprint(&db).await;
    for (kind, export) in [
        ("signatures", "/api/v1/signatories.csv"),
        ("action-plans", "/api/v1/action-plans.csv"),
    ] {
        let (status, excel) = text(&app, &format!("{export}?codes=excel")).await;
        assert_eq!(status, 200);
        // The cell `="0764"`, quoted as CSV quotes a cell with quotes in it.
        assert!(
            excel.contains("\"=\"\"0764\"\"\";"),
            "codes kept as text: {excel}"
        );
        let (_, plain) = text(&app, export).await;
        let saved = as_saved_by_a_spreadsheet(&plain, "organisation_code");
        assert!(saved.contains("\r\n764;"), "{saved}");
        for (form, body) in [("excel", excel), ("saved", saved), ("plain", plain)] {
            let (status, report) = import(&app, kind, "text/csv", body).await;
            assert_eq!(status, 200, "{kind} {form}: {report}");
            assert_eq!(report["created"], 0, "{kind} {form}: {report}");
            assert_eq!(report["updated"], 0, "{kind} {form}: {report}");
            assert_eq!(
                report["unchanged"], report["rows"],
                "{kind} {form}: {report}"
            );
        }
    }
    assert_eq!(fingerprint(&db).await, before, "nothing changed");
}

async fn formulas_are_neutralised_in_csv_and_json_keeps_the_text(app: TestApp) {
    sign_alvesta_and_kronoberg(&app).await;
    let (_, csv) = text(&app, "/api/v1/action-plans.csv?organisation=0764").await;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().expect("a header").clone();
    let title_at = header.iter().position(|h| h == "title").expect("title");
    let titles: Vec<String> = reader
        .records()
        .map(|r| r.expect("a row")[title_at].to_owned())
        .collect();
    for title in TITLES {
        let dangerous = title
            .trim_start_matches('\'')
            .starts_with(['=', '+', '-', '@']);
        let expected = if dangerous {
            format!("'{title}")
        } else {
            title.to_owned()
        };
        assert!(titles.contains(&expected), "{expected:?} in {titles:?}");
    }
    for cell in csv.split([';', '\n']) {
        let cell = cell.trim_matches(['"', '\r']);
        assert!(
            !cell.starts_with(['=', '+', '-', '@']),
            "no cell starts a formula: {cell:?}"
        );
    }
    let (_, list) = json_of(&app, "/api/v1/action-plans?organisation=0764").await;
    let mut listed: Vec<&str> = list["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(|p| p["title"].as_str())
        .collect();
    listed.sort_unstable();
    let mut written = TITLES.to_vec();
    written.sort_unstable();
    assert_eq!(listed, written, "JSON keeps the text as written");
}

async fn windows_line_endings_keep_the_line_numbers(app: TestApp) {
    let cases = [
        (
            "organisation_code;title;adopted_on\r\n0180;Plan A;2020-01-01\r\n9999;Plan B;2020-01-01\r\n",
            3,
        ),
        (
            "organisation_code;title;adopted_on\r\n0180;\"Plan\r\nA\";2020-01-01\r\n0180;Plan B;2020-13-01\r\n",
            4,
        ),
        (
            "organisation_code;title;adopted_on\r0180;Plan A;2020-01-01\r9999;Plan B;2020-01-01\r",
            3,
        ),
    ];
    for (body, line) in cases {
        let (status, report) = import(&app, "action-plans", "text/csv", body).await;
        assert_eq!(status, 422, "{report}");
        assert_eq!(report["errors"][0]["line"], line, "{body:?}: {report}");
    }
}

async fn filters_take_kolada_and_spreadsheet_forms_and_refuse_unknown_codes(app: TestApp) {
    sign_alvesta_and_kronoberg(&app).await;
    let count = |v: &Value| v["count"].as_u64().expect("a count");
    let (_, scb) = json_of(&app, "/api/v1/organisations?county=14").await;
    assert!(count(&scb) > 40, "{scb}");
    for path in [
        "/api/v1/organisations?county=0014",
        "/api/v1/organisations?county=14,0014",
    ] {
        let (status, kolada) = json_of(&app, path).await;
        assert_eq!(status, 200, "{path}: {kolada}");
        assert_eq!(count(&kolada), count(&scb), "{path}");
    }
    let (_, seven) = json_of(&app, "/api/v1/signatories?county=7").await;
    let (_, zero_seven) = json_of(&app, "/api/v1/signatories?county=07").await;
    assert_eq!(count(&seven), 2, "{seven}");
    assert_eq!(count(&seven), count(&zero_seven));
    let (status, plans) = json_of(&app, "/api/v1/action-plans?organisation=764&county=0007").await;
    assert_eq!(status, 200, "{plans}");
    assert_eq!(count(&plans), TITLES.len() as u64, "{plans}");
    for path in [
        "/api/v1/organisations?county=99",
        "/api/v1/signatories.csv?county=0099",
        "/api/v1/organisations?county=14,x",
        "/api/v1/organisations?programme=NO_SUCH_PROGRAMME",
        "/api/v1/action-plans?organisation=9999",
        "/api/v1/action-plans.csv?county=26",
    ] {
        let (status, problem) = json_of(&app, path).await;
        assert_eq!(status, 400, "{path}: {problem}");
        assert_eq!(problem["code"], "BAD_USER_INPUT", "{path}: {problem}");
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains("unknown")),
            "{problem}"
        );
    }
    let query = "query($c: [String!]) { organisations(filter: { countyCodes: $c }) { totalCount } registerStatistics(filter: { countyCodes: $c }) { organisations } }";
    let scb = app.data(query, json!({ "c": ["14"] })).await;
    let kolada = app.data(query, json!({ "c": ["0014"] })).await;
    assert_eq!(scb, kolada);
    assert_eq!(
        scb["organisations"]["totalCount"],
        count(&json_of(&app, "/api/v1/organisations?county=14").await.1)
    );
    for codes in [json!(["99"]), json!(["14", "0099"])] {
        let body = app.graphql(query, json!({ "c": codes })).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
        assert_eq!(body["data"], Value::Null, "{body}");
    }
    let body = app
        .graphql(
            r#"{ organisations(filter: { programmeCodes: ["NOPE"] }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
}
