use crate::graphql::db;
use crate::graphql::types::charter::{CharterArticle, CharterPrinciple};
use crate::graphql::types::labels::{self, EnumLabels};
use crate::services::charter;
use async_graphql::{Context, Object, Result};

#[derive(Default)]
pub struct CharterQuery;

#[Object]
impl CharterQuery {
    /// The Swedish and English labels of every value of the register's enums
    /// (statuses, kinds, decision bodies, origins, …), each enum under its schema name.
    async fn enum_labels(&self) -> Vec<EnumLabels> {
        labels::all()
    }

    /// The charter's six principles, in order.
    async fn charter_principles(&self, ctx: &Context<'_>) -> Result<Vec<CharterPrinciple>> {
        Ok(charter::principles(db(ctx)?)
            .await?
            .into_iter()
            .map(CharterPrinciple)
            .collect())
    }

    /// The charter's articles in number order; only those introduced by one edition of
    /// the text when `edition` is given ("2006").
    async fn charter_articles(
        &self,
        ctx: &Context<'_>,
        edition: Option<String>,
    ) -> Result<Vec<CharterArticle>> {
        let rows = charter::articles(db(ctx)?, edition.as_deref()).await?;
        Ok(rows.into_iter().map(CharterArticle).collect())
    }

    /// An article by its number; null if there is none.
    async fn charter_article(
        &self,
        ctx: &Context<'_>,
        number: i32,
    ) -> Result<Option<CharterArticle>> {
        Ok(charter::article(db(ctx)?, number)
            .await?
            .map(CharterArticle))
    }
}
