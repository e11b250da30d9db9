//! An organisation taking part in a study, under a pseudonym only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "study_participant")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub study_id: i32,
    /// The study's own reference (e.g. "P01").
    pub reference: String,
    pub pseudonym: String,
    pub kind: String,
    pub signatory_at_study: bool,
    pub signatory_note: Option<String>,
    pub size_class: Option<String>,
    pub support_use: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
