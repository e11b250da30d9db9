//! Who sees which study: the public sees a study once it has a published release;
//! researchers and administrators see drafts too. Everything a study holds (texts,
//! groups, codebooks, figures) is visible exactly when the study is.

use crate::auth::policy;
use crate::error::AppResult;
use crate::services::studies::releases::{self, ReleaseStatus};
use crate::services::writing::RequestContext;
use entity::study;
use sea_orm::ConnectionTrait;

/// Where a study stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudyStatus {
    /// No release yet: invisible to the public.
    Draft,
    /// A release is published.
    Published,
    /// Every release was withdrawn: invisible to the public again.
    Withdrawn,
}

/// Whether the caller may see studies before they are published.
pub fn sees_drafts(request: &RequestContext) -> bool {
    policy::may_read_interviews(&request.caller).is_ok()
}

/// Where a study stands.
pub async fn status(db: &impl ConnectionTrait, study_id: i32) -> AppResult<StudyStatus> {
    let all = releases::releases(db, study_id).await?;
    Ok(if all.is_empty() {
        StudyStatus::Draft
    } else if all
        .iter()
        .any(|r| ReleaseStatus::of(r) == ReleaseStatus::Published)
    {
        StudyStatus::Published
    } else {
        StudyStatus::Withdrawn
    })
}

/// The study, if the caller may see it.
pub async fn visible(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    study: Option<study::Model>,
) -> AppResult<Option<study::Model>> {
    let Some(study) = study else {
        return Ok(None);
    };
    if sees_drafts(request) || status(db, study.id).await? == StudyStatus::Published {
        Ok(Some(study))
    } else {
        Ok(None)
    }
}

/// Whether the caller may see the study with this id.
pub async fn may_see(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    study_id: i32,
) -> AppResult<bool> {
    Ok(sees_drafts(request) || status(db, study_id).await? == StudyStatus::Published)
}
