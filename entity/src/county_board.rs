//! A county administrative board (länsstyrelse), one per county.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "county_board")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub county_code: String,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::county::Entity",
        from = "Column::CountyCode",
        to = "super::county::Column::Code"
    )]
    County,
}

impl Related<super::county::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::County.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
