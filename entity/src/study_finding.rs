//! A finding, recommendation or proposal of a study.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "study_finding")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub study_id: i32,
    /// FINDING, CONCLUSION, RECOMMENDATION or CEMR_PROPOSAL.
    pub kind: String,
    pub number: i32,
    pub title: String,
    pub text: String,
    pub section: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
