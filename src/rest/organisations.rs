//! `/organisations` and `/signatories`: organisations by SCB code with their register
//! status, filtered, paged with a `next` link, and as CSV.

use super::dto::{OrganisationDto, SignatureDto};
use super::listing::{
    CsvForm, LabelLanguage, ListEnvelope, Paging, Problem, all_pages, codes, csv_file,
    json_with_etag, label_of, list, next_link,
};
use crate::domain::labels::Labelled;
use crate::domain::organisation::OrganisationKind;
use crate::domain::register::{ActionPlanStatus, DataOrigin, SignatoryStatus};
use crate::domain::register::{CharterEdition, DatePrecision, DecisionBody, Initiative, Motive};
use crate::error::{AppError, AppResult, HttpError};
use crate::services::organisations::{self, OrganisationFilter, OrganisationOrderField};
use crate::services::register::{changes, signatures, status};
use actix_web::{HttpRequest, HttpResponse, get, web};
use entity::organisation;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use std::collections::HashMap;

/// Filters of organisation and signatory lists (and their CSV files); lists are
/// comma-separated.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    /// Kinds: MUNICIPALITY, REGION (includes Gotland), MUNICIPAL_FEDERATION, NATIONAL_ASSOCIATION, OTHER.
    #[param(example = "MUNICIPALITY,REGION")]
    pub kind: Option<String>,
    /// County codes, e.g. "01,25".
    #[param(example = "01,25")]
    pub county: Option<String>,
    /// Signatory statuses: SIGNED, WITHDRAWN, NEVER_SIGNED.
    #[param(example = "SIGNED,WITHDRAWN")]
    pub status: Option<String>,
    /// Action plan statuses: NONE_DUE_YET, NO_PLAN_ON_RECORD (due date passed, no plan on
    /// record), OVERDUE (due date passed and a cited source says no plan was adopted),
    /// ADOPTED, FOLLOWED_UP.
    #[param(example = "NO_PLAN_ON_RECORD,OVERDUE")]
    pub action_plan_status: Option<String>,
    /// Origins of the current signature: SOURCED, DEMO, REPORTED (organisations without a
    /// signature match none), e.g. "SOURCED,REPORTED" to leave demonstration data out.
    #[param(example = "SOURCED,REPORTED")]
    pub data_origin: Option<String>,
    /// Support programme codes, e.g. "MODELLKONCEPTET".
    #[param(example = "MODELLKONCEPTET")]
    pub programme: Option<String>,
    /// Signed in this year or later.
    pub signed_from: Option<i32>,
    /// Signed in this year or earlier.
    pub signed_to: Option<i32>,
    /// The name contains this text (case-insensitive, Swedish letters included).
    #[param(example = "örebro")]
    pub q: Option<String>,
    /// Incremental sync: only rows whose `updated_at` is later than this time (RFC 3339;
    /// exclusive, so the greatest `updated_at` already received returns nothing again).
    /// A row's `updated_at` covers everything it shows: the latest change of the
    /// organisation record, its current signature, any of its action plans and their
    /// follow-up reports, and 00:00 UTC of the day its due date passed when that made its
    /// action plan status NO_PLAN_ON_RECORD or OVERDUE (so a status that changes with
    /// time alone comes back too). A write's time is taken when it starts: to never miss
    /// one still committing while you read, send a watermark a minute earlier; rows
    /// that come back again are unchanged.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Order: `name` (Swedish alphabetical, default), `code` or `signed_on`.
    #[param(inline)]
    pub order: Option<OrganisationOrder>,
}

/// The order of an organisation list.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationOrder {
    /// Swedish alphabetical order of names.
    Name,
    /// SCB code.
    Code,
    /// Signing date (organisations without one last).
    SignedOn,
}

impl OrganisationQuery {
    /// The service filter these parameters describe, with the codes given resolved
    /// (unknown ones refused).
    pub async fn filter(
        &self,
        db: &DatabaseConnection,
        signatories_only: bool,
    ) -> AppResult<OrganisationFilter> {
        OrganisationFilter {
            kinds: codes("kind", &self.kind, OrganisationKind::from_stored)?,
            county_codes: list(&self.county),
            name_contains: self.q.clone(),
            statuses: codes("status", &self.status, SignatoryStatus::from_stored)?,
            signed_from_year: self.signed_from,
            signed_to_year: self.signed_to,
            action_plan_statuses: codes(
                "action_plan_status",
                &self.action_plan_status,
                ActionPlanStatus::from_stored,
            )?,
            programme_codes: list(&self.programme),
            data_origins: codes("data_origin", &self.data_origin, DataOrigin::from_stored)?,
            signatories_only,
            updated_since: self.updated_since,
        }
        .resolve_codes(db)
        .await
    }

    fn order(&self) -> OrganisationOrderField {
        match self.order {
            None | Some(OrganisationOrder::Name) => OrganisationOrderField::Name,
            Some(OrganisationOrder::Code) => OrganisationOrderField::Code,
            Some(OrganisationOrder::SignedOn) => OrganisationOrderField::SignedOn,
        }
    }
}

/// The REST representation of some organisations, in a few queries for the whole page.
async fn represent(
    db: &DatabaseConnection,
    rows: Vec<organisation::Model>,
) -> AppResult<Vec<OrganisationDto>> {
    let ids: Vec<i32> = rows.iter().map(|o| o.id).collect();
    let statuses: HashMap<i32, status::StatusRow> = status::statuses_of(db, ids.clone())
        .await?
        .into_iter()
        .map(|s| (s.organisation_id, s))
        .collect();
    let current = signatures::current_of(db, ids.clone()).await?;
    let plans_changed = changes::plans_changed_at(db, ids).await?;
    let today = status::today();
    let mut motives: HashMap<i32, Vec<String>> = HashMap::new();
    for m in signatures::motives_of(db, current.iter().map(|s| s.id).collect()).await? {
        motives.entry(m.signature_id).or_default().push(m.motive);
    }
    let mut by_org: HashMap<i32, entity::signature::Model> = current
        .into_iter()
        .map(|s| (s.organisation_id, s))
        .collect();
    Ok(rows
        .into_iter()
        .map(|o| {
            let stored = by_org.remove(&o.id);
            let status = statuses.get(&o.id);
            let changed = changes::change_time(
                &o,
                stored.as_ref(),
                status.and_then(status::StatusRow::action_plan_status),
                plans_changed.get(&o.id).copied(),
                today,
            );
            let signature = stored.map(|s| {
                let m = motives.remove(&s.id).unwrap_or_default();
                SignatureDto::new(s, m)
            });
            OrganisationDto::new(o, status, signature, changed)
        })
        .collect())
}

async fn page(
    req: &HttpRequest,
    db: &DatabaseConnection,
    query: &OrganisationQuery,
    paging: &Paging,
    signatories_only: bool,
) -> Result<HttpResponse, HttpError> {
    let filter = query.filter(db, signatories_only).await?;
    let page = organisations::list(db, &filter, query.order(), false, &paging.args()?).await?;
    let next = next_link(req, &page);
    let count = organisations::count(db, &filter).await?;
    let values = represent(db, page.items.into_iter().map(|(_, o)| o).collect()).await?;
    json_with_etag(
        req,
        &ListEnvelope {
            values,
            count,
            next,
        },
    )
}

/// Organisations (municipalities, regions, other bodies) with their register status.
#[utoipa::path(
    tag = "register",
    params(OrganisationQuery, Paging),
    responses(
        (status = 200, description = "A page of organisations", body = ListEnvelope<OrganisationDto>),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations")]
pub async fn list_organisations(
    req: HttpRequest,
    query: web::Query<OrganisationQuery>,
    paging: web::Query<Paging>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    page(&req, &db, &query, &paging, false).await
}

/// Signatories: organisations with a signature on record (signed or withdrawn).
#[utoipa::path(
    tag = "register",
    params(OrganisationQuery, Paging),
    responses(
        (status = 200, description = "A page of signatories", body = ListEnvelope<OrganisationDto>),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/signatories")]
pub async fn list_signatories(
    req: HttpRequest,
    query: web::Query<OrganisationQuery>,
    paging: web::Query<Paging>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    page(&req, &db, &query, &paging, true).await
}

async fn one(
    req: &HttpRequest,
    db: &DatabaseConnection,
    code: &str,
    signatory: bool,
) -> Result<HttpResponse, HttpError> {
    let organisation = organisations::by_code(db, code)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no organisation has the code {code:?}")))?;
    let dto = represent(db, vec![organisation])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("gone"))?;
    if signatory && dto.signature.is_none() {
        return Err(AppError::not_found(format!("{code} has no signature on record")).into());
    }
    json_with_etag(req, &dto)
}

/// An organisation by its code ("0180"; a region by its county's "01" or Kolada's "0001").
#[utoipa::path(
    tag = "register",
    params(("code" = String, Path, description = "The organisation's code", example = "1880")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationDto),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{code}")]
pub async fn get_organisation(
    req: HttpRequest,
    code: web::Path<String>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    one(&req, &db, &code, false).await
}

/// A signatory by its organisation code.
#[utoipa::path(
    tag = "register",
    params(("code" = String, Path, description = "The organisation's code", example = "2582")),
    responses(
        (status = 200, description = "The signatory", body = OrganisationDto),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such signatory", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/signatories/{code}")]
pub async fn get_signatory(
    req: HttpRequest,
    code: web::Path<String>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    one(&req, &db, &code, true).await
}

/// The columns of `signatories.csv`; `imports/signatures` takes the file back.
pub const SIGNATORY_COLUMNS: [&str; 24] = [
    "organisation_code",
    "organisation_name",
    "county_code",
    "status",
    "action_plan_status",
    "action_plan_due_on",
    "signed_on",
    "signed_precision",
    "not_later_than",
    "decided_on",
    "decision_body",
    "decision_reference",
    "initiative",
    "motives",
    "charter_edition",
    "new_articles_adopted_on",
    "withdrawn_on",
    "withdrawal_reason",
    "source",
    "note",
    "plan_missing_on",
    "plan_missing_source",
    "data_origin",
    "updated_at",
];

/// The label columns `signatories.csv?lang=` adds (read-only for imports).
pub const SIGNATORY_LABEL_COLUMNS: [&str; 8] = [
    "status_label",
    "action_plan_status_label",
    "signed_precision_label",
    "decision_body_label",
    "initiative_label",
    "motives_label",
    "charter_edition_label",
    "data_origin_label",
];

async fn every(
    db: &DatabaseConnection,
    filter: &OrganisationFilter,
    order: OrganisationOrderField,
) -> AppResult<Vec<OrganisationDto>> {
    let rows =
        all_pages(|args| async move { organisations::list(db, filter, order, false, &args).await })
            .await?;
    represent(db, rows).await
}

/// Signatories as CSV (UTF-8 with BOM, `;`), the same filters as the JSON list.
#[utoipa::path(
    tag = "register",
    params(OrganisationQuery, CsvForm, LabelLanguage),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/signatories.csv")]
pub async fn signatories_csv(
    query: web::Query<OrganisationQuery>,
    form: web::Query<CsvForm>,
    labels: web::Query<LabelLanguage>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let language = labels.language()?;
    let rows = every(&db, &query.filter(&db, true).await?, query.order()).await?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    let lines = rows
        .into_iter()
        .filter_map(|o| {
            let s = o.signature?;
            let labels = language.map(|l| {
                vec![
                    label_of(l, SignatoryStatus::from_stored, &o.signatory_status),
                    label_of(
                        l,
                        ActionPlanStatus::from_stored,
                        o.action_plan_status.as_deref().unwrap_or_default(),
                    ),
                    label_of(l, DatePrecision::from_stored, &s.signed_precision),
                    label_of(l, DecisionBody::from_stored, &s.decision_body),
                    label_of(l, Initiative::from_stored, &s.initiative),
                    s.motives
                        .iter()
                        .filter_map(|m| Motive::from_stored(m))
                        .map(|m| m.label(l))
                        .collect::<Vec<_>>()
                        .join("|"),
                    label_of(l, CharterEdition::from_stored, &s.charter_edition),
                    label_of(l, DataOrigin::from_stored, &s.data_origin),
                ]
            });
            let mut row = vec![
                o.code,
                o.name,
                opt(o.county_code),
                o.signatory_status,
                opt(o.action_plan_status),
                opt(s.action_plan_due_on),
                opt(s.signed_on),
                s.signed_precision,
                s.not_later_than,
                opt(s.decided_on),
                s.decision_body,
                opt(s.decision_reference),
                s.initiative,
                s.motives.join("|"),
                s.charter_edition,
                opt(s.new_articles_adopted_on),
                opt(s.withdrawn_on),
                opt(s.withdrawal_reason),
                s.source,
                opt(s.note),
                opt(s.plan_missing_on),
                opt(s.plan_missing_source),
                s.data_origin,
                o.updated_at.to_rfc3339(),
            ];
            row.extend(labels.into_iter().flatten());
            Some(row)
        })
        .collect();
    let mut header = SIGNATORY_COLUMNS.to_vec();
    if language.is_some() {
        header.extend(SIGNATORY_LABEL_COLUMNS);
    }
    csv_file("signatories.csv", &header, lines, &form)
}

/// Organisations as CSV (UTF-8 with BOM, `;`), the same filters as the JSON list.
#[utoipa::path(
    tag = "register",
    params(OrganisationQuery, CsvForm, LabelLanguage),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations.csv")]
pub async fn organisations_csv(
    query: web::Query<OrganisationQuery>,
    form: web::Query<CsvForm>,
    labels: web::Query<LabelLanguage>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let language = labels.language()?;
    let rows = every(&db, &query.filter(&db, false).await?, query.order()).await?;
    let lines = rows
        .into_iter()
        .map(|o| {
            // The statuses rest on the current signature: its origin and citation say
            // whether they are fact or demonstration (empty when nothing is on record).
            let (origin, source) = o
                .signature
                .map(|s| (s.data_origin, s.source))
                .unwrap_or_default();
            let labels = language.map(|l| {
                vec![
                    label_of(l, OrganisationKind::from_stored, &o.kind),
                    label_of(l, SignatoryStatus::from_stored, &o.signatory_status),
                    label_of(
                        l,
                        ActionPlanStatus::from_stored,
                        o.action_plan_status.as_deref().unwrap_or_default(),
                    ),
                    label_of(l, DataOrigin::from_stored, &origin),
                ]
            });
            let mut row = vec![
                o.code,
                o.name,
                o.kind,
                o.county_code.unwrap_or_default(),
                o.has_regional_responsibility.to_string(),
                o.signatory_status,
                o.action_plan_status.unwrap_or_default(),
                origin,
                source,
                o.updated_at.to_rfc3339(),
            ];
            row.extend(labels.into_iter().flatten());
            row
        })
        .collect();
    let mut header = vec![
        "code",
        "name",
        "kind",
        "county_code",
        "has_regional_responsibility",
        "signatory_status",
        "action_plan_status",
        "data_origin",
        "source",
        "updated_at",
    ];
    if language.is_some() {
        header.extend([
            "kind_label",
            "signatory_status_label",
            "action_plan_status_label",
            "data_origin_label",
        ]);
    }
    csv_file("organisations.csv", &header, lines, &form)
}
