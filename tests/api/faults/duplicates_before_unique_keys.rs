//! A database written before the unique keys existed may hold duplicates: the migration
//! that adds the keys resolves them (renames plans, removes repeated follow-ups and
//! participations) and writes every change to the audit log.

use crate::helpers::{Backend, TestDatabase, postgres_url};
use cemr_api::config::Settings;
use cemr_api::{db, seed};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};

async fn run(db: &DatabaseConnection, sql: &str, values: Vec<Value>) {
    let sql = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let mut n = 0;
        sql.chars()
            .map(|c| {
                if c == '?' {
                    n += 1;
                    format!("${n}")
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        sql.to_owned()
    };
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql.clone(),
        values,
    ))
    .await
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn strings(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .into_iter()
        .map(|row| row.try_get_by_index::<String>(0).expect("text"))
        .collect()
}

async fn resolves_duplicates(backend: Backend) {
    let (_database, url) = TestDatabase::create(backend).await;
    let conn = db::connect(&Settings::for_database(url).database)
        .await
        .expect("connect");
    let before_keys = Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m20261130_000008_add_unique_keys")
        .expect("the unique keys migration");
    Migrator::up(
        &conn,
        Some(u32::try_from(before_keys).expect("few migrations")),
    )
    .await
    .expect("the migrations before the unique keys");
    seed::reference::load(&conn).await.expect("reference data");
    let now = chrono::Utc::now();
    let org = "(SELECT id FROM organisation WHERE code = '0180')";
    let programme = "(SELECT id FROM support_programme WHERE code = 'MODELLKONCEPTET')";
    for title in [
        "Jämställdhetsplan",
        "JÄMSTÄLLDHETSPLAN",
        " jämställdhetsplan  ",
    ] {
        run(
            &conn,
            &format!(
                "INSERT INTO action_plan (organisation_id, title, adopted_on, decision_body, priorities, \
                 resources, data_origin, version, created_at, updated_at) \
                 VALUES ({org}, ?, '2020-01-01', 'UNKNOWN', '', '', 'REPORTED', 1, ?, ?)"
            ),
            vec![title.into(), now.into(), now.into()],
        )
        .await;
    }
    let first_plan = "(SELECT MIN(id) FROM action_plan)";
    for (summary, at) in [("older", now - chrono::Duration::days(1)), ("newer", now)] {
        run(
            &conn,
            &format!(
                "INSERT INTO follow_up_report (action_plan_id, reported_on, summary, data_origin, \
                 version, created_at, updated_at) VALUES ({first_plan}, '2021-01-01', ?, 'REPORTED', 1, ?, ?)"
            ),
            vec![summary.into(), at.into(), at.into()],
        )
        .await;
        run(
            &conn,
            &format!(
                "INSERT INTO programme_participation (organisation_id, programme_id, from_year, to_year, \
                 role, data_origin, version, created_at, updated_at) \
                 VALUES ({org}, {programme}, 2016, NULL, 'PARTICIPANT', ?, 1, ?, ?)"
            ),
            vec![summary.to_uppercase().into(), at.into(), at.into()],
        )
        .await;
    }

    Migrator::up(&conn, None).await.expect("the unique keys");

    let titles = strings(&conn, "SELECT title FROM action_plan ORDER BY id").await;
    assert_eq!(
        titles,
        [
            "Jämställdhetsplan",
            "JÄMSTÄLLDHETSPLAN (2)",
            "jämställdhetsplan (3)"
        ],
        "the oldest plan keeps its title, later ones are renamed"
    );
    let keys = strings(&conn, "SELECT title_key FROM action_plan ORDER BY id").await;
    assert_eq!(
        keys,
        [
            "jämställdhetsplan",
            "jämställdhetsplan (2)",
            "jämställdhetsplan (3)"
        ]
    );
    let summaries = strings(&conn, "SELECT summary FROM follow_up_report").await;
    assert_eq!(
        summaries,
        ["newer"],
        "the most recently updated follow-up stays"
    );
    let origins = strings(&conn, "SELECT data_origin FROM programme_participation").await;
    assert_eq!(
        origins,
        ["NEWER"],
        "the most recently updated participation stays"
    );
    let audited = strings(
        &conn,
        "SELECT action FROM audit_entry WHERE actor_sub = 'migration' ORDER BY id",
    )
    .await;
    assert_eq!(
        audited,
        [
            "action_plan.rename_duplicate",
            "action_plan.rename_duplicate",
            "follow_up_report.remove_duplicate",
            "programme_participation.remove_duplicate"
        ]
    );
    let removed = strings(
        &conn,
        "SELECT before FROM audit_entry WHERE action = 'follow_up_report.remove_duplicate'",
    )
    .await;
    assert!(
        removed[0].contains("older"),
        "the removed row's values are kept: {removed:?}"
    );
}

#[tokio::test]
async fn sqlite_migration_resolves_duplicates_written_before_the_unique_keys() {
    resolves_duplicates(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_migration_resolves_duplicates_written_before_the_unique_keys() {
    if postgres_url().is_some() {
        resolves_duplicates(Backend::Postgres).await;
    } else {
        eprintln!("TEST_DATABASE_URL is not set: the PostgreSQL variant did not run");
    }
}

#[test]
fn the_migration_keys_titles_as_the_service_does() {
    use cemr_api::domain::names::search_key;
    use migration::m20261130_000008_add_unique_keys::title_key;
    for title in [
        "Jämställdhetsplan 2024",
        "  ÅTGÄRDSPLAN\tför  Ö-vik ",
        "Plan (2)",
        "ÆØÅ ÉÜ ß",
        "",
    ] {
        assert_eq!(title_key(title), search_key(title), "{title:?}");
    }
}
