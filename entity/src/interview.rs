//! One interviewee's interview: personal data, readable by researchers and admins only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "interview")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub study_id: i32,
    /// The study's own reference (e.g. "I01").
    pub reference: String,
    pub respondent_group_id: i32,
    pub participant_id: Option<i32>,
    /// Interviewees interviewed together share a session.
    pub session: String,
    pub role: String,
    pub gender: String,
    pub held_on: String,
    pub duration_minutes: i32,
    pub digital: bool,
    pub data_origin: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
