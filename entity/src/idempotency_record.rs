//! The stored first result of an import sent with an `Idempotency-Key`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_record")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub actor_sub: String,
    pub idempotency_key: String,
    /// Method and path, e.g. "POST /api/v1/imports/signatures".
    pub endpoint: String,
    /// SHA-256 of the request (query and body), hex.
    pub request_digest: String,
    pub status_code: i32,
    pub response_body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
