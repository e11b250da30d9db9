//! A numbered, frozen release of a study's public statistics.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "study_release")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub study_id: i32,
    /// 1, 2, … within the study.
    pub number: i32,
    /// PUBLISHED or WITHDRAWN.
    pub status: String,
    /// The k the release was protected with.
    pub min_group_size: i32,
    /// The public figures, as JSON.
    pub figures: String,
    /// The true counts the figures were computed from, as JSON: restricted, kept so
    /// later releases can be protected against differencing with this one.
    #[serde(skip)]
    pub basis: String,
    pub published_at: DateTimeUtc,
    pub published_by: String,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub withdrawn_by: Option<String>,
    pub withdrawal_reason: Option<String>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
