//! One audited write: who, when, which record, and its values before and after.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_sub: String,
    pub actor_role: String,
    pub actor_organisation_code: Option<String>,
    pub credential: String,
    pub action: String,
    pub record_type: String,
    pub record_id: String,
    /// JSON of the record before the write; None for a creation.
    pub before: Option<String>,
    /// JSON of the record after the write; None for a deletion.
    pub after: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
