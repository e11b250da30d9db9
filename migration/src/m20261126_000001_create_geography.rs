//! Counties (län), their administrative boards (länsstyrelser) and organisations
//! (municipalities, regions and other bodies that can sign the charter).

use crate::columns::{sort_key, timestamp, version};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        manager
            .create_table(
                Table::create()
                    .table(County::Table)
                    .col(string_len(County::Code, 2).primary_key())
                    .col(string(County::Name))
                    .col(sort_key(backend, County::SortKey))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CountyBoard::Table)
                    .col(pk_auto(CountyBoard::Id))
                    .col(string_len_uniq(CountyBoard::CountyCode, 2))
                    .col(string(CountyBoard::Name))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CountyBoard::Table, CountyBoard::CountyCode)
                            .to(County::Table, County::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Organisation::Table)
                    .col(pk_auto(Organisation::Id))
                    .col(string_len_uniq(Organisation::Code, 32))
                    .col(string(Organisation::Name))
                    .col(string_len(Organisation::Kind, 40))
                    .col(string_len_null(Organisation::CountyCode, 2))
                    .col(string_len_null(Organisation::RegionalCountyCode, 2).unique_key())
                    .col(string(Organisation::SearchName))
                    .col(sort_key(backend, Organisation::SortKey))
                    .col(version(Organisation::Version))
                    .col(timestamp(Organisation::CreatedAt))
                    .col(timestamp(Organisation::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Organisation::Table, Organisation::CountyCode)
                            .to(County::Table, County::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Organisation::Table, Organisation::RegionalCountyCode)
                            .to(County::Table, County::Code),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_organisation_kind", Organisation::Kind),
            ("idx_organisation_county", Organisation::CountyCode),
            ("idx_organisation_sort", Organisation::SortKey),
            ("idx_organisation_updated", Organisation::UpdatedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Organisation::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Organisation::Table.into_iden(),
            CountyBoard::Table.into_iden(),
            County::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum County {
    Table,
    Code,
    Name,
    SortKey,
}

#[derive(DeriveIden)]
pub enum CountyBoard {
    Table,
    Id,
    CountyCode,
    Name,
}

#[derive(DeriveIden)]
pub enum Organisation {
    Table,
    Id,
    Code,
    Name,
    Kind,
    CountyCode,
    RegionalCountyCode,
    SearchName,
    SortKey,
    Version,
    CreatedAt,
    UpdatedAt,
}
