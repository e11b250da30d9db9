//! A follow-up study of the charter.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "study")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// A stable, readable key, e.g. "cemr-followup-2021".
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub year: i32,
    pub period: String,
    pub commissioned_by: String,
    pub performed_by: String,
    pub method: String,
    pub description: String,
    pub data_origin: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
