//! The fact that a signatory's action plan is known to be missing, with its source: the
//! register calls a signatory `OVERDUE` only on such evidence, and says
//! `NO_PLAN_ON_RECORD` when it merely has no plan on record after the due date.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Signature::Table)
                    .add_column(string_null(Signature::PlanMissingOn))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Signature::Table)
                    .add_column(string_null(Signature::PlanMissingSource))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Signature::PlanMissingSource, Signature::PlanMissingOn] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Signature::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Signature {
    Table,
    /// The day on which the organisation was known to have no action plan (ISO date).
    PlanMissingOn,
    /// The citation that says so.
    PlanMissingSource,
}
