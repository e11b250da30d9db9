//! A county board's gender-mainstreaming strategy for a period.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "county_board_strategy")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub county_board_id: i32,
    pub period_start_year: i32,
    pub period_end_year: i32,
    pub title: String,
    pub document_url: Option<String>,
    pub source: String,
    /// Where the record comes from: SOURCED (with a citation) or DEMO.
    pub data_origin: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
