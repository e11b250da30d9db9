//! A study's codebook for one coded dimension: its level, whether an interview may give
//! several values, and its labels. The allowed values are `study_code` rows.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "study_codebook")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub study_id: i32,
    /// The coded question, e.g. "RATING".
    pub dimension: String,
    /// PERSON (each interviewee answers) or ORGANISATION (one fact per organisation).
    pub level: String,
    /// Whether one interview may give several values (e.g. motives).
    pub multiple: bool,
    pub label_sv: String,
    pub label_en: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
