//! A focus area of a county board support record.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "county_board_support_focus")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub support_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub focus_area: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
