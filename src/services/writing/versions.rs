//! Optimistic concurrency: mutable records carry a version, and an update with a stale
//! one changes nothing.

use crate::error::{AppError, AppResult};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

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
