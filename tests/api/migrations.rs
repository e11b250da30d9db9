//! Migrations apply from empty, roll back completely, and apply again.

use crate::helpers::{Backend, TestDatabase, postgres_url};
use cemr_api::config::Settings;
use cemr_api::db;
use migration::{Migrator, MigratorTrait};

async fn migrates_up_down_and_up_again(backend: Backend) {
    let (_database, url) = TestDatabase::create(backend).await;
    let conn = db::connect(&Settings::for_database(url).database)
        .await
        .expect("connect");
    Migrator::up(&conn, None).await.expect("up from empty");
    let applied = Migrator::get_applied_migrations(&conn)
        .await
        .expect("applied")
        .len();
    assert_eq!(applied, Migrator::migrations().len());
    Migrator::down(&conn, None).await.expect("down to empty");
    assert!(
        Migrator::get_applied_migrations(&conn)
            .await
            .expect("applied")
            .is_empty()
    );
    Migrator::up(&conn, None).await.expect("up again");
    assert!(
        Migrator::get_pending_migrations(&conn)
            .await
            .expect("pending")
            .is_empty()
    );
}

#[tokio::test]
async fn sqlite_migrates_up_down_and_up_again() {
    migrates_up_down_and_up_again(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_migrates_up_down_and_up_again() {
    if postgres_url().is_some() {
        migrates_up_down_and_up_again(Backend::Postgres).await;
    }
}
