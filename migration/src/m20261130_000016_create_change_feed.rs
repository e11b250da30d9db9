//! The change feed: one row per audited change, written by the change's own transaction
//! with no position, and numbered (`position`) by that transaction just before it
//! commits. Positions are unique, increase in commit order and leave no gaps, so a reader
//! that has seen position N has seen every change committed before it.

use crate::columns::timestamp;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChangeEvent::Table)
                    .col(big_pk_auto(ChangeEvent::Id))
                    .col(big_integer_null(ChangeEvent::Position).unique_key())
                    .col(big_integer_null(ChangeEvent::TransactionStart))
                    .col(string_len(ChangeEvent::RecordType, 64))
                    .col(string_len(ChangeEvent::RecordId, 64))
                    .col(string_len_null(ChangeEvent::OrganisationCode, 16))
                    .col(string_len(ChangeEvent::Kind, 16))
                    .col(string_len(ChangeEvent::Action, 64))
                    .col(text(ChangeEvent::ChangedFields))
                    .col(string_len(ChangeEvent::Visibility, 16))
                    .col(timestamp(ChangeEvent::CreatedAt))
                    .col(timestamp_with_time_zone_null(ChangeEvent::CommittedAt))
                    .to_owned(),
            )
            .await?;
        // Sealing looks for its transaction's unnumbered rows; numbered rows are the
        // overwhelming majority and stay out of this index on both engines.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_change_event_pending ON change_event (id) \
                 WHERE position IS NULL",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_change_event_record")
                    .table(ChangeEvent::Table)
                    .col(ChangeEvent::RecordType)
                    .col(ChangeEvent::RecordId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChangeEvent::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ChangeEvent {
    Table,
    Id,
    Position,
    TransactionStart,
    RecordType,
    RecordId,
    OrganisationCode,
    Kind,
    Action,
    ChangedFields,
    Visibility,
    CreatedAt,
    CommittedAt,
}
