//! Idempotency keys of imports: the first result of a request, replayed on retries.

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
                    .table(IdempotencyRecord::Table)
                    .col(pk_auto(IdempotencyRecord::Id))
                    .col(string(IdempotencyRecord::ActorSub))
                    .col(string_len(IdempotencyRecord::IdempotencyKey, 200))
                    .col(string(IdempotencyRecord::Endpoint))
                    .col(string_len(IdempotencyRecord::RequestDigest, 64))
                    .col(integer(IdempotencyRecord::StatusCode))
                    .col(text(IdempotencyRecord::ResponseBody))
                    .col(timestamp(IdempotencyRecord::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_idempotency_actor_key")
                    .table(IdempotencyRecord::Table)
                    .col(IdempotencyRecord::ActorSub)
                    .col(IdempotencyRecord::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyRecord::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum IdempotencyRecord {
    Table,
    Id,
    ActorSub,
    IdempotencyKey,
    Endpoint,
    RequestDigest,
    StatusCode,
    ResponseBody,
    CreatedAt,
}
