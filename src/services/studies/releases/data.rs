//! The records a release is computed from, read in one go (restricted: only the release
//! computation sees them, never a transport).

use crate::error::AppResult;
use entity::{
    interview, interview_answer, respondent_group, study_code, study_codebook, study_participant,
    study_source_figure, support_programme,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// A codebook with its values in order.
#[derive(Debug, Clone)]
pub struct Codebook {
    pub book: study_codebook::Model,
    pub codes: Vec<study_code::Model>,
}

/// Everything a release is computed from.
pub struct StudyRecords {
    pub groups: Vec<respondent_group::Model>,
    pub participants: Vec<study_participant::Model>,
    pub interviews: Vec<interview::Model>,
    /// Answers by interview id.
    pub answers: HashMap<i32, Vec<interview_answer::Model>>,
    pub codebooks: Vec<Codebook>,
    pub programmes: Vec<support_programme::Model>,
    /// Figures the study's own report printed, by key: (value, citation).
    pub source: HashMap<String, (String, String)>,
}

/// The codebooks of a study, in the order they were defined.
pub async fn codebooks(db: &impl ConnectionTrait, study_id: i32) -> AppResult<Vec<Codebook>> {
    let books = study_codebook::Entity::find()
        .filter(study_codebook::Column::StudyId.eq(study_id))
        .order_by_asc(study_codebook::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = books.iter().map(|b| b.id).collect();
    let codes = study_code::Entity::find()
        .filter(study_code::Column::CodebookId.is_in(ids))
        .order_by_asc(study_code::Column::Position)
        .all(db)
        .await?;
    Ok(books
        .into_iter()
        .map(|book| Codebook {
            codes: codes
                .iter()
                .filter(|c| c.codebook_id == book.id)
                .cloned()
                .collect(),
            book,
        })
        .collect())
}

/// Reads a study's records.
pub async fn load(db: &impl ConnectionTrait, study_id: i32) -> AppResult<StudyRecords> {
    let groups = super::super::reads::groups(db, study_id).await?;
    let participants = study_participant::Entity::find()
        .filter(study_participant::Column::StudyId.eq(study_id))
        .order_by_asc(study_participant::Column::Id)
        .all(db)
        .await?;
    let interviews = interview::Entity::find()
        .filter(interview::Column::StudyId.eq(study_id))
        .order_by_asc(interview::Column::Id)
        .all(db)
        .await?;
    let mut answers: HashMap<i32, Vec<interview_answer::Model>> = HashMap::new();
    for answer in interview_answer::Entity::find()
        .inner_join(interview::Entity)
        .filter(interview::Column::StudyId.eq(study_id))
        .all(db)
        .await?
    {
        answers.entry(answer.interview_id).or_default().push(answer);
    }
    let source = study_source_figure::Entity::find()
        .filter(study_source_figure::Column::StudyId.eq(study_id))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.figure_key, (f.value, f.citation)))
        .collect();
    Ok(StudyRecords {
        groups,
        participants,
        interviews,
        answers,
        codebooks: codebooks(db, study_id).await?,
        programmes: crate::services::programmes::programmes(db).await?,
        source,
    })
}
