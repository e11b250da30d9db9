//! A signature of the charter by an organisation; earlier signatures stay as history.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "signature")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: i32,
    /// `Some(organisation_id)` on the organisation's current signature, `None` on history.
    #[sea_orm(unique)]
    pub current_for: Option<i32>,
    /// The first day the signing can have happened (ISO date); None when unknown.
    pub signed_on: Option<String>,
    /// DAY, MONTH, YEAR or UNKNOWN.
    pub signed_precision: String,
    /// The last day the signing can have happened (ISO date).
    pub not_later_than: String,
    /// The date of the political decision, when it differs from the signing.
    pub decided_on: Option<String>,
    pub decision_body: String,
    /// The decision's reference (diarienummer).
    pub decision_reference: Option<String>,
    pub initiative: String,
    /// "2006", or "2022" for the revision with articles 31–39.
    pub charter_edition: String,
    /// When an earlier signatory adopted the 2022 articles 31–39.
    pub new_articles_adopted_on: Option<String>,
    pub withdrawn_on: Option<String>,
    pub withdrawal_reason: Option<String>,
    /// The citation the record rests on.
    pub source: String,
    pub note: Option<String>,
    /// Where the record comes from: SOURCED (with a citation) or DEMO.
    pub data_origin: String,
    /// The day on which the organisation was known to have no action plan (ISO date):
    /// evidence that makes a passed due date `OVERDUE` rather than `NO_PLAN_ON_RECORD`.
    pub plan_missing_on: Option<String>,
    /// The citation of that fact.
    pub plan_missing_source: Option<String>,
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

impl ActiveModelBehavior for ActiveModel {}
