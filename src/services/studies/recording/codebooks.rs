//! Codebooks: a coded dimension and its allowed values, defined before interviews use
//! it and fixed from then on. Every study gets the standard codebooks when created.

use super::{duplicate, study_for_write};
use crate::auth::policy;
use crate::domain::codebook::{self, CodebookDef, CodebookLevel, fixed_shape, valid_code};
use crate::domain::study::is_code;
use crate::error::AppResult;
use crate::services::audit::{self, Change};
use crate::services::writing::{self, RequestContext, Validator};
use chrono::Utc;
use entity::{study, study_code, study_codebook};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use std::collections::HashSet;

async fn insert(
    db: &impl ConnectionTrait,
    study_id: i32,
    def: &CodebookDef,
) -> AppResult<study_codebook::Model> {
    let book = study_codebook::ActiveModel {
        study_id: Set(study_id),
        dimension: Set(def.dimension.clone()),
        level: Set(def.level.as_str().into()),
        multiple: Set(def.multiple),
        label_sv: Set(def.label_sv.trim().into()),
        label_en: Set(def.label_en.trim().into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(duplicate(
        "dimension",
        "the study has a codebook for this dimension",
    ))?;
    for (position, code) in def.values.iter().enumerate() {
        study_code::ActiveModel {
            codebook_id: Set(book.id),
            position: Set(position as i32 + 1),
            value: Set(code.value.clone()),
            label_sv: Set(code.label_sv.trim().into()),
            label_en: Set(code.label_en.trim().into()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(book)
}

/// Adds the standard codebooks a study does not have yet.
pub(super) async fn insert_standard(
    db: &impl ConnectionTrait,
    study: &study::Model,
) -> AppResult<()> {
    let existing: HashSet<String> = study_codebook::Entity::find()
        .filter(study_codebook::Column::StudyId.eq(study.id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.dimension)
        .collect();
    for def in codebook::standard(study.year) {
        if !existing.contains(&def.dimension) {
            insert(db, study.id, &def).await?;
        }
    }
    Ok(())
}

/// Gives every study the standard codebooks it lacks (studies entered before codebooks
/// existed). Idempotent.
pub async fn ensure_standard_codebooks(db: &impl ConnectionTrait) -> AppResult<()> {
    for study in study::Entity::find().all(db).await? {
        insert_standard(db, &study).await?;
    }
    Ok(())
}

/// Defines the codebook of a new dimension (researchers and administrators).
pub async fn define_codebook(
    db: &DatabaseConnection,
    request: &RequestContext,
    study_id: i32,
    def: CodebookDef,
) -> AppResult<study_codebook::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let mut v = Validator::new();
    v.check(
        is_code(&def.dimension) && def.dimension.len() <= 40,
        "dimension",
        "INVALID",
        "an upper-case code of at most 40 characters",
    );
    v.text("labelSv", &def.label_sv, 200);
    v.text("labelEn", &def.label_en, 200);
    if let Some((level, multiple)) = fixed_shape(&def.dimension) {
        v.check(
            def.level == level,
            "level",
            "INVALID",
            format!("{} is {}", def.dimension, level.as_str()),
        );
        v.check(
            def.multiple == multiple,
            "multiple",
            "INVALID",
            format!(
                "{} takes {} value",
                def.dimension,
                if multiple { "more than one" } else { "one" }
            ),
        );
    }
    v.check(
        !(def.level == CodebookLevel::Organisation && def.multiple),
        "multiple",
        "INVALID",
        "an organisation has one value per dimension",
    );
    v.check(
        def.values.len() >= if def.multiple { 2 } else { 1 } && def.values.len() <= 200,
        "values",
        "OUT_OF_RANGE",
        "1–200 values (at least 2 when several may be given)",
    );
    let mut seen = HashSet::new();
    for (n, code) in def.values.iter().enumerate() {
        v.check(
            valid_code(&def.dimension, &code.value),
            &format!("values.{n}.value"),
            "INVALID",
            format!("{:?} is not a valid {} code", code.value, def.dimension),
        );
        v.check(
            seen.insert(code.value.clone()),
            &format!("values.{n}.value"),
            "DUPLICATE",
            "listed twice",
        );
        v.text(&format!("values.{n}.labelSv"), &code.label_sv, 200);
        v.text(&format!("values.{n}.labelEn"), &code.label_en, 200);
    }
    let txn = writing::begin(db).await?;
    study_for_write(&txn, study_id).await?;
    let taken = study_codebook::Entity::find()
        .filter(study_codebook::Column::StudyId.eq(study_id))
        .filter(study_codebook::Column::Dimension.eq(def.dimension.clone()))
        .one(&txn)
        .await?;
    v.check(
        taken.is_none(),
        "dimension",
        "DUPLICATE",
        "the study has a codebook for this dimension",
    );
    v.finish()?;
    let created = insert(&txn, study_id, &def).await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::created(
            "study_codebook.define",
            "StudyCodebook",
            created.id,
            &created,
        ),
    )
    .await?;
    Ok(created)
}
