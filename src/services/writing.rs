//! What every write shares: the request's caller, one transaction per write (IMMEDIATE on
//! SQLite so concurrent writers queue instead of failing), input validation that
//! collects every field error at once, and the optimistic-concurrency check.

use crate::auth::Caller;
use crate::domain::dates;
use crate::error::{AppError, AppResult, FieldError};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Who is asking, and the request's id for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub caller: Caller,
    pub request_id: Option<String>,
}

impl RequestContext {
    pub fn new(caller: Caller, request_id: Option<String>) -> Self {
        Self { caller, request_id }
    }
}

/// Starts a write transaction.
pub async fn begin(db: &DatabaseConnection) -> AppResult<DatabaseTransaction> {
    Ok(db
        .begin_with_options(TransactionOptions {
            isolation_level: None,
            // Read-write is the default; SQLite refuses an explicit access mode.
            access_mode: None,
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        })
        .await?)
}

/// Fails with `CONFLICT` when the client's version is not the stored one.
pub fn check_version(record: &str, given: i32, stored: i32) -> AppResult<()> {
    if given == stored {
        Ok(())
    } else {
        Err(AppError::stale(record))
    }
}

/// Fails with `CONFLICT` when a conditional update (`WHERE version = given`) changed no
/// row: someone else wrote in between.
pub fn check_updated(record: &str, rows_affected: u64) -> AppResult<()> {
    if rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::stale(record))
    }
}

/// Collects field errors; `finish` fails with all of them.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    pub fn check(&mut self, ok: bool, field: &str, code: &str, message: impl Into<String>) {
        if !ok {
            self.error(field, code, message);
        }
    }

    /// A date on or after the charter's adoption (May 2006) and not in the future.
    pub fn register_date(&mut self, field: &str, date: NaiveDate) {
        if date < dates::charter_adopted_on() {
            self.error(
                field,
                "BEFORE_CHARTER",
                format!("{date} is before the charter was adopted (May 2006)"),
            );
        }
        if date > today() {
            self.error(field, "IN_FUTURE", format!("{date} is in the future"));
        }
    }

    /// A required, non-blank text of at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.error(field, "REQUIRED", "must not be empty");
        } else if value.chars().count() > max {
            self.error(field, "TOO_LONG", format!("at most {max} characters"));
        }
    }

    /// A year from the charter's year to next year.
    pub fn year(&mut self, field: &str, year: i32) {
        let last = chrono::Datelike::year(&today()) + 1;
        if !(2006..=last).contains(&year) {
            self.error(
                field,
                "OUT_OF_RANGE",
                format!("{year} is not between 2006 and {last}"),
            );
        }
    }

    pub fn finish(self) -> AppResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.errors))
        }
    }
}

/// Today's date for validation (UTC).
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The columns every versioned record has.
pub struct Versioned<E: EntityTrait> {
    pub id: E::Column,
    pub version: E::Column,
    pub updated_at: E::Column,
}

/// Writes the set columns of `active` only if the stored version is still `version`,
/// bumps the version, and returns the stored row. `CONFLICT` when someone else wrote in
/// between: the conditional update makes the check and the write one atomic step.
pub async fn save_versioned<E, A>(
    txn: &DatabaseTransaction,
    record: &str,
    columns: Versioned<E>,
    mut active: A,
    id: i32,
    version: i32,
) -> AppResult<E::Model>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Send,
{
    active.set(columns.version, (version + 1).into());
    active.set(columns.updated_at, chrono::Utc::now().into());
    let result = E::update_many()
        .set(active)
        .filter(columns.id.eq(id))
        .filter(columns.version.eq(version))
        .exec(txn)
        .await?;
    check_updated(record, result.rows_affected)?;
    E::find()
        .filter(columns.id.eq(id))
        .one(txn)
        .await?
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "{record} {id} vanished inside its transaction"
            ))
        })
}
