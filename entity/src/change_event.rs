//! One entry of the change feed: a committed change of one record, numbered in commit
//! order (`position` is None only inside the transaction that wrote it).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Assigned when the writing transaction commits; unique, gap-free, in commit order.
    pub position: Option<i64>,
    /// The position of the first change of the same transaction: changes that share it
    /// committed together.
    pub transaction_start: Option<i64>,
    pub record_type: String,
    pub record_id: String,
    /// The organisation the record belongs to, when it belongs to one.
    pub organisation_code: Option<String>,
    /// CREATED, UPDATED, DELETED, NOTED or RELOADED.
    pub kind: String,
    /// The audited action, e.g. `signature.register`.
    pub action: String,
    /// A JSON array of the names of the fields that changed.
    pub changed_fields: String,
    /// PUBLIC or RESTRICTED, by the same policy as reads.
    pub visibility: String,
    pub created_at: DateTimeUtc,
    pub committed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
