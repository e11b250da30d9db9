use crate::error::AppError;
use crate::graphql::types::study::Study;
use crate::graphql::types::study_statistics::StudyStatistics;
use crate::graphql::{db, ids};
use crate::services::studies::reads;
use async_graphql::{Context, ID, Object, Result};

/// The small-group protection of study statistics, from configuration.
pub struct StudyPrivacy {
    pub min_group_size: u64,
}

#[derive(Default)]
pub struct StudyQuery;

#[Object]
impl StudyQuery {
    /// Follow-up studies of the charter, oldest first.
    async fn studies(&self, ctx: &Context<'_>) -> Result<Vec<Study>> {
        Ok(reads::studies(db(ctx)?)
            .await?
            .into_iter()
            .map(Study)
            .collect())
    }

    /// A study by its global id or its slug (e.g. "cemr-followup-2021"); null if none.
    async fn study(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> Result<Option<Study>> {
        let db = db(ctx)?;
        let found = match (id, slug) {
            (Some(id), None) => reads::study(db, ids::row_id(&id, "Study", "id")?).await?,
            (None, Some(slug)) => reads::study_by_slug(db, &slug).await?,
            _ => return Err(AppError::bad_input("give either `id` or `slug`").into()),
        };
        Ok(found.map(Study))
    }

    /// Protected statistics of a study: the interviewee table, signing years, action
    /// plans, ratings and coded answers. Breakdown cells of groups smaller than
    /// `minimumGroupSize` are suppressed (null, `suppressed: true`).
    async fn study_statistics(&self, ctx: &Context<'_>, study: ID) -> Result<StudyStatistics> {
        let study_id = ids::row_id(&study, "Study", "study")?;
        reads::study(db(ctx)?, study_id)
            .await?
            .ok_or_else(|| AppError::not_found("no such study"))?;
        let k = ctx.data::<StudyPrivacy>()?.min_group_size;
        Ok(StudyStatistics::new(study_id, k))
    }
}
