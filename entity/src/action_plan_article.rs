//! A charter article an action plan addresses.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_plan_article")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub action_plan_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub article_number: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
