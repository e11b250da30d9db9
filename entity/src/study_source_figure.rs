//! A figure a study's own published report printed, with where it is printed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "study_source_figure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub study_id: i32,
    /// The release figure it is, e.g. `interviewees/MEMBER/STRATEGIST/MAN`.
    pub figure_key: String,
    /// The value as printed.
    pub value: String,
    /// The page, table or section, e.g. "avsnitt 2.2, Tabell 1".
    pub citation: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
