//! The REST representations: snake_case JSON, SCB codes as strings, dates as ISO text.

use crate::domain::dates;
use crate::domain::organisation::OrganisationKind;
use crate::services::register::status::StatusRow;
use entity::{
    action_plan, county, county_board, follow_up_report, organisation, signature, support_programme,
};
use serde::Serialize;
use utoipa::ToSchema;

/// A county (län).
#[derive(Debug, Serialize, ToSchema)]
pub struct CountyDto {
    /// SCB's two-digit code, e.g. "25".
    pub code: String,
    pub name: String,
    /// The county administrative board (länsstyrelse).
    pub county_board: Option<String>,
    /// The code of the organisation with regional responsibility.
    pub region_code: Option<String>,
}

impl CountyDto {
    pub fn new(
        c: county::Model,
        board: Option<&county_board::Model>,
        region: Option<&organisation::Model>,
    ) -> Self {
        Self {
            code: c.code,
            name: c.name,
            county_board: board.map(|b| b.name.clone()),
            region_code: region.map(|r| r.code.clone()),
        }
    }
}

/// A signature of the charter.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureDto {
    pub signed_on: Option<String>,
    /// DAY, MONTH, YEAR or UNKNOWN.
    pub signed_precision: String,
    pub not_later_than: String,
    pub decided_on: Option<String>,
    pub decision_body: String,
    pub decision_reference: Option<String>,
    pub initiative: String,
    pub motives: Vec<String>,
    /// "2006" or "2022".
    pub charter_edition: String,
    pub new_articles_adopted_on: Option<String>,
    pub withdrawn_on: Option<String>,
    pub withdrawal_reason: Option<String>,
    /// Two years after the last possible signing day.
    pub action_plan_due_on: Option<String>,
    pub source: String,
    pub note: Option<String>,
    /// A day after the due date on which the plan was known to be missing: the evidence
    /// behind OVERDUE.
    pub plan_missing_on: Option<String>,
    /// The citation saying the plan was missing.
    pub plan_missing_source: Option<String>,
    /// SOURCED, DEMO or REPORTED.
    pub data_origin: String,
    pub version: i32,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl SignatureDto {
    pub fn new(s: signature::Model, motives: Vec<String>) -> Self {
        let due =
            dates::parse(&s.not_later_than).map(|d| dates::format(dates::action_plan_due_on(d)));
        Self {
            signed_on: s.signed_on,
            signed_precision: s.signed_precision,
            not_later_than: s.not_later_than,
            decided_on: s.decided_on,
            decision_body: s.decision_body,
            decision_reference: s.decision_reference,
            initiative: s.initiative,
            motives,
            charter_edition: s.charter_edition,
            new_articles_adopted_on: s.new_articles_adopted_on,
            withdrawn_on: s.withdrawn_on,
            withdrawal_reason: s.withdrawal_reason,
            action_plan_due_on: due,
            source: s.source,
            note: s.note,
            plan_missing_on: s.plan_missing_on,
            plan_missing_source: s.plan_missing_source,
            data_origin: s.data_origin,
            version: s.version,
            updated_at: s.updated_at,
        }
    }
}

/// An organisation with its register status.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationDto {
    /// SCB's four digits (municipality), the county's two (region), or another code.
    pub code: String,
    pub name: String,
    /// MUNICIPALITY, REGION, MUNICIPAL_FEDERATION, NATIONAL_ASSOCIATION or OTHER.
    pub kind: String,
    pub county_code: Option<String>,
    pub has_regional_responsibility: bool,
    /// SIGNED, WITHDRAWN or NEVER_SIGNED.
    pub signatory_status: String,
    /// NONE_DUE_YET, NO_PLAN_ON_RECORD (due date passed, no plan on record), OVERDUE (due
    /// date passed and a cited source says no plan was adopted), ADOPTED, FOLLOWED_UP;
    /// null unless a standing signatory.
    pub action_plan_status: Option<String>,
    /// The current signature.
    pub signature: Option<SignatureDto>,
    /// When anything the row shows last changed: the latest of the organisation record,
    /// its current signature, its action plans and their follow-up reports, and 00:00 UTC
    /// of the day a passing due date made the status NO_PLAN_ON_RECORD or OVERDUE.
    /// `updated_since` compares against this.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl OrganisationDto {
    pub fn new(
        o: organisation::Model,
        status: Option<&StatusRow>,
        signature: Option<SignatureDto>,
        updated_at: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        Self {
            kind: OrganisationKind::from_stored_or_other(&o.kind)
                .as_str()
                .to_owned(),
            has_regional_responsibility: o.regional_county_code.is_some(),
            code: o.code,
            name: o.name,
            county_code: o.county_code,
            signatory_status: status
                .map_or("NEVER_SIGNED".to_owned(), |s| s.signatory_status.clone()),
            action_plan_status: status.and_then(|s| s.action_plan_status.clone()),
            signature,
            updated_at,
        }
    }
}

/// A follow-up report.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpDto {
    pub reported_on: String,
    pub summary: String,
}

impl From<follow_up_report::Model> for FollowUpDto {
    fn from(f: follow_up_report::Model) -> Self {
        Self {
            reported_on: f.reported_on,
            summary: f.summary,
        }
    }
}

/// An action plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionPlanDto {
    pub id: i32,
    pub organisation_code: String,
    pub title: String,
    pub adopted_on: Option<String>,
    pub decision_body: String,
    pub period_start_year: Option<i32>,
    pub period_end_year: Option<i32>,
    pub priorities: String,
    pub resources: String,
    pub document_url: Option<String>,
    pub article_numbers: Vec<i32>,
    pub follow_ups: Vec<FollowUpDto>,
    pub data_origin: String,
    pub version: i32,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl ActionPlanDto {
    pub fn new(
        p: action_plan::Model,
        organisation_code: String,
        article_numbers: Vec<i32>,
        follow_ups: Vec<follow_up_report::Model>,
    ) -> Self {
        let updated_at = follow_ups
            .iter()
            .map(|f| f.updated_at)
            .fold(p.updated_at, |a, b| a.max(b));
        Self {
            id: p.id,
            organisation_code,
            title: p.title,
            adopted_on: p.adopted_on,
            decision_body: p.decision_body,
            period_start_year: p.period_start_year,
            period_end_year: p.period_end_year,
            priorities: p.priorities,
            resources: p.resources,
            document_url: p.document_url,
            article_numbers,
            follow_ups: follow_ups.into_iter().map(FollowUpDto::from).collect(),
            data_origin: p.data_origin,
            version: p.version,
            updated_at,
        }
    }
}

/// A support programme.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeDto {
    /// e.g. "MODELLKONCEPTET".
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub start_year: i32,
    pub end_year: Option<i32>,
    pub requires_political_commitment: bool,
    pub description: String,
}

impl From<support_programme::Model> for ProgrammeDto {
    fn from(p: support_programme::Model) -> Self {
        Self {
            code: p.code,
            name: p.name_sv,
            name_en: p.name_en,
            start_year: p.start_year,
            end_year: p.end_year,
            requires_political_commitment: p.requires_political_commitment,
            description: p.description,
        }
    }
}
