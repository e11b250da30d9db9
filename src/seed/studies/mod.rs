//! The 2021–2022 national follow-up as the default study: an anonymised reconstruction
//! consistent with every published figure, the report's own published texts, the figures
//! the report printed (with where), and its first release. See `data/study_2021/README.md`.
//! Each step is idempotent: the records load once (recognised by the slug), the rest is
//! added where missing, so databases seeded before releases existed catch up.

mod records;
mod release;
mod texts;

use anyhow::Context;
use entity::study;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

/// The slug of the 2021–2022 follow-up.
pub const STUDY_2021: &str = "cemr-followup-2021";

/// The minimum group size the seeded release is protected with: the report itself left
/// out the gender of its two groups of four.
pub const STUDY_2021_MIN_GROUP_SIZE: u64 = 5;

/// Loads what is missing of the study. Returns whether its records were loaded now.
pub async fn load(txn: &DatabaseTransaction) -> anyhow::Result<bool> {
    let existing = study::Entity::find()
        .filter(study::Column::Slug.eq(STUDY_2021))
        .one(txn)
        .await?;
    let (study, loaded) = match existing {
        Some(study) => (study, false),
        None => {
            let study = records::load_records(txn).await?;
            texts::load_texts(txn, study.id).await?;
            (study, true)
        }
    };
    crate::services::studies::recording::ensure_standard_codebooks(txn)
        .await
        .map_err(|e| anyhow::anyhow!(e.message()))
        .context("standard codebooks")?;
    release::load_source_figures(txn, study.id).await?;
    release::ensure_first_release(txn, study.id).await?;
    Ok(loaded)
}
