//! A quote as a study published it, with its coarse attribution only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "quote")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub study_id: i32,
    pub text: String,
    /// As printed, e.g. "Strateg, kommun".
    pub attribution: String,
    pub role: String,
    pub organisation_kind: String,
    pub section: String,
    /// Theme keywords separated by "|".
    pub themes: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
