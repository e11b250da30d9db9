//! How many people (and organisations) of a group attended a seminar.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "seminar_attendance")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seminar_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub group_name: String,
    pub organisations: Option<i32>,
    pub participants: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
