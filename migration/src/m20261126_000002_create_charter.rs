//! The charter's principles and articles, per edition of the text (2006; the 2022
//! revision adds articles 31–39).

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
                    .table(CharterPrinciple::Table)
                    .col(integer(CharterPrinciple::Number).primary_key())
                    .col(text(CharterPrinciple::TextEn))
                    .col(string_len(CharterPrinciple::Edition, 8))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CharterArticle::Table)
                    .col(integer(CharterArticle::Number).primary_key())
                    .col(string(CharterArticle::TitleEn))
                    .col(string(CharterArticle::TitleSv))
                    .col(string_len(CharterArticle::Part, 40))
                    .col(string_len(CharterArticle::Edition, 8))
                    .col(boolean(CharterArticle::TitleVerified))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CharterArticle::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CharterPrinciple::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CharterPrinciple {
    Table,
    Number,
    TextEn,
    Edition,
}

#[derive(DeriveIden)]
pub enum CharterArticle {
    Table,
    Number,
    TitleEn,
    TitleSv,
    Part,
    Edition,
    TitleVerified,
}
