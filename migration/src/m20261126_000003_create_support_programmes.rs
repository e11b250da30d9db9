//! SKR's support programmes (Program för hållbar jämställdhet, Modellkonceptet, and any
//! programme that comes later).

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
                    .table(SupportProgramme::Table)
                    .col(pk_auto(SupportProgramme::Id))
                    .col(string_len_uniq(SupportProgramme::Code, 40))
                    .col(string(SupportProgramme::NameSv))
                    .col(string(SupportProgramme::NameEn))
                    .col(integer(SupportProgramme::StartYear))
                    .col(integer_null(SupportProgramme::EndYear))
                    .col(boolean(SupportProgramme::RequiresPoliticalCommitment))
                    .col(text(SupportProgramme::Description))
                    .col(version(SupportProgramme::Version))
                    .col(timestamp(SupportProgramme::CreatedAt))
                    .col(timestamp(SupportProgramme::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SupportProgramme::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum SupportProgramme {
    Table,
    Id,
    Code,
    NameSv,
    NameEn,
    StartYear,
    EndYear,
    RequiresPoliticalCommitment,
    Description,
    Version,
    CreatedAt,
    UpdatedAt,
}
