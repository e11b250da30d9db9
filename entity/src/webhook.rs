//! An endpoint that is sent the change feed's events, with its delivery state. The
//! signing secret and the delivery bookkeeping never reach the audit log.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhook")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub url: String,
    /// The organisation that owns it (MEMBER registrations); None for an administrator's.
    pub organisation_id: Option<i32>,
    /// The role of whoever registered it: what it may be told is what that role may read.
    pub owner_role: String,
    pub created_by: String,
    /// JSON arrays; an empty one does not filter.
    pub record_types: String,
    pub change_kinds: String,
    pub organisation_codes: String,
    pub county_codes: String,
    /// `whsec_` and the base64 key: kept to sign, never shown after creation or rotation.
    #[serde(skip_serializing)]
    pub secret: String,
    pub secret_rotated_at: Option<DateTimeUtc>,
    /// ACTIVE or PAUSED.
    pub status: String,
    pub paused_reason: Option<String>,
    pub paused_at: Option<DateTimeUtc>,
    /// The last feed position this endpoint is done with (delivered or not for it).
    #[serde(skip_serializing)]
    pub cursor: i64,
    #[serde(skip_serializing)]
    pub consecutive_failures: i32,
    /// Unix milliseconds.
    #[serde(skip_serializing)]
    pub next_attempt_at: i64,
    /// Unix milliseconds; the replica in `lease_owner` delivers until then.
    #[serde(skip_serializing)]
    pub lease_until: i64,
    #[serde(skip_serializing)]
    pub lease_owner: Option<String>,
    #[serde(skip_serializing)]
    pub last_delivery_at: Option<DateTimeUtc>,
    #[serde(skip_serializing)]
    pub last_delivery_status: Option<i32>,
    #[serde(skip_serializing)]
    pub last_error: Option<String>,
    #[serde(skip_serializing)]
    pub last_success_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
