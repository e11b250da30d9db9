//! One transaction per write, and the per-organisation serialisation of writes whose
//! rule spans rows (one current signature, non-overlapping participations, one plan per
//! title): on PostgreSQL under READ COMMITTED two requests can both check "absent" and
//! both insert, so such writes take the organisation's advisory lock before they check.
//! SQLite needs no lock: its IMMEDIATE transactions already let one writer in at a time.

use crate::error::AppResult;
use crate::feed::Position;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait,
};

/// The advisory lock class of organisation writes ("org " in ASCII); the lock's second
/// key is the organisation's id.
const ORGANISATION_LOCK_CLASS: i32 = 0x6f72_6720;

/// A write transaction: IMMEDIATE on SQLite, so writers queue on the busy timeout instead
/// of failing when a reader upgrades to writer. (Read-write is the default; SQLite
/// refuses an explicit access mode.)
pub const WRITE_TRANSACTION: TransactionOptions = TransactionOptions {
    isolation_level: None,
    access_mode: None,
    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
};

/// Starts a write transaction.
pub async fn begin(db: &DatabaseConnection) -> AppResult<DatabaseTransaction> {
    Ok(db.begin_with_options(WRITE_TRANSACTION).await?)
}

/// Commits a write transaction: numbers its change-feed rows first (in the transaction,
/// so positions and data commit together), then commits, then wakes the feed. Every
/// write commits here; clippy refuses `DatabaseTransaction::commit` anywhere else.
pub async fn commit(txn: DatabaseTransaction) -> AppResult<()> {
    commit_numbered(txn, None).await
}

/// Commits a write transaction whose bulk feed rows were numbered as they were inserted,
/// `numbered` the last position they were given (any other rows it recorded are
/// numbered now, as `commit` does).
pub async fn commit_numbered(
    txn: DatabaseTransaction,
    numbered: Option<Position>,
) -> AppResult<()> {
    let sealed = crate::feed::sealing::seal(&txn).await?;
    #[allow(clippy::disallowed_methods)]
    txn.commit().await?;
    if let Some(position) = sealed.max(numbered) {
        crate::feed::scope::committed(position);
    }
    Ok(())
}

/// Runs `work` in one write transaction: committed when it returns `Ok`, rolled back
/// (and awaited, so the connection is clean when it goes back to the pool) when it fails.
///
/// `work` is an async closure borrowing whatever it needs:
/// `transaction(db, async |txn| create_in(txn, request, code).await).await`. The future
/// stays `Send` (as GraphQL resolvers need) because the closure's concrete type is known
/// at each call site.
pub async fn transaction<T>(
    db: &DatabaseConnection,
    work: impl AsyncFnOnce(&DatabaseTransaction) -> AppResult<T>,
) -> AppResult<T> {
    let txn = begin(db).await?;
    match work(&txn).await {
        Ok(value) => {
            commit(txn).await?;
            Ok(value)
        }
        Err(err) => {
            // A failed rollback means the database already rolled back by itself (SQLite
            // on a full disk, a broken connection): the pool discards such a connection.
            if let Err(rollback) = txn.rollback().await {
                tracing::debug!(error = %rollback, "rollback after a failed write failed");
            }
            Err(err)
        }
    }
}

/// Serialises this transaction with every other write of the organisation (PostgreSQL;
/// held until commit or rollback, taken again for free in the same transaction).
pub async fn lock_organisation(txn: &DatabaseTransaction, organisation_id: i32) -> AppResult<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1, $2)",
            [ORGANISATION_LOCK_CLASS.into(), organisation_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Locks several organisations, always in id order, so two transactions locking
/// overlapping sets wait for each other instead of deadlocking.
pub async fn lock_organisations(
    txn: &DatabaseTransaction,
    organisation_ids: impl IntoIterator<Item = i32>,
) -> AppResult<()> {
    let mut ids: Vec<i32> = organisation_ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        lock_organisation(txn, id).await?;
    }
    Ok(())
}
