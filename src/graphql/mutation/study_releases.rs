//! Publishing and withdrawing study releases.

use crate::graphql::query::StudyPrivacy;
use crate::graphql::types::payload::{payload, respond};
use crate::graphql::types::study::StudyRelease;
use crate::graphql::{db, ids, request};
use crate::services::studies::releases;
use async_graphql::{Context, ID, Object, Result};

payload!(
    /// The result of publishing or withdrawing a release.
    StudyReleasePayload { release: StudyRelease }
);

#[derive(Default)]
pub struct StudyReleaseMutation;

#[Object]
impl StudyReleaseMutation {
    /// Publishes the next release of a study: its statistics computed now, protected,
    /// frozen and public from now on (researchers and administrators). The first release
    /// makes a draft study public.
    async fn publish_study_release(
        &self,
        ctx: &Context<'_>,
        study_id: ID,
    ) -> Result<StudyReleasePayload> {
        let k = ctx.data::<StudyPrivacy>()?.min_group_size;
        let result = match ids::row_id(&study_id, "Study", "studyId") {
            Ok(id) => releases::publish(db(ctx)?, request(ctx)?, id, k).await,
            Err(e) => Err(e),
        };
        respond(result, StudyRelease)
    }

    /// Withdraws a published release (researchers and administrators): it is kept and
    /// audited, and no longer served to the public. `CONFLICT` if already withdrawn.
    async fn withdraw_study_release(
        &self,
        ctx: &Context<'_>,
        release_id: ID,
        reason: String,
    ) -> Result<StudyReleasePayload> {
        let result = match ids::row_id(&release_id, "StudyRelease", "releaseId") {
            Ok(id) => releases::withdraw(db(ctx)?, request(ctx)?, id, &reason).await,
            Err(e) => Err(e),
        };
        respond(result, StudyRelease)
    }
}
