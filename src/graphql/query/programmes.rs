use crate::graphql::db;
use crate::graphql::types::programme::SupportProgramme;
use crate::services::programmes;
use async_graphql::{Context, Object, Result};

#[derive(Default)]
pub struct ProgrammeQuery;

#[Object]
impl ProgrammeQuery {
    /// SKR's support programmes, oldest first.
    async fn support_programmes(&self, ctx: &Context<'_>) -> Result<Vec<SupportProgramme>> {
        Ok(programmes::programmes(db(ctx)?)
            .await?
            .into_iter()
            .map(SupportProgramme)
            .collect())
    }

    /// A support programme by its code, e.g. "MODELLKONCEPTET"; null if there is none.
    async fn support_programme(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> Result<Option<SupportProgramme>> {
        Ok(programmes::programme_by_code(db(ctx)?, &code)
            .await?
            .map(SupportProgramme))
    }
}
