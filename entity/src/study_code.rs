//! One allowed value of a codebook, with its labels and its place in the codebook's order.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "study_code")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub codebook_id: i32,
    pub position: i32,
    pub value: String,
    pub label_sv: String,
    pub label_en: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
