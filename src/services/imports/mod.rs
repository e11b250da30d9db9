//! Bulk imports from regional systems: signatures, action plans, follow-up reports and
//! programme participation, as a JSON array or CSV. Rows are keyed by organisation code
//! (plus what makes them unique) and upserted: unchanged rows write nothing, so
//! importing an export changes nothing.
//!
//! The whole batch runs in one transaction: every row is authorized and validated, and
//! if any row is rejected nothing is written and every rejected row is reported (line,
//! column, reason). A dry run validates and rolls back. Each written row is audited like
//! any other write.
//!
//! Before reading anything, the transaction locks every organisation the rows name (in
//! id order, so overlapping imports wait for each other instead of deadlocking): two
//! concurrent imports of the same keys run one after the other, the second finding the
//! first one's rows, and end with one row per key.

mod action_plans;
mod follow_ups;
mod participations;
mod reader;
mod signatures;
pub mod source;

use crate::error::{AppError, AppResult};
use crate::services::idempotency;
use crate::services::writing::{self, RequestContext};
use entity::organisation;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};
use source::{Columns, Record, RowError};

/// What an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Signatures,
    ActionPlans,
    FollowUps,
    ProgrammeParticipations,
}

impl ImportKind {
    /// From the path segment (`signatures`, `action-plans`, `follow-ups`,
    /// `programme-participations`).
    pub fn from_path(segment: &str) -> Option<Self> {
        match segment {
            "signatures" => Some(Self::Signatures),
            "action-plans" => Some(Self::ActionPlans),
            "follow-ups" => Some(Self::FollowUps),
            "programme-participations" => Some(Self::ProgrammeParticipations),
            _ => None,
        }
    }

    pub fn columns(self) -> &'static Columns {
        match self {
            Self::Signatures => &signatures::COLUMNS,
            Self::ActionPlans => &action_plans::COLUMNS,
            Self::FollowUps => &follow_ups::COLUMNS,
            Self::ProgrammeParticipations => &participations::COLUMNS,
        }
    }
}

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Updated,
    Unchanged,
}

/// The result of an import that was not rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// True when nothing was written on purpose (`dry_run=true`).
    pub dry_run: bool,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Why an import did not go through.
#[derive(Debug)]
pub enum ImportFailure {
    /// Rows were invalid: nothing was written.
    Rejected(Vec<RowError>),
    /// A row the caller may not write, an internal error, or a replayed key conflict.
    Refused(AppError),
}

impl From<AppError> for ImportFailure {
    fn from(err: AppError) -> Self {
        Self::Refused(err)
    }
}

/// An idempotency key and the request's fingerprint.
pub struct Idempotency {
    pub key: String,
    pub endpoint: String,
    pub digest: String,
}

/// Turns a service error about one row into row errors, or keeps it fatal.
fn row_errors(line: usize, err: AppError) -> Result<Vec<RowError>, AppError> {
    match err {
        AppError::Invalid(fields) => Ok(fields
            .into_iter()
            .map(|f| {
                RowError::new(
                    line,
                    source::column_of(&f.field).as_deref(),
                    &f.code,
                    f.message,
                )
            })
            .collect()),
        // A stale version is the row's problem; a database `Contention` is not: it spent
        // the transaction, so it stays fatal.
        AppError::NotFound(message) | AppError::Conflict(message) | AppError::BadInput(message) => {
            Ok(vec![RowError::new(line, None, "INVALID", message)])
        }
        fatal => Err(fatal),
    }
}

async fn apply(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    kind: ImportKind,
    record: &Record,
) -> AppResult<Change> {
    match kind {
        ImportKind::Signatures => signatures::apply(txn, request, record).await,
        ImportKind::ActionPlans => action_plans::apply(txn, request, record).await,
        ImportKind::FollowUps => follow_ups::apply(txn, request, record).await,
        ImportKind::ProgrammeParticipations => participations::apply(txn, request, record).await,
    }
}

/// Locks the organisations the rows name (see the module documentation).
async fn lock_named_organisations(txn: &DatabaseTransaction, records: &[Record]) -> AppResult<()> {
    let codes: std::collections::BTreeSet<String> = records
        .iter()
        .filter_map(|r| r.get("organisation_code"))
        .map(crate::domain::codes::normalise_organisation_code)
        .collect();
    let codes: Vec<String> = codes.into_iter().collect();
    let mut ids: Vec<i32> = Vec::new();
    // In slices: the engines bound the number of bound values per statement.
    for slice in codes.chunks(500) {
        let found: Vec<i32> = organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .filter(
                Condition::any()
                    .add(organisation::Column::Code.is_in(slice.to_vec()))
                    .add(organisation::Column::RegionalCountyCode.is_in(slice.to_vec())),
            )
            .into_tuple()
            .all(txn)
            .await?;
        ids.extend(found);
    }
    writing::lock_organisations(txn, ids).await
}

/// Runs an import of already parsed records.
pub async fn run(
    db: &DatabaseConnection,
    request: &RequestContext,
    kind: ImportKind,
    records: Vec<Record>,
    dry_run: bool,
    idempotency: Option<&Idempotency>,
) -> Result<ImportReport, ImportFailure> {
    crate::auth::policy::authenticated(&request.caller)?;
    let duplicates = source::duplicates(&records, kind.columns());
    if !duplicates.is_empty() {
        return Err(ImportFailure::Rejected(duplicates));
    }
    let txn = writing::begin(db).await?;
    lock_named_organisations(&txn, &records).await?;
    let mut report = ImportReport {
        dry_run,
        rows: records.len(),
        ..Default::default()
    };
    let mut errors = Vec::new();
    for record in &records {
        match apply(&txn, request, kind, record).await {
            Ok(Change::Created) => report.created += 1,
            Ok(Change::Updated) => report.updated += 1,
            Ok(Change::Unchanged) => report.unchanged += 1,
            Err(err) => match row_errors(record.line, err) {
                Ok(mut row) => errors.append(&mut row),
                Err(fatal) => {
                    let fatal = match fatal {
                        AppError::Forbidden(message) => {
                            AppError::Forbidden(format!("line {}: {message}", record.line))
                        }
                        other => other,
                    };
                    return Err(ImportFailure::Refused(fatal));
                }
            },
        }
    }
    if !errors.is_empty() {
        return Err(ImportFailure::Rejected(errors));
    }
    if dry_run {
        txn.rollback().await.map_err(AppError::from)?;
        return Ok(report);
    }
    if let (Some(idem), Some(actor)) = (idempotency, request.caller.principal()) {
        let body = serde_json::to_string(&report).map_err(|e| AppError::Internal(e.into()))?;
        idempotency::store(
            &txn,
            &actor.sub,
            &idem.key,
            &idem.endpoint,
            &idem.digest,
            200,
            &body,
        )
        .await?;
    }
    txn.commit().await.map_err(AppError::from)?;
    Ok(report)
}

/// Parses a body in the given media type into records of the kind.
pub fn parse(
    kind: ImportKind,
    body: &[u8],
    media_type: &str,
    charset: Option<&str>,
) -> Result<Vec<Record>, ImportFailure> {
    let text = source::text(body, charset)?;
    let parsed = match media_type {
        "application/json" => source::json(&text, kind.columns()),
        "text/csv" => source::csv(&text, kind.columns()),
        other => {
            return Err(ImportFailure::Refused(AppError::UnsupportedMediaType(
                format!("imports take application/json or text/csv, not {other:?}"),
            )));
        }
    };
    parsed.map_err(ImportFailure::Rejected)
}
