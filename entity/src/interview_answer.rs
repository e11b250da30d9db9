//! A coded answer of an interview: a dimension (e.g. RATING, MOTIVE) and a value.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "interview_answer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub interview_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub dimension: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::interview::Entity",
        from = "Column::InterviewId",
        to = "super::interview::Column::Id"
    )]
    Interview,
}

impl Related<super::interview::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Interview.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
