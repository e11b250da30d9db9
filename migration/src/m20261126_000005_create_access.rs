//! Accounts, API tokens and the audit log.

use crate::columns::{timestamp, version};
use crate::m20261126_000001_create_geography::Organisation;
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
                    .table(Account::Table)
                    .col(pk_auto(Account::Id))
                    .col(string_uniq(Account::Email))
                    .col(string(Account::PasswordHash))
                    .col(string_len(Account::Role, 16))
                    .col(integer_null(Account::OrganisationId))
                    .col(boolean(Account::Disabled))
                    .col(version(Account::Version))
                    .col(timestamp(Account::CreatedAt))
                    .col(timestamp(Account::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Account::LastLoginAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Account::Table, Account::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(pk_auto(ApiToken::Id))
                    .col(string(ApiToken::Name))
                    .col(string_len_uniq(ApiToken::TokenDigest, 64))
                    .col(string_len(ApiToken::DisplayPrefix, 16))
                    .col(string_len(ApiToken::Role, 16))
                    .col(integer_null(ApiToken::OrganisationId))
                    .col(boolean(ApiToken::CanWrite))
                    .col(string(ApiToken::CreatedBy))
                    .col(timestamp(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiToken::Table, ApiToken::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEntry::Table)
                    .col(big_pk_auto(AuditEntry::Id))
                    .col(timestamp(AuditEntry::At))
                    .col(string(AuditEntry::ActorSub))
                    .col(string_len(AuditEntry::ActorRole, 16))
                    .col(string_null(AuditEntry::ActorOrganisationCode))
                    .col(string_len(AuditEntry::Credential, 16))
                    .col(string_len(AuditEntry::Action, 64))
                    .col(string_len(AuditEntry::RecordType, 64))
                    .col(string_len(AuditEntry::RecordId, 64))
                    .col(text_null(AuditEntry::Before))
                    .col(text_null(AuditEntry::After))
                    .col(string_len_null(AuditEntry::RequestId, 64))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            (
                "idx_audit_record",
                vec![AuditEntry::RecordType, AuditEntry::RecordId],
            ),
            ("idx_audit_actor", vec![AuditEntry::ActorSub]),
            ("idx_audit_at", vec![AuditEntry::At]),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditEntry::Table);
            for c in col {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEntry::Table.into_iden(),
            ApiToken::Table.into_iden(),
            Account::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Email,
    PasswordHash,
    Role,
    OrganisationId,
    Disabled,
    Version,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    Name,
    TokenDigest,
    DisplayPrefix,
    Role,
    OrganisationId,
    CanWrite,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum AuditEntry {
    Table,
    Id,
    At,
    ActorSub,
    ActorRole,
    ActorOrganisationCode,
    Credential,
    Action,
    RecordType,
    RecordId,
    Before,
    After,
    RequestId,
}
