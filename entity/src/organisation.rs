//! An organisation that can sign the charter: a municipality, a region, or another body.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// SCB code for municipalities (4 digits) and regions (the county's 2 digits);
    /// another stable code for other bodies.
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// Stored as text so new kinds need no migration.
    pub kind: String,
    pub county_code: Option<String>,
    /// The county for which this organisation carries regional responsibility: set for
    /// regions and for a municipality that is its own region (Gotland).
    #[sea_orm(unique)]
    pub regional_county_code: Option<String>,
    /// Lower-cased name for case-insensitive search beyond ASCII.
    pub search_name: String,
    /// Swedish alphabetical order, computed by the service.
    pub sort_key: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
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
