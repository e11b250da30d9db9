//! Imports that hold against large bodies: a row cap per request, answers for every
//! row-count and size refusal, line numbers that stay right, and nothing written when an
//! import is refused.

use crate::helpers::{TestApp, admin_token, fingerprint, on_both_engines, on_both_engines_with};
use cemr_api::services::writing;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use serde_json::Value;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_both_engines_with!(|s| s.http.import_max_rows = 5; imports_above_the_row_cap_are_refused_before_any_write);
on_both_engines!(
    an_import_whose_client_went_away_writes_nothing,
    single_writes_go_through_while_a_100k_row_import_runs,
    row_errors_name_the_line_a_record_starts_on,
    follow_ups_and_participations_write_every_change_with_its_audit_and_feed_rows,
    imported_values_are_stored_exactly_and_fed_in_row_order,
);

async fn post(app: &TestApp, path: &str, content_type: &str, body: String) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(admin_token())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// `n` action-plan rows of `0180`, one title each, as CSV.
fn plan_rows(n: usize) -> String {
    let mut csv = String::from("organisation_code;title;adopted_on;article_numbers\n");
    for i in 0..n {
        csv.push_str(&format!("0180;Plan {i};2020-01-01;1|9\n"));
    }
    csv
}

async fn imports_above_the_row_cap_are_refused_before_any_write(app: TestApp) {
    let db = app.db().await;
    let before = fingerprint(&db).await;
    for (what, path, content_type, body) in [
        ("csv", "/api/v1/imports/action-plans", "text/csv", plan_rows(6)),
        (
            "dry run",
            "/api/v1/imports/action-plans?dry_run=true",
            "text/csv",
            plan_rows(6),
        ),
        (
            "json",
            "/api/v1/imports/action-plans",
            "application/json",
            serde_json::to_string(
                &(0..6)
                    .map(|i| serde_json::json!({ "organisation_code": "0180", "title": format!("Plan {i}") }))
                    .collect::<Vec<_>>(),
            )
            .expect("json"),
        ),
        (
            "unreadable rows count too",
            "/api/v1/imports/action-plans",
            "text/csv",
            format!("organisation_code;title\n{}", "x\n".repeat(6)),
        ),
    ] {
        let (status, problem) = post(&app, path, content_type, body).await;
        assert_eq!(status, 422, "{what}: {problem}");
        assert_eq!(problem["code"], "TOO_MANY_ROWS", "{what}: {problem}");
        assert_eq!(problem["limit"], 5, "{what}: {problem}");
        assert!(problem["detail"].as_str().is_some_and(|d| d.contains('5')));
        assert_eq!(fingerprint(&db).await, before, "{what}: nothing was written");
    }
    // At the cap exactly, the import goes through, and the header is not a row.
    let (status, report) = post(
        &app,
        "/api/v1/imports/action-plans",
        "text/csv",
        plan_rows(5),
    )
    .await;
    assert_eq!(
        (status, report["created"].clone()),
        (200, 5.into()),
        "{report}"
    );
}

async fn organisation_id(app: &TestApp, code: &str) -> i32 {
    entity::organisation::Entity::find()
        .filter(entity::organisation::Column::Code.eq(code))
        .one(&app.db().await)
        .await
        .expect("query")
        .expect("the organisation exists")
        .id
}

async fn an_import_whose_client_went_away_writes_nothing(app: TestApp) {
    let db = app.db().await;
    // Another writer holds the organisation (on SQLite, the database's one write lock),
    // so the import cannot finish before its client leaves.
    let holder = writing::begin(&db).await.expect("begin");
    writing::lock_organisation(&holder, organisation_id(&app, "0180").await)
        .await
        .expect("lock");
    let body = plan_rows(2_000);
    let port = app.address.rsplit(':').next().expect("port");
    let mut stream = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}"))
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/imports/action-plans HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\r\n",
        admin_token(),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("send");
    stream.write_all(body.as_bytes()).await.expect("send");
    // The client goes away: the server must end the connection without an answer (the
    // import was dropped), not wait for the lock and answer to nobody.
    stream.shutdown().await.expect("close");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut answer))
        .await
        .expect("the server ends the connection")
        .ok();
    assert!(
        answer.is_empty(),
        "no answer for a client that left: {}",
        String::from_utf8_lossy(&answer)
    );
    holder.rollback().await.expect("release");
    // A write queued behind the lock after the import would run after it: the import is
    // gone, so only this one row is written.
    let (status, report) = post(
        &app,
        "/api/v1/imports/action-plans",
        "text/csv",
        plan_rows(1),
    )
    .await;
    assert_eq!(
        (status, report["created"].clone()),
        (200, 1.into()),
        "{report}"
    );
    let plans: Value = app
        .client
        .get(app.url("/api/v1/action-plans?organisation=0180&limit=100"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(
        plans["count"], 1,
        "nothing of the abandoned import: {plans}"
    );
}

async fn single_writes_go_through_while_a_100k_row_import_runs(app: TestApp) {
    let rows = 100_000;
    let import = {
        let (client, url, body) = (
            app.client.clone(),
            app.url("/api/v1/imports/action-plans"),
            plan_rows(rows),
        );
        tokio::spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(admin_token())
                .header("content-type", "text/csv")
                .body(body)
                .send()
                .await
                .expect("import");
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        })
    };
    // One-row writes of another organisation, one after the other, for as long as the
    // import runs. The import reads and validates its rows without holding any lock, so
    // these go through at once meanwhile; only while it writes its rows (one short
    // transaction; long only in an unoptimised build) does one wait for it, and a wait
    // longer than the database's busy timeout answers 503 rather than failing otherwise.
    let mut quick_during_import = 0;
    let mut n = 0;
    while !import.is_finished() {
        n += 1;
        let started = Instant::now();
        let (status, report) = post(
            &app,
            "/api/v1/imports/action-plans",
            "application/json",
            serde_json::json!([{ "organisation_code": "1480", "title": format!("Probe {n}") }])
                .to_string(),
        )
        .await;
        let took = started.elapsed();
        assert!(
            status == 200 || (status == 503 && report["code"] == "DATABASE_UNAVAILABLE"),
            "a single write while the import runs: {status} {report}"
        );
        if status == 200 && took < Duration::from_secs(1) && !import.is_finished() {
            quick_during_import += 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, report) = import.await.expect("import task");
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], rows, "{report}");
    assert!(
        quick_during_import > 0,
        "a single write completed within a second while the import ran"
    );
}

async fn row_errors_name_the_line_a_record_starts_on(app: TestApp) {
    let db = app.db().await;
    let before = fingerprint(&db).await;
    // A quoted value spans lines 2–4, so the bad row after it is on line 5.
    let body = "organisation_code;title;priorities\n\
                0180;Plan A;\"one\ntwo\nthree\"\n\
                9999;Plan B;x\n\
                0180;Plan C;y\n\
                0180;Plan D;z;extra\n";
    let (status, problem) = post(
        &app,
        "/api/v1/imports/action-plans",
        "text/csv",
        body.into(),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let lines: Vec<(u64, String)> = problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["line"].as_u64().unwrap_or(0),
                e["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![(7, "INVALID".to_owned())],
        "a malformed row is reported first, on its own line: {problem}"
    );
    let body = body.replace(";extra", "");
    let (status, problem) = post(&app, "/api/v1/imports/action-plans", "text/csv", body).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["line"], 5, "{problem}");
    assert_eq!(problem["errors"][0]["code"], "NOT_FOUND", "{problem}");
    assert_eq!(
        problem["errors"].as_array().map(Vec::len),
        Some(1),
        "{problem}"
    );
    assert_eq!(fingerprint(&db).await, before);
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = app.db().await;
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("count query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

/// Audit entries and change-feed rows of one action.
async fn recorded(app: &TestApp, action: &str) -> (i64, i64) {
    (
        count(
            app,
            &format!("SELECT COUNT(*) FROM audit_entry WHERE action = '{action}'"),
        )
        .await,
        count(
            app,
            &format!("SELECT COUNT(*) FROM change_event WHERE action = '{action}'"),
        )
        .await,
    )
}

async fn import_json(app: &TestApp, kind: &str, rows: Value) -> (u16, Value) {
    post(
        app,
        &format!("/api/v1/imports/{kind}"),
        "application/json",
        rows.to_string(),
    )
    .await
}

fn counts(report: &Value) -> (u64, u64, u64) {
    let n = |k: &str| report[k].as_u64().unwrap_or(u64::MAX);
    (n("created"), n("updated"), n("unchanged"))
}

async fn follow_ups_and_participations_write_every_change_with_its_audit_and_feed_rows(
    app: TestApp,
) {
    use serde_json::json;
    let (status, report) = import_json(
        &app,
        "action-plans",
        json!([
            { "organisation_code": "0180", "title": "Plan A", "adopted_on": "2020-01-01" },
            { "organisation_code": "0181", "title": "Plan B", "adopted_on": "2020-01-01" },
            { "organisation_code": "0181", "title": "Draft" },
        ]),
    )
    .await;
    assert_eq!(status, 200, "{report}");

    let reports = |summary: &str| {
        json!([
            { "organisation_code": "0180", "action_plan_title": "plan a", "reported_on": "2021-01-01", "summary": "First" },
            { "organisation_code": "180", "action_plan_title": "Plan A", "reported_on": "2022-01-01", "summary": summary },
            { "organisation_code": "0181", "action_plan_title": "Plan B", "reported_on": "2021-06-01", "summary": "Third" },
        ])
    };
    let db = app.db().await;
    let before = fingerprint(&db).await;
    let (status, report) = post(
        &app,
        "/api/v1/imports/follow-ups?dry_run=true",
        "application/json",
        reports("Second").to_string(),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(counts(&report), (3, 0, 0), "{report}");
    assert_eq!(fingerprint(&db).await, before, "a dry run writes nothing");

    let (status, report) = import_json(&app, "follow-ups", reports("Second")).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(counts(&report), (3, 0, 0), "{report}");
    assert_eq!(recorded(&app, "follow_up_report.add").await, (3, 3));

    let (status, report) = import_json(&app, "follow-ups", reports("Second, revised")).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(counts(&report), (0, 1, 2), "{report}");
    assert_eq!(recorded(&app, "follow_up_report.update").await, (1, 1));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM follow_up_report WHERE summary = 'Second, revised' AND version = 2"
        )
        .await,
        1
    );

    // Every bad row is reported, and nothing of the good ones is written.
    let before = fingerprint(&db).await;
    let (status, problem) = import_json(
        &app,
        "follow-ups",
        json!([
            { "organisation_code": "0180", "action_plan_title": "Plan A", "reported_on": "2023-01-01", "summary": "Fine" },
            { "organisation_code": "0181", "action_plan_title": "Draft", "reported_on": "2023-01-01", "summary": "Not adopted" },
            { "organisation_code": "0180", "action_plan_title": "Plan A", "reported_on": "2019-01-01", "summary": "Before adoption" },
            { "organisation_code": "0180", "action_plan_title": "Nowhere", "reported_on": "2023-01-01", "summary": "No plan" },
        ]),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let errors: Vec<(u64, String)> = problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["line"].as_u64().unwrap_or(0),
                e["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (2, "INVALID".to_owned()),
            (3, "ORDER".to_owned()),
            (4, "NOT_FOUND".to_owned())
        ],
        "{problem}"
    );
    assert_eq!(fingerprint(&db).await, before);

    let participation = |code: &str, from: i32, to: Option<i32>| json!({ "organisation_code": code, "programme_code": "modellkonceptet", "from_year": from, "to_year": to });
    let (status, report) = import_json(
        &app,
        "programme-participations",
        json!([
            participation("0180", 2016, None),
            participation("0181", 2015, Some(2017))
        ]),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(counts(&report), (2, 0, 0), "{report}");
    assert_eq!(recorded(&app, "programme_participation.add").await, (2, 2));

    // Ending the open participation makes room for a later one in the same import.
    let (status, report) = import_json(
        &app,
        "programme-participations",
        json!([
            participation("0180", 2016, Some(2018)),
            participation("0180", 2019, None),
            participation("0181", 2015, Some(2017)),
        ]),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(counts(&report), (1, 1, 1), "{report}");
    assert_eq!(recorded(&app, "programme_participation.end").await, (1, 1));
    assert_eq!(recorded(&app, "programme_participation.add").await, (3, 3));

    let before = fingerprint(&db).await;
    let (status, problem) = import_json(
        &app,
        "programme-participations",
        json!([
            participation("0181", 2016, Some(2016)),
            participation("0182", 2020, None),
            participation("0182", 2021, Some(2022)),
            participation("0182", 2010, None),
        ]),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let errors: Vec<(u64, String)> = problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["line"].as_u64().unwrap_or(0),
                e["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (1, "DUPLICATE".to_owned()),
            (3, "DUPLICATE".to_owned()),
            (4, "OUT_OF_RANGE".to_owned())
        ],
        "{problem}"
    );
    assert_eq!(fingerprint(&db).await, before);
}

/// The stored plans of `0180` in id order: title, priorities, resources, document URL,
/// start year, version.
async fn stored_plans(
    app: &TestApp,
) -> Vec<(String, String, String, Option<String>, Option<i32>, i32)> {
    let db = app.db().await;
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT title, priorities, resources, document_url, period_start_year, version \
         FROM action_plan WHERE organisation_id = (SELECT id FROM organisation WHERE code = '0180') \
         ORDER BY id",
    ))
    .await
    .expect("plans")
    .iter()
    .map(|row| {
        (
            row.try_get_by_index(0).expect("title"),
            row.try_get_by_index(1).expect("priorities"),
            row.try_get_by_index(2).expect("resources"),
            row.try_get_by_index(3).expect("document_url"),
            row.try_get_by_index(4).expect("period_start_year"),
            row.try_get_by_index(5).expect("version"),
        )
    })
    .collect()
}

/// Rows are written in multi-row statements whose values travel differently per engine
/// (placeholders, or one JSON parameter on PostgreSQL): text with quotes, backslashes,
/// line breaks and non-ASCII letters, absent values and numbers come back as sent, and
/// the change feed numbers the new rows in the order of the import's rows.
async fn imported_values_are_stored_exactly_and_fed_in_row_order(app: TestApp) {
    use serde_json::json;
    let tricky = [
        (
            "Plan \"citat\" \\ bak",
            "rad 1\nrad 2",
            "\tflik",
            Some("https://example.se/p?a=1&b=2"),
        ),
        ("Plan ünïcode – ✓", "{\"inte\": [\"json\"]}", "", None),
        ("Plan 'apostrof'", "null", "100 %", None),
    ];
    let rows: Vec<Value> = tricky
        .iter()
        .enumerate()
        .map(|(i, (title, priorities, resources, url))| {
            json!({
                "organisation_code": "0180",
                "title": title,
                "priorities": priorities,
                "resources": resources,
                "document_url": url,
                "period_start_year": 2020 + i,
                "period_end_year": 2024,
            })
        })
        .collect();
    let (status, report) = import_json(&app, "action-plans", Value::from(rows.clone())).await;
    assert_eq!((status, counts(&report)), (200, (3, 0, 0)), "{report}");
    let expected = |version: i32, priorities: &[&str]| -> Vec<_> {
        tricky
            .iter()
            .zip(priorities)
            .enumerate()
            .map(|(i, ((title, _, resources, url), priorities))| {
                (
                    title.to_string(),
                    priorities.to_string(),
                    // Imported values are trimmed.
                    resources.trim().to_owned(),
                    url.map(str::to_owned),
                    Some(2020 + i as i32),
                    version,
                )
            })
            .collect()
    };
    let sent: Vec<&str> = tricky.iter().map(|t| t.1).collect();
    assert_eq!(stored_plans(&app).await, expected(1, &sent));
    // The feed numbers the rows in the order they were sent (ids in that order too).
    let db = app.db().await;
    let fed: Vec<String> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT c.record_id FROM change_event c WHERE c.action = 'action_plan.create' \
             ORDER BY c.position",
        ))
        .await
        .expect("feed")
        .iter()
        .map(|row| row.try_get_by_index(0).expect("record id"))
        .collect();
    let ids: Vec<String> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT CAST(id AS TEXT) FROM action_plan \
             WHERE organisation_id = (SELECT id FROM organisation WHERE code = '0180') ORDER BY id",
        ))
        .await
        .expect("ids")
        .iter()
        .map(|row| row.try_get_by_index(0).expect("id"))
        .collect();
    assert_eq!(fed, ids);
    // An update travels the same way, and only the changed rows move.
    let mut changed = rows;
    changed[1]["priorities"] = json!("ändrad \\ \"igen\"");
    let (status, report) = import_json(&app, "action-plans", Value::from(changed)).await;
    assert_eq!((status, counts(&report)), (200, (0, 1, 2)), "{report}");
    let mut now = expected(1, &[sent[0], "ändrad \\ \"igen\"", sent[2]]);
    now[1].5 = 2;
    assert_eq!(stored_plans(&app).await, now);
}
