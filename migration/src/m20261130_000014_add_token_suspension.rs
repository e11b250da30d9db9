//! API tokens suspended with the account that created them: disabling an account stops
//! its tokens, and only an administrator starts them again.

use sea_orm_migration::sea_orm::prelude::ChronoUtc;
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
            .alter_table(
                Table::alter()
                    .table(ApiToken::Table)
                    .add_column(timestamp_with_time_zone_null(ApiToken::SuspendedAt))
                    .to_owned(),
            )
            .await?;
        // Tokens of accounts disabled before this migration stop too, as the README
        // always promised.
        let suspend = Query::update()
            .table(ApiToken::Table)
            .value(ApiToken::SuspendedAt, Expr::value(ChronoUtc::now()))
            .and_where(Expr::col(ApiToken::RevokedAt).is_null())
            .and_where(
                Expr::col(ApiToken::CreatedBy).in_subquery(
                    Query::select()
                        .expr(Expr::cust("'account:' || CAST(id AS TEXT)"))
                        .from(Account::Table)
                        .and_where(Expr::col(Account::Disabled).eq(true))
                        .to_owned(),
                ),
            )
            .to_owned();
        manager.get_connection().execute(&suspend).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ApiToken::Table)
                    .drop_column(ApiToken::SuspendedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    SuspendedAt,
    RevokedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Disabled,
}
