use crate::error::AppError;
use crate::graphql::types::study::{Study, StudyStatistics};
use crate::graphql::{db, ids, request};
use crate::services::studies::releases::{self, ReleaseStatus};
use crate::services::studies::{reads, visibility};
use async_graphql::{Context, ID, Object, Result};

/// The small-group protection of study statistics, from configuration.
pub struct StudyPrivacy {
    pub min_group_size: u64,
}

#[derive(Default)]
pub struct StudyQuery;

#[Object]
impl StudyQuery {
    /// Follow-up studies of the charter, oldest first: those with a published release
    /// (researchers and administrators also see drafts).
    async fn studies(&self, ctx: &Context<'_>) -> Result<Vec<Study>> {
        Ok(reads::studies(db(ctx)?, request(ctx)?)
            .await?
            .into_iter()
            .map(Study)
            .collect())
    }

    /// A study by its global id or its slug (e.g. "cemr-followup-2021"); null if none,
    /// or if it is a draft and the caller is not a researcher or administrator.
    async fn study(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> Result<Option<Study>> {
        let db = db(ctx)?;
        let request = request(ctx)?;
        let found = match (id, slug) {
            (Some(id), None) => reads::study(db, request, ids::row_id(&id, "Study", "id")?).await?,
            (None, Some(slug)) => reads::study_by_slug(db, request, &slug).await?,
            _ => return Err(AppError::bad_input("give either `id` or `slug`").into()),
        };
        Ok(found.map(Study))
    }

    /// The public statistics of a study: its current release, or the release with the
    /// given number. Withheld counts are null with `suppressed: true`. `NOT_FOUND` for a
    /// study without a published release; a withdrawn release only for researchers and
    /// administrators.
    async fn study_statistics(
        &self,
        ctx: &Context<'_>,
        study: ID,
        release: Option<i32>,
    ) -> Result<StudyStatistics> {
        let db = db(ctx)?;
        let request = request(ctx)?;
        let study_id = ids::row_id(&study, "Study", "study")?;
        let not_found = || AppError::not_found("no published release of such a study");
        reads::study(db, request, study_id)
            .await?
            .ok_or_else(not_found)?;
        let chosen = match release {
            None => releases::current(db, study_id).await?,
            Some(number) => releases::releases(db, study_id)
                .await?
                .into_iter()
                .find(|r| r.number == number)
                .filter(|r| {
                    ReleaseStatus::of(r) == ReleaseStatus::Published
                        || visibility::sees_drafts(request)
                }),
        }
        .ok_or_else(not_found)?;
        let figures = releases::figures_of(&chosen)?;
        Ok(StudyStatistics::released(&chosen, figures))
    }
}
