//! A motive given for a signing.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signature_motive")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub signature_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub motive: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
