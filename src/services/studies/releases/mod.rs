//! Releases: a study's public statistics are frozen, numbered snapshots. A study is a
//! DRAFT, invisible to the public, until a researcher or administrator publishes its
//! first release; later interviews change nothing public until the next one. A release
//! can be withdrawn (never deleted): it then stops being served to the public, and the
//! latest release still published, if any, is current again.
//!
//! Every release is protected against itself and against every earlier release of the
//! study (withdrawn ones included: they were public once), see `disclosure`.

pub mod compute;
pub mod data;
pub mod figures;
mod summaries;
pub mod tables;

use crate::auth::policy;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::studies::disclosure::EarlierRelease;
use crate::services::writing::{self, RequestContext, Validator};
use chrono::Utc;
use compute::{Basis, Computed};
use entity::{study, study_release};
use figures::ReleaseFigures;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// A release's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseStatus {
    /// Public.
    Published,
    /// No longer served to the public; kept, with who withdrew it, when and why.
    Withdrawn,
}

impl ReleaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "PUBLISHED",
            Self::Withdrawn => "WITHDRAWN",
        }
    }

    pub fn of(release: &study_release::Model) -> Self {
        if release.status == Self::Withdrawn.as_str() {
            Self::Withdrawn
        } else {
            Self::Published
        }
    }
}

/// A study's releases, oldest first.
pub async fn releases(
    db: &impl ConnectionTrait,
    study_id: i32,
) -> AppResult<Vec<study_release::Model>> {
    Ok(study_release::Entity::find()
        .filter(study_release::Column::StudyId.eq(study_id))
        .order_by_asc(study_release::Column::Number)
        .all(db)
        .await?)
}

/// The release the public sees: the latest one still published.
pub async fn current(
    db: &impl ConnectionTrait,
    study_id: i32,
) -> AppResult<Option<study_release::Model>> {
    Ok(study_release::Entity::find()
        .filter(study_release::Column::StudyId.eq(study_id))
        .filter(study_release::Column::Status.eq(ReleaseStatus::Published.as_str()))
        .order_by_desc(study_release::Column::Number)
        .one(db)
        .await?)
}

/// The studies that have a published release.
pub async fn public_study_ids(db: &impl ConnectionTrait) -> AppResult<Vec<i32>> {
    let mut ids: Vec<i32> = study_release::Entity::find()
        .select_only()
        .column(study_release::Column::StudyId)
        .filter(study_release::Column::Status.eq(ReleaseStatus::Published.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The figures a release shows.
pub fn figures_of(release: &study_release::Model) -> AppResult<ReleaseFigures> {
    serde_json::from_str(&release.figures).map_err(|e| AppError::Internal(e.into()))
}

fn basis_of(release: &study_release::Model) -> AppResult<EarlierRelease> {
    let basis: Basis =
        serde_json::from_str(&release.basis).map_err(|e| AppError::Internal(e.into()))?;
    Ok(basis.into_iter().collect())
}

async fn compute_next(db: &impl ConnectionTrait, study_id: i32, k: u64) -> AppResult<Computed> {
    let earlier = releases(db, study_id)
        .await?
        .iter()
        .map(basis_of)
        .collect::<AppResult<Vec<_>>>()?;
    let records = data::load(db, study_id).await?;
    Ok(compute::compute(&records, &earlier, k))
}

/// What the next release would show, computed now (researchers and administrators).
pub async fn preview(
    db: &DatabaseConnection,
    request: &RequestContext,
    study_id: i32,
    k: u64,
) -> AppResult<ReleaseFigures> {
    policy::may_read_interviews(&request.caller)?;
    Ok(compute_next(db, study_id, k).await?.figures)
}

/// Publishes the next release of a study (researchers and administrators).
pub async fn publish(
    db: &DatabaseConnection,
    request: &RequestContext,
    study_id: i32,
    k: u64,
) -> AppResult<study_release::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let txn = writing::begin(db).await?;
    // Locks the study: interviews recorded meanwhile wait, so the release is computed
    // from one consistent set of records and numbers never collide.
    study::Entity::find_by_id(study_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::invalid("studyId", "NOT_FOUND", "no such study"))?;
    let Computed { figures, basis } = compute_next(&txn, study_id, k).await?;
    let number = releases(&txn, study_id)
        .await?
        .last()
        .map_or(1, |r| r.number + 1);
    let created = study_release::ActiveModel {
        study_id: Set(study_id),
        number: Set(number),
        status: Set(ReleaseStatus::Published.as_str().into()),
        min_group_size: Set(i32::try_from(k).unwrap_or(i32::MAX)),
        figures: Set(json(&figures)?),
        basis: Set(json(&basis)?),
        published_at: Set(Utc::now()),
        published_by: Set(actor.sub.clone()),
        withdrawn_at: Set(None),
        withdrawn_by: Set(None),
        withdrawal_reason: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::created(
            "study_release.publish",
            "StudyRelease",
            created.id,
            &created,
        ),
    )
    .await?;
    Ok(created)
}

/// Withdraws a published release; it is kept, and stops being served to the public.
pub async fn withdraw(
    db: &DatabaseConnection,
    request: &RequestContext,
    release_id: i32,
    reason: &str,
) -> AppResult<study_release::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let mut v = Validator::new();
    v.text("reason", reason, 2000);
    v.finish()?;
    let txn = writing::begin(db).await?;
    let before = study_release::Entity::find_by_id(release_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::invalid("releaseId", "NOT_FOUND", "no such release"))?;
    if ReleaseStatus::of(&before) == ReleaseStatus::Withdrawn {
        return Err(AppError::Conflict(
            "the release is already withdrawn".into(),
        ));
    }
    let mut change: study_release::ActiveModel = before.clone().into();
    change.status = Set(ReleaseStatus::Withdrawn.as_str().into());
    change.withdrawn_at = Set(Some(Utc::now()));
    change.withdrawn_by = Set(Some(actor.sub.clone()));
    change.withdrawal_reason = Set(Some(reason.trim().to_owned()));
    change.version = Set(before.version + 1);
    let after = change.update(&txn).await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::updated(
            "study_release.withdraw",
            "StudyRelease",
            after.id,
            &before,
            &after,
        ),
    )
    .await?;
    Ok(after)
}

fn json<T: serde::Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

/// A release, if the caller may see its study.
pub async fn release(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    id: i32,
) -> AppResult<Option<study_release::Model>> {
    let found = study_release::Entity::find_by_id(id).one(db).await?;
    match found {
        Some(r) if super::visibility::may_see(db, request, r.study_id).await? => Ok(Some(r)),
        _ => Ok(None),
    }
}
