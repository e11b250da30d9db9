//! Webhooks: endpoints of regional systems that are sent the change feed's events. Each
//! row is both the registration and its delivery state: a cursor (the last position the
//! endpoint is done with), the failures of the event after it, when to try next, and a
//! lease that lets one replica at a time deliver to it.

use crate::columns::{timestamp, version};
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
                    .table(Webhook::Table)
                    .col(pk_auto(Webhook::Id))
                    .col(string_len(Webhook::Name, 200))
                    .col(string_len(Webhook::Url, 2048))
                    .col(integer_null(Webhook::OrganisationId))
                    .col(string_len(Webhook::OwnerRole, 16))
                    .col(string_len(Webhook::CreatedBy, 200))
                    .col(text(Webhook::RecordTypes))
                    .col(text(Webhook::ChangeKinds))
                    .col(text(Webhook::OrganisationCodes))
                    .col(text(Webhook::CountyCodes))
                    .col(string_len(Webhook::Secret, 128))
                    .col(timestamp_with_time_zone_null(Webhook::SecretRotatedAt))
                    .col(string_len(Webhook::Status, 16))
                    .col(string_len_null(Webhook::PausedReason, 500))
                    .col(timestamp_with_time_zone_null(Webhook::PausedAt))
                    .col(big_integer(Webhook::Cursor))
                    .col(integer(Webhook::ConsecutiveFailures).default(0))
                    // Unix milliseconds: compared in SQL on both engines alike.
                    .col(big_integer(Webhook::NextAttemptAt))
                    .col(big_integer(Webhook::LeaseUntil).default(0))
                    .col(string_len_null(Webhook::LeaseOwner, 64))
                    .col(timestamp_with_time_zone_null(Webhook::LastDeliveryAt))
                    .col(integer_null(Webhook::LastDeliveryStatus))
                    .col(string_len_null(Webhook::LastError, 500))
                    .col(timestamp_with_time_zone_null(Webhook::LastSuccessAt))
                    .col(version(Webhook::Version))
                    .col(timestamp(Webhook::CreatedAt))
                    .col(timestamp(Webhook::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_organisation")
                            .from(Webhook::Table, Webhook::OrganisationId)
                            .to(Organisation::Table, Organisation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_organisation")
                    .table(Webhook::Table)
                    .col(Webhook::OrganisationId)
                    .to_owned(),
            )
            .await?;
        // The delivery worker's claim looks for active endpoints that are due.
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_due")
                    .table(Webhook::Table)
                    .col(Webhook::Status)
                    .col(Webhook::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Webhook::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Webhook {
    Table,
    Id,
    Name,
    Url,
    OrganisationId,
    OwnerRole,
    CreatedBy,
    RecordTypes,
    ChangeKinds,
    OrganisationCodes,
    CountyCodes,
    Secret,
    SecretRotatedAt,
    Status,
    PausedReason,
    PausedAt,
    Cursor,
    ConsecutiveFailures,
    NextAttemptAt,
    LeaseUntil,
    LeaseOwner,
    LastDeliveryAt,
    LastDeliveryStatus,
    LastError,
    LastSuccessAt,
    Version,
    CreatedAt,
    UpdatedAt,
}
