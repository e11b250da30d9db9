//! A county board's support to an organisation in a year, with an assessment.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "county_board_support")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub county_board_id: i32,
    pub organisation_id: i32,
    pub year: i32,
    pub assessment: String,
    pub notes: Option<String>,
    /// Where the record comes from: SOURCED (with a citation) or DEMO.
    pub data_origin: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
