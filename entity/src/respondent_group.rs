//! A group of respondents in a study: the members' representatives, or a group that is not a member (SKR, experts).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "respondent_group")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub study_id: i32,
    pub code: String,
    pub label: String,
    pub description: String,
    /// Whether its respondents represent member organisations (participants).
    pub is_member: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
