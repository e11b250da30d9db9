//! The test rig itself: tests that cannot fail are worse than none. The fingerprint
//! notices a changed value in any table, and PostgreSQL variants never pass silently.

use crate::helpers::{TestApp, fingerprint, on_both_engines};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait};

on_both_engines!(demo: the_fingerprint_notices_a_changed_value_in_any_table);

/// Text columns of a table, from the catalogue.
async fn text_columns(db: &impl ConnectionTrait, table: &str) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::Sqlite => format!(
            "SELECT name FROM pragma_table_info('{table}') \
             WHERE lower(type) LIKE '%char%' OR lower(type) LIKE '%text%'"
        ),
        _ => format!(
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}' \
             AND data_type IN ('text', 'character varying')"
        ),
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("columns")
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect()
}

async fn the_fingerprint_notices_a_changed_value_in_any_table(app: TestApp) {
    let db = app.db().await;
    let before = fingerprint(&db).await;
    let tables: Vec<String> = before.tables().map(str::to_owned).collect();
    let mut noticed = Vec::new();
    for table in &tables {
        let txn = db.begin().await.expect("begin");
        for column in text_columns(&txn, table).await {
            // A savepoint per attempt: a constraint may refuse this column's change.
            let attempt = txn.begin().await.expect("savepoint");
            let sql = format!(
                "UPDATE \"{table}\" SET \"{column}\" = \"{column}\" || 'x' WHERE \"{column}\" IS NOT NULL"
            );
            let changed = attempt
                .execute_unprepared(&sql)
                .await
                .is_ok_and(|r| r.rows_affected() > 0);
            if changed {
                let after = fingerprint(&attempt).await;
                let bookkeeping = (table == "api_token" && column == "last_used_at")
                    || (table == "account" && column == "last_login_at");
                assert_eq!(after == before, bookkeeping, "{table}.{column}");
                if !bookkeeping {
                    noticed.push(table.clone());
                }
            }
            attempt.rollback().await.expect("rollback");
            if noticed.last() == Some(table) {
                break;
            }
        }
        txn.rollback().await.expect("rollback");
    }
    assert_eq!(
        fingerprint(&db).await,
        before,
        "the probe left a change behind"
    );
    // Among them the study tables the hand-written list once forgot.
    for table in [
        "study",
        "respondent_group",
        "study_participant",
        "interview",
        "interview_answer",
        "quote",
        "seminar",
        "study_finding",
    ] {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} is not fingerprinted"
        );
        assert!(
            noticed.iter().any(|t| t == table),
            "a change to {table} went unnoticed"
        );
    }
}

/// Runs this test binary's PostgreSQL variants of one module without a test database.
fn run_postgres_variants_without_a_database(ci: bool) -> std::process::Output {
    let mut command = std::process::Command::new(std::env::current_exe().expect("test binary"));
    command
        .args([
            "health::",
            "--skip",
            "sqlite",
            "--skip",
            "request_id_sent",
            "--test-threads",
            "2",
        ])
        .env_remove("TEST_DATABASE_URL")
        .env_remove("CI");
    if ci {
        command.env("CI", "true");
    }
    command.output().expect("the test binary runs")
}

#[test]
fn a_missing_test_database_fails_under_ci_and_is_noted_once_elsewhere() {
    let under_ci = run_postgres_variants_without_a_database(true);
    let said = String::from_utf8_lossy(&under_ci.stdout);
    assert!(
        !under_ci.status.success(),
        "CI passed without PostgreSQL:\n{said}"
    );
    assert!(said.contains("TEST_DATABASE_URL"), "{said}");

    let locally = run_postgres_variants_without_a_database(false);
    assert!(locally.status.success());
    let noted = String::from_utf8_lossy(&locally.stderr);
    assert_eq!(
        noted.matches("TEST_DATABASE_URL is not set").count(),
        1,
        "not exactly one note: {noted}"
    );
    assert!(String::from_utf8_lossy(&locally.stdout).contains("2 passed"));
}
