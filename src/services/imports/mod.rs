//! Bulk imports from regional systems: signatures, action plans, follow-up reports and
//! programme participation, as a JSON array or CSV. Rows are keyed by organisation code
//! (plus what makes them unique) and upserted: unchanged rows write nothing, so
//! importing an export changes nothing.
//!
//! An import is all or nothing: every row is authorized and validated, and if any row is
//! rejected nothing is written and every rejected row is reported (line, column,
//! reason). A dry run validates and writes nothing. Each written row is audited and
//! recorded in the change feed like any other write.
//!
//! Action plans, follow-up reports and participations are validated outside any write
//! transaction, against what is stored read once per import (SQLite's single writer is
//! not held while rows are read and checked), then written in one short transaction
//! with multi-row statements. That transaction first locks every organisation the rows
//! name (in id order, so overlapping imports wait for each other instead of
//! deadlocking) and finds the stored rows as they were read, or the import is prepared
//! again: two concurrent imports of the same keys end with one row per key.
//!
//! Signatures, at most one row per organisation, are applied row by row in one
//! transaction that locks the organisations first.

mod action_plans;
mod batch;
mod follow_ups;
mod participations;
mod prefetch;
mod reader;
mod signatures;
pub mod source;

use crate::error::{AppError, AppResult};
use crate::services::idempotency;
use crate::services::writing::{self, RequestContext};
use entity::organisation;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    EntityTrait, QueryFilter, QuerySelect, Statement,
};
use source::{Columns, ParseFailure, Record, RowError};
use std::time::Instant;

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

/// How many rows an import creates, updates and leaves alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Tally {
    fn report(self, dry_run: bool) -> ImportReport {
        ImportReport {
            dry_run,
            rows: self.rows,
            created: self.created,
            updated: self.updated,
            unchanged: self.unchanged,
        }
    }
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
    /// More rows than one request may carry: nothing was read past the cap.
    TooManyRows { limit: usize },
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

/// A fatal error about one row, saying which.
fn at_line(line: usize, err: AppError) -> AppError {
    match err {
        AppError::Forbidden(message) => AppError::Forbidden(format!("line {line}: {message}")),
        other => other,
    }
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

/// A row's problems, or the error that refuses the whole import.
fn reported(line: usize, err: AppError) -> Result<Vec<RowError>, ImportFailure> {
    row_errors(line, err).map_err(|fatal| ImportFailure::Refused(at_line(line, fatal)))
}

/// What a batched kind's validation decided, before anything is written.
enum Prepared {
    ActionPlans(action_plans::Prepared),
    FollowUps(follow_ups::Prepared),
    ProgrammeParticipations(participations::Prepared),
}

impl Prepared {
    /// Validates and compares every row of a batched kind; `None` for a kind written
    /// row by row.
    async fn of(
        db: &DatabaseConnection,
        request: &RequestContext,
        kind: ImportKind,
        records: &[Record],
    ) -> Option<Result<Self, ImportFailure>> {
        Some(match kind {
            ImportKind::ActionPlans => action_plans::prepare(db, request, records)
                .await
                .map(Self::ActionPlans),
            ImportKind::FollowUps => follow_ups::prepare(db, request, records)
                .await
                .map(Self::FollowUps),
            ImportKind::ProgrammeParticipations => participations::prepare(db, request, records)
                .await
                .map(Self::ProgrammeParticipations),
            ImportKind::Signatures => return None,
        })
    }

    fn tally(&self) -> Tally {
        match self {
            Self::ActionPlans(p) => p.tally,
            Self::FollowUps(p) => p.tally,
            Self::ProgrammeParticipations(p) => p.tally,
        }
    }

    fn organisation_ids(&self) -> Vec<i32> {
        let ids = match self {
            Self::ActionPlans(p) => &p.organisation_ids,
            Self::FollowUps(p) => &p.organisation_ids,
            Self::ProgrammeParticipations(p) => &p.organisation_ids,
        };
        ids.iter().copied().collect()
    }

    /// Builds the rows to write and their audit entries, before any transaction.
    fn stage(self) -> AppResult<Staged> {
        Ok(match self {
            Self::ActionPlans(p) => Staged::ActionPlans(action_plans::stage(p)?),
            Self::FollowUps(p) => Staged::FollowUps(follow_ups::stage(p)?),
            Self::ProgrammeParticipations(p) => {
                Staged::ProgrammeParticipations(participations::stage(p)?)
            }
        })
    }
}

/// A batched kind's rows ready to write.
enum Staged {
    ActionPlans(action_plans::Staged),
    FollowUps(follow_ups::Staged),
    ProgrammeParticipations(participations::Staged),
}

impl Staged {
    /// Writes in the transaction (see `batch::Outcome`).
    async fn write(
        self,
        txn: &DatabaseTransaction,
        request: &RequestContext,
    ) -> AppResult<batch::Outcome> {
        match self {
            Self::ActionPlans(s) => action_plans::write(txn, request, s).await,
            Self::FollowUps(s) => follow_ups::write(txn, request, s).await,
            Self::ProgrammeParticipations(s) => participations::write(txn, request, s).await,
        }
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

/// Rows checked between two yields of the worker thread: validation is CPU work on the
/// thread that also serves other requests, which a 100,000-row import would otherwise
/// hold for seconds.
const ROWS_PER_YIELD: usize = 500;

/// Called before checking the `i`th row: now and then lets the thread's other requests
/// run.
async fn pace(i: usize) {
    if i % ROWS_PER_YIELD == ROWS_PER_YIELD - 1 {
        tokio::task::yield_now().await;
    }
}

/// How often a batched import is prepared again when the stored rows moved between its
/// reading and its writing, before it answers `CONFLICT`.
const ATTEMPTS: usize = 3;

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
    match kind {
        ImportKind::Signatures => row_by_row(db, request, records, dry_run, idempotency).await,
        _ => batched(db, request, kind, &records, dry_run, idempotency).await,
    }
}

/// Validates every row outside any transaction, then writes in one short one (SQLite's
/// single writer is held only while the rows are written, not while they are read and
/// checked). A dry run never opens a write transaction.
async fn batched(
    db: &DatabaseConnection,
    request: &RequestContext,
    kind: ImportKind,
    records: &[Record],
    dry_run: bool,
    idempotency: Option<&Idempotency>,
) -> Result<ImportReport, ImportFailure> {
    for _ in 0..ATTEMPTS {
        let started = Instant::now();
        let Some(prepared) = Prepared::of(db, request, kind, records).await else {
            return Err(ImportFailure::Refused(AppError::Internal(anyhow::anyhow!(
                "{kind:?} rows are not imported in batches"
            ))));
        };
        let prepared = prepared?;
        let report = prepared.tally().report(dry_run);
        if dry_run {
            return Ok(report);
        }
        let organisation_ids = prepared.organisation_ids();
        // Building every row's audit entry is seconds of CPU for 100,000 rows: off the
        // worker thread, which serves other requests meanwhile.
        let staged = tokio::task::spawn_blocking(move || prepared.stage())
            .await
            .map_err(|e| AppError::Internal(e.into()))??;
        let prepared_in = started.elapsed();
        let txn = writing::begin(db).await?;
        // On SQLite the write lock is held from here to the commit: that span, not the
        // whole import, is what other writers may wait for.
        let locked = Instant::now();
        let written = async {
            writing::lock_organisations(&txn, organisation_ids).await?;
            // Before the rows: their feed events, written last, hold the feed's order
            // (on PostgreSQL, a lock every commit takes) until the commit.
            remember(&txn, request, &report, idempotency).await?;
            let cache = WriteCache::widen(&txn).await?;
            let written = staged.write(&txn, request).await;
            cache.restore(&txn).await?;
            written
        }
        .await;
        match written {
            Ok(batch::Outcome::Written(position)) => {
                let written_in = locked.elapsed();
                let committing = Instant::now();
                writing::commit_numbered(txn, position).await?;
                tracing::info!(
                    kind = ?kind,
                    rows = report.rows,
                    created = report.created,
                    updated = report.updated,
                    prepare_ms = prepared_in.as_millis() as u64,
                    wait_ms = (locked - started - prepared_in).as_millis() as u64,
                    write_ms = written_in.as_millis() as u64,
                    commit_ms = committing.elapsed().as_millis() as u64,
                    transaction_ms = locked.elapsed().as_millis() as u64,
                    "import written"
                );
                return Ok(report);
            }
            Ok(batch::Outcome::Moved) => rollback(txn).await,
            Err(err) => {
                rollback(txn).await;
                return Err(err.into());
            }
        }
    }
    Err(ImportFailure::Refused(AppError::Conflict(
        "the stored rows kept changing while the import was written; nothing was written, retry"
            .to_owned(),
    )))
}

/// SQLite's page cache of the import's connection, widened while it writes: the pooled
/// connections' small cache (`SQLITE_CACHE_KIB`) would spill a large transaction's
/// pages to the log again and again while other writers wait. Restored before the
/// commit, so the connection goes back to the pool with its usual bound.
struct WriteCache(Option<i64>);

/// The page cache of a writing import, in KiB.
const WRITE_CACHE_KIB: i64 = 64 * 1024;

impl WriteCache {
    async fn widen(txn: &DatabaseTransaction) -> AppResult<Self> {
        if txn.get_database_backend() != DbBackend::Sqlite {
            return Ok(Self(None));
        }
        let usual: Option<i64> = txn
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA cache_size",
            ))
            .await?
            .map(|row| row.try_get_by_index(0))
            .transpose()?;
        txn.execute_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!("PRAGMA cache_size = -{WRITE_CACHE_KIB}"),
        ))
        .await?;
        Ok(Self(usual))
    }

    async fn restore(self, txn: &DatabaseTransaction) -> AppResult<()> {
        if let Some(usual) = self.0 {
            txn.execute_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("PRAGMA cache_size = {usual}"),
            ))
            .await?;
        }
        Ok(())
    }
}

async fn rollback(txn: DatabaseTransaction) {
    // A failed rollback means the database already rolled back by itself; the pool
    // discards such a connection.
    if let Err(err) = txn.rollback().await {
        tracing::debug!(error = %err, "rollback of an import failed");
    }
}

/// Stores the answer under the idempotency key, in the import's transaction.
async fn remember(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    report: &ImportReport,
    idempotency: Option<&Idempotency>,
) -> AppResult<()> {
    if let (Some(idem), Some(actor)) = (idempotency, request.caller.principal()) {
        let body = serde_json::to_string(report).map_err(|e| AppError::Internal(e.into()))?;
        idempotency::store(
            txn,
            &actor.sub,
            &idem.key,
            &idem.endpoint,
            &idem.digest,
            200,
            &body,
        )
        .await?;
    }
    Ok(())
}

/// Applies row after row in one transaction that also reads: for signatures, whose rows
/// are few (one per organisation) and whose rules span several stored records.
async fn row_by_row(
    db: &DatabaseConnection,
    request: &RequestContext,
    records: Vec<Record>,
    dry_run: bool,
    idempotency: Option<&Idempotency>,
) -> Result<ImportReport, ImportFailure> {
    let txn = writing::begin(db).await?;
    lock_named_organisations(&txn, &records).await?;
    let mut report = ImportReport {
        dry_run,
        rows: records.len(),
        ..Default::default()
    };
    let mut errors = Vec::new();
    for record in &records {
        match signatures::apply(&txn, request, record).await {
            Ok(Change::Created) => report.created += 1,
            Ok(Change::Updated) => report.updated += 1,
            Ok(Change::Unchanged) => report.unchanged += 1,
            Err(err) => match row_errors(record.line, err) {
                Ok(mut row) => errors.append(&mut row),
                Err(fatal) => return Err(ImportFailure::Refused(at_line(record.line, fatal))),
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
    remember(&txn, request, &report, idempotency).await?;
    writing::commit(txn).await?;
    Ok(report)
}

/// Parses a body in the given media type into records of the kind, refusing more than
/// `max_rows` rows.
pub fn parse(
    kind: ImportKind,
    body: &[u8],
    media_type: &str,
    charset: Option<&str>,
    max_rows: usize,
) -> Result<Vec<Record>, ImportFailure> {
    let text = source::text(body, charset)?;
    let parsed = match media_type {
        "application/json" => source::json(&text, kind.columns(), max_rows),
        "text/csv" => source::csv(&text, kind.columns(), max_rows),
        other => {
            return Err(ImportFailure::Refused(AppError::UnsupportedMediaType(
                format!("imports take application/json or text/csv, not {other:?}"),
            )));
        }
    };
    parsed.map_err(|failure| match failure {
        ParseFailure::Rows(errors) => ImportFailure::Rejected(errors),
        ParseFailure::TooManyRows { limit } => ImportFailure::TooManyRows { limit },
    })
}
