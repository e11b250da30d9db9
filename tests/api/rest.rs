//! The REST integration API: paged reads with `next` links and ETags, CSV exports that
//! import back as a no-op, all-or-nothing imports, idempotent retries, member scoping,
//! incremental sync, and an OpenAPI document that lists every route.

use crate::helpers::{TestApp, admin_token, fingerprint, member_token, on_both_engines};
use serde_json::{Value, json};
use std::collections::HashSet;

on_both_engines!(
    lists_page_with_next_links_and_answer_conditional_gets,
    exports_import_back_as_a_no_op,
    bad_imports_are_problems_and_write_nothing,
    retries_with_an_idempotency_key_do_not_write_twice,
    members_import_only_their_own_rows,
    incremental_sync_sees_exactly_the_changes,
);

on_both_engines!(demo: signatory_and_action_plan_exports_round_trip_over_the_demo_register);

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .get(if path.starts_with("http") {
            path.to_owned()
        } else {
            app.url(path)
        })
        .send()
        .await
        .expect("request")
}

async fn import(
    app: &TestApp,
    bearer: Option<&str>,
    kind: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url(&format!("/api/v1/imports/{kind}")))
        .header("content-type", content_type)
        .body(body);
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let is_problem = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status >= 400 {
        assert!(is_problem, "errors are problem documents: {status} {body}");
    }
    (status, body)
}

async fn lists_page_with_next_links_and_answer_conditional_gets(app: TestApp) {
    let mut codes = Vec::new();
    let mut next = Some("/api/v1/organisations?limit=45&order=code".to_owned());
    let mut count = 0;
    while let Some(url) = next {
        let page: Value = get(&app, &url).await.json().await.expect("json");
        count = page["count"].as_u64().unwrap_or(0);
        codes.extend(
            page["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| o["code"].as_str().map(str::to_owned)),
        );
        next = page["next"].as_str().map(str::to_owned);
    }
    assert_eq!(codes.len() as u64, count);
    assert_eq!(
        codes.iter().collect::<HashSet<_>>().len(),
        codes.len(),
        "no repeats across pages"
    );
    assert_eq!(count, 311);

    let first = get(&app, "/api/v1/organisations/0180").await;
    let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
    let body: Value = first.json().await.expect("json");
    assert_eq!(body["name"], "Stockholm");
    let again = app
        .client
        .get(app.url("/api/v1/organisations/0180"))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(again.status(), 304);
    assert_eq!(
        get(&app, "/api/v1/organisations/0025")
            .await
            .json::<Value>()
            .await
            .expect("json")["name"],
        "Region Norrbotten"
    );
    assert_eq!(
        get(&app, "/api/v1/signatories/0180").await.status(),
        404,
        "Stockholm has no documented signature"
    );
    let bad = get(&app, "/api/v1/signatories?status=MAYBE").await;
    assert_eq!(bad.status(), 400);
    assert_eq!(bad.headers()["content-type"], "application/problem+json");

    let document: Value = get(&app, "/api/v1/openapi.json")
        .await
        .json()
        .await
        .expect("json");
    assert!(
        document["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1")
    );
    let paths: Vec<String> = document["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for expected in [
        "/api/v1/counties",
        "/api/v1/counties/{code}",
        "/api/v1/counties.csv",
        "/api/v1/organisations",
        "/api/v1/organisations/{code}",
        "/api/v1/organisations.csv",
        "/api/v1/signatories",
        "/api/v1/signatories/{code}",
        "/api/v1/signatories.csv",
        "/api/v1/action-plans",
        "/api/v1/action-plans/{id}",
        "/api/v1/action-plans.csv",
        "/api/v1/programmes",
        "/api/v1/programmes/{code}",
        "/api/v1/programmes.csv",
        "/api/v1/imports/{kind}",
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "{expected} is missing from the OpenAPI document"
        );
    }
    // And every documented public read is really served (imports and webhooks need a
    // token).
    for path in paths
        .iter()
        .filter(|p| !p.contains("imports") && !p.contains("webhooks"))
    {
        let concrete = path
            .replace("{code}", "25")
            .replace("{id}", "1")
            .replace("programmes/25", "programmes/MODELLKONCEPTET");
        let status = get(&app, &concrete).await.status().as_u16();
        assert!(
            status == 200 || (status == 404 && concrete.contains("action-plans/1")),
            "{concrete} answered {status}"
        );
    }
    assert_eq!(get(&app, "/api/v1/docs/").await.status(), 200);
}

async fn signatory_and_action_plan_exports_round_trip_over_the_demo_register(app: TestApp) {
    let db = app.db().await;
    let before = fingerprint(&db).await;
    for (export, kind) in [
        ("/api/v1/signatories.csv", "signatures"),
        ("/api/v1/action-plans.csv", "action-plans"),
    ] {
        let response = get(&app, export).await;
        assert_eq!(
            response.headers()["content-type"],
            "text/csv; charset=utf-8"
        );
        let csv = response.bytes().await.expect("body");
        assert!(
            csv.starts_with(b"\xEF\xBB\xBF"),
            "a BOM, so Excel reads UTF-8"
        );
        assert!(
            String::from_utf8_lossy(&csv)
                .lines()
                .next()
                .unwrap_or_default()
                .contains(';')
        );
        let (status, report) = import(
            &app,
            Some(&admin_token()),
            kind,
            "text/csv",
            csv.to_vec(),
            &[],
        )
        .await;
        assert_eq!(status, 200, "{report}");
        assert!(report["rows"].as_u64().unwrap_or(0) > 50, "{report}");
        assert_eq!(
            (report["created"].clone(), report["updated"].clone()),
            (json!(0), json!(0)),
            "{kind}: {report}"
        );
        assert_eq!(report["unchanged"], report["rows"]);
    }
    assert_eq!(
        fingerprint(&db).await,
        before,
        "the round trip wrote nothing"
    );
}

async fn exports_import_back_as_a_no_op(app: TestApp) {
    let db = app.db().await;
    let csv = get(&app, "/api/v1/signatories.csv")
        .await
        .bytes()
        .await
        .expect("csv");
    let before = fingerprint(&db).await;
    let (status, report) = import(
        &app,
        Some(&admin_token()),
        "signatures",
        "text/csv",
        csv.to_vec(),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report,
        json!({ "dry_run": false, "rows": 17, "created": 0, "updated": 0, "unchanged": 17 })
    );
    assert_eq!(fingerprint(&db).await, before);
}

async fn bad_imports_are_problems_and_write_nothing(app: TestApp) {
    let db = app.db().await;
    let before = fingerprint(&db).await;
    let admin = admin_token();
    let header = "organisation_code;title;adopted_on;article_numbers";
    let cases: Vec<(&str, String, u16, &str)> = vec![
        (
            "wrong header",
            "organisation_code;titel\n0180;Plan\n".into(),
            422,
            "UNKNOWN_COLUMN",
        ),
        (
            "missing column",
            "organisation_code\n0180\n".into(),
            422,
            "REQUIRED",
        ),
        (
            "unknown code",
            format!("{header}\n0180;Plan A;2020-01-01;1|2\n9999;Plan B;2020-01-01;3\n"),
            422,
            "NOT_FOUND",
        ),
        (
            "bad date",
            format!("{header}\n0180;Plan A;2020-13-45;1\n"),
            422,
            "INVALID",
        ),
        (
            "unknown article",
            format!("{header}\n0180;Plan A;2020-01-01;1|99\n"),
            422,
            "NOT_FOUND",
        ),
        (
            "duplicate key",
            format!("{header}\n0180;Plan A;2020-01-01;1\n0180;plan a;2021-01-01;2\n"),
            422,
            "DUPLICATE",
        ),
    ];
    for (what, body, status, code) in cases {
        let (got, problem) =
            import(&app, Some(&admin), "action-plans", "text/csv", body, &[]).await;
        assert_eq!(got, status, "{what}: {problem}");
        let errors = problem["errors"].as_array().cloned().unwrap_or_default();
        assert!(
            errors
                .iter()
                .any(|e| e["code"] == code && e["line"].is_u64() && e["reason"].is_string()),
            "{what}: {problem}"
        );
        assert_eq!(fingerprint(&db).await, before, "{what} wrote nothing");
    }
    // The first row was valid: nothing of it was written either (checked above), and the
    // report names the exact line of the bad one.
    let (_, problem) = import(
        &app,
        Some(&admin),
        "action-plans",
        "text/csv",
        format!("{header}\n0180;Plan A;2020-01-01;1\n9999;Plan B;2020-01-01;3\n"),
        &[],
    )
    .await;
    assert_eq!(problem["errors"][0]["line"], 3);
    assert_eq!(problem["errors"][0]["column"], "organisation_code");

    let mixed = [b"organisation_code;title\n0180;J\xc3\xa4mst\xe4lldhet\n".as_slice()].concat();
    let (status, problem) =
        import(&app, Some(&admin), "action-plans", "text/csv", mixed, &[]).await;
    assert_eq!(status, 400, "mixed encodings: {problem}");
    let (status, _) = import(&app, Some(&admin), "action-plans", "text/plain", "x", &[]).await;
    assert_eq!(status, 415);
    let huge = vec![b'x'; 10 * 1024 * 1024 + 1];
    let (status, _) = import(&app, Some(&admin), "action-plans", "text/csv", huge, &[]).await;
    assert_eq!(status, 413);
    let (status, _) = import(
        &app,
        None,
        "action-plans",
        "text/csv",
        format!("{header}\n"),
        &[],
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = import(
        &app,
        Some(&admin),
        "penguins",
        "text/csv",
        format!("{header}\n"),
        &[],
    )
    .await;
    assert_eq!(status, 404);
    let (status, report) = import(
        &app,
        Some(&admin),
        "action-plans",
        "text/csv",
        format!("{header}\n0180;Plan A;2020-01-01;1\n"),
        &[("x", "y")],
    )
    .await;
    assert_eq!(
        (status, report["created"].clone()),
        (200, json!(1)),
        "{report}"
    );
    let (_, dry) = import(
        &app,
        Some(&admin),
        "action-plans?dry_run=true",
        "text/csv",
        format!("{header}\n0180;Plan B;2020-01-01;1\n"),
        &[],
    )
    .await;
    assert_eq!(
        (dry["dry_run"].clone(), dry["created"].clone()),
        (json!(true), json!(1))
    );
    let plans: Value = get(&app, "/api/v1/action-plans?organisation=0180")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(plans["count"], 1, "the dry run wrote nothing");

    // Windows-1252 exports from Swedish spreadsheets, when declared.
    let latin1 = b"organisation_code,title\n0180,J\xe4mst\xe4lldhetsplan\n".to_vec();
    let (status, report) = import(
        &app,
        Some(&admin),
        "action-plans",
        "text/csv; charset=windows-1252",
        latin1,
        &[],
    )
    .await;
    assert_eq!(
        (status, report["created"].clone()),
        (200, json!(1)),
        "{report}"
    );
    let plans: Value = get(&app, "/api/v1/action-plans?organisation=0180")
        .await
        .json()
        .await
        .expect("json");
    assert!(
        plans["values"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["title"] == "Jämställdhetsplan")
    );
}

async fn retries_with_an_idempotency_key_do_not_write_twice(app: TestApp) {
    let db = app.db().await;
    let member = member_token("1480");
    let body = json!([{ "organisation_code": "1480", "title": "Plan 2026", "adopted_on": "2026-01-15", "article_numbers": [1, 9] }]).to_string();
    let key = [("idempotency-key", "nightly-2026-11-26")];
    let (status, first) = import(
        &app,
        Some(&member),
        "action-plans",
        "application/json",
        body.clone(),
        &key,
    )
    .await;
    assert_eq!(
        (status, first["created"].clone()),
        (200, json!(1)),
        "{first}"
    );
    let after_first = fingerprint(&db).await;
    let retry = app
        .client
        .post(app.url("/api/v1/imports/action-plans"))
        .bearer_auth(&member)
        .header("content-type", "application/json")
        .header("idempotency-key", "nightly-2026-11-26")
        .body(body.clone())
        .send()
        .await
        .expect("request");
    assert_eq!(
        retry
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    assert_eq!(
        retry.json::<Value>().await.expect("json"),
        first,
        "the first result again"
    );
    assert_eq!(
        fingerprint(&db).await,
        after_first,
        "the retry wrote nothing"
    );
    let other = json!([{ "organisation_code": "1480", "title": "Another plan" }]).to_string();
    let (status, _) = import(
        &app,
        Some(&member),
        "action-plans",
        "application/json",
        other,
        &key,
    )
    .await;
    assert_eq!(status, 409, "a key is bound to its request");
}

async fn members_import_only_their_own_rows(app: TestApp) {
    let db = app.db().await;
    let before = fingerprint(&db).await;
    let rows = json!([
        { "organisation_code": "1280", "title": "Malmö plan" },
        { "organisation_code": "0180", "title": "Not Malmö's" },
    ])
    .to_string();
    let (status, problem) = import(
        &app,
        Some(&member_token("1280")),
        "action-plans",
        "application/json",
        rows,
        &[],
    )
    .await;
    assert_eq!(status, 403, "{problem}");
    assert_eq!(problem["code"], "FORBIDDEN");
    assert_eq!(
        fingerprint(&db).await,
        before,
        "not even the member's own row was written"
    );
    let own = json!([{ "organisation_code": "1280", "title": "Malmö plan" }]).to_string();
    let (status, _) = import(
        &app,
        Some(&member_token("1280")),
        "action-plans",
        "application/json",
        own,
        &[],
    )
    .await;
    assert_eq!(status, 200);
    let (_, log) = app
        .graphql_as(Some(&admin_token()), r#"{ auditLog(filter: { actorSub: "test:MEMBER:1280" }) { totalCount edges { node { action } } } }"#, json!({}))
        .await;
    assert_eq!(
        log["data"]["auditLog"]["edges"][0]["node"]["action"], "action_plan.create",
        "imports are audited"
    );
}

async fn incremental_sync_sees_exactly_the_changes(app: TestApp) {
    let since = chrono::Utc::now() - chrono::Duration::milliseconds(1);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let since_query = |path: &str, at: chrono::DateTime<chrono::Utc>| {
        format!(
            "{path}?updated_since={}",
            at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
                .replace('+', "%2B")
        )
    };
    let after_seed = chrono::Utc::now();
    let empty: Value = get(&app, &since_query("/api/v1/signatories", after_seed))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(empty["count"], 0, "nothing changed since the seed: {empty}");
    let _ = since;

    let admin = admin_token();
    let row = json!([{ "organisation_code": "2282", "signed_on": "2020-03-08", "signed_precision": "DAY", "decision_body": "KOMMUNFULLMAKTIGE", "motives": ["COMMITMENT"] }]).to_string();
    let (status, report) = import(
        &app,
        Some(&admin),
        "signatures",
        "application/json",
        row,
        &[],
    )
    .await;
    assert_eq!(
        (status, report["updated"].clone()),
        (200, json!(1)),
        "{report}"
    );
    let changed: Value = get(&app, &since_query("/api/v1/signatories", after_seed))
        .await
        .json()
        .await
        .expect("json");
    let codes: Vec<&str> = changed["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["code"].as_str())
        .collect();
    assert_eq!(codes, ["2282"], "exactly the changed signatory");

    let plan =
        json!([{ "organisation_code": "2282", "title": "Plan", "adopted_on": "2021-01-01" }])
            .to_string();
    import(
        &app,
        Some(&admin),
        "action-plans",
        "application/json",
        plan,
        &[],
    )
    .await;
    let mark = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let none: Value = get(&app, &since_query("/api/v1/action-plans", mark))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(none["count"], 0);
    let follow_up = json!([{ "organisation_code": "2282", "action_plan_title": "Plan", "reported_on": "2022-01-01", "summary": "Done" }]).to_string();
    let (status, report) = import(
        &app,
        Some(&admin),
        "follow-ups",
        "application/json",
        follow_up,
        &[],
    )
    .await;
    assert_eq!(
        (status, report["created"].clone()),
        (200, json!(1)),
        "{report}"
    );
    let plans: Value = get(&app, &since_query("/api/v1/action-plans", mark))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        plans["count"], 1,
        "a new follow-up report shows its plan as changed"
    );
    assert_eq!(plans["values"][0]["follow_ups"][0]["summary"], "Done");
}
