//! An equality action plan of an organisation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "action_plan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: i32,
    pub title: String,
    /// The title as titles compare (trimmed, white space collapsed, lower case): unique
    /// per organisation, and the key imports match plans by.
    pub title_key: String,
    /// None while the plan is only intended.
    pub adopted_on: Option<String>,
    pub decision_body: String,
    pub period_start_year: Option<i32>,
    pub period_end_year: Option<i32>,
    pub priorities: String,
    pub resources: String,
    pub document_url: Option<String>,
    /// Where the record comes from: SOURCED (with a citation) or DEMO.
    pub data_origin: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
