//! Schema migrations, one file per step, named `m<date>_<seq>_<verb>_<noun>`.
//!
//! Every migration runs inside a transaction on both engines (SQLite does not by default),
//! so a failed step leaves the schema as it was. Reference data is not loaded here: the
//! service seeds it idempotently after migrating, so corrections reach existing databases.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261126_000001_create_geography;
mod m20261126_000002_create_charter;
mod m20261126_000003_create_support_programmes;
mod m20261126_000004_create_register;
mod m20261126_000005_create_access;
mod m20261126_000006_create_studies;
mod m20261126_000007_create_idempotency;
pub mod m20261130_000008_add_unique_keys;
mod m20261130_000010_create_study_releases;
mod m20261130_000013_create_login_throttle;
mod m20261130_000014_add_token_suspension;
mod m20261130_000015_add_plan_missing_fact;
mod m20261130_000016_create_change_feed;
mod m20261130_000017_create_webhooks;

/// The ordered list of all migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_geography::Migration),
            Box::new(m20261126_000002_create_charter::Migration),
            Box::new(m20261126_000003_create_support_programmes::Migration),
            Box::new(m20261126_000004_create_register::Migration),
            Box::new(m20261126_000005_create_access::Migration),
            Box::new(m20261126_000006_create_studies::Migration),
            Box::new(m20261126_000007_create_idempotency::Migration),
            // Before the unique keys: seeding (which writes study releases) must work on
            // a database migrated up to them, as their migration test does.
            Box::new(m20261130_000010_create_study_releases::Migration),
            Box::new(m20261130_000013_create_login_throttle::Migration),
            Box::new(m20261130_000014_add_token_suspension::Migration),
            Box::new(m20261130_000015_add_plan_missing_fact::Migration),
            // Before the unique keys too: seeding records a feed event.
            Box::new(m20261130_000016_create_change_feed::Migration),
            Box::new(m20261130_000008_add_unique_keys::Migration),
            Box::new(m20261130_000017_create_webhooks::Migration),
        ]
    }
}
