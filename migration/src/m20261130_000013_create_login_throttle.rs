//! Login throttling that holds across replicas: failed-attempt counters per account and
//! per client address, and the devices that have logged in to an account before (which
//! an attacker's failures cannot lock out).

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
        // Times are Unix seconds: compared in SQL on both engines alike.
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottle::Table)
                    .col(string_len(LoginThrottle::ThrottleKey, 100).primary_key())
                    .col(integer(LoginThrottle::Failures))
                    .col(big_integer(LoginThrottle::LastAttemptAt))
                    .col(big_integer_null(LoginThrottle::BlockedUntil))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_throttle_last_attempt")
                    .table(LoginThrottle::Table)
                    .col(LoginThrottle::LastAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginDevice::Table)
                    .col(string_len(LoginDevice::TokenDigest, 64).primary_key())
                    .col(integer(LoginDevice::AccountId))
                    .col(timestamp(LoginDevice::CreatedAt))
                    .col(timestamp(LoginDevice::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LoginDevice::Table, LoginDevice::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_device_account")
                    .table(LoginDevice::Table)
                    .col(LoginDevice::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginDevice::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(LoginThrottle::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    ThrottleKey,
    Failures,
    LastAttemptAt,
    BlockedUntil,
}

#[derive(DeriveIden)]
enum LoginDevice {
    Table,
    TokenDigest,
    AccountId,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}
