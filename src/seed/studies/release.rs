//! The figures the 2021 report printed, with where (`published_figures.csv`), and the
//! study's first release, computed and protected like any other.

use super::STUDY_2021_MIN_GROUP_SIZE;
use super::records::rows;
use crate::services::studies::releases::{self, compute, data};
use anyhow::Context;
use chrono::Utc;
use entity::{study_release, study_source_figure};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};
use serde::Deserialize;
use std::collections::HashSet;

#[derive(Deserialize)]
struct SourceFigureRow {
    key: String,
    value: String,
    citation: String,
}

/// Adds the printed figures that are not on record yet.
pub(super) async fn load_source_figures(
    txn: &DatabaseTransaction,
    study_id: i32,
) -> anyhow::Result<()> {
    let known: HashSet<String> = study_source_figure::Entity::find()
        .filter(study_source_figure::Column::StudyId.eq(study_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|f| f.figure_key)
        .collect();
    let printed: Vec<SourceFigureRow> = rows(
        "published_figures.csv",
        include_str!("../data/study_2021/published_figures.csv"),
    )?;
    for row in printed.into_iter().filter(|r| !known.contains(&r.key)) {
        study_source_figure::ActiveModel {
            study_id: Set(study_id),
            figure_key: Set(row.key),
            value: Set(row.value),
            citation: Set(row.citation),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Publishes release 1 unless the study has a release.
pub(super) async fn ensure_first_release(
    txn: &DatabaseTransaction,
    study_id: i32,
) -> anyhow::Result<()> {
    if !releases::releases(txn, study_id)
        .await
        .map_err(|e| anyhow::anyhow!(e.message()))?
        .is_empty()
    {
        return Ok(());
    }
    let records = data::load(txn, study_id)
        .await
        .map_err(|e| anyhow::anyhow!(e.message()))?;
    let computed = compute::compute(&records, &[], STUDY_2021_MIN_GROUP_SIZE);
    study_release::ActiveModel {
        study_id: Set(study_id),
        number: Set(1),
        status: Set(releases::ReleaseStatus::Published.as_str().into()),
        min_group_size: Set(STUDY_2021_MIN_GROUP_SIZE as i32),
        figures: Set(serde_json::to_string(&computed.figures).context("release figures")?),
        basis: Set(serde_json::to_string(&computed.basis).context("release basis")?),
        published_at: Set(Utc::now()),
        published_by: Set("seed".into()),
        withdrawn_at: Set(None),
        withdrawn_by: Set(None),
        withdrawal_reason: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}
