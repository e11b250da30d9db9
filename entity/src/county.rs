//! A county (län), keyed by SCB's two-digit code.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "county")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    /// Swedish alphabetical order, computed by the service.
    pub sort_key: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_one = "super::county_board::Entity")]
    CountyBoard,
}

impl Related<super::county_board::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CountyBoard.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
