//! Numbering a transaction's feed rows inside that transaction: at commit for the few
//! rows of an ordinary write (`seal`), or as they are inserted for the many rows of a
//! bulk write (`take_order`, then `announce`), so that a 100,000-row import does not
//! write its rows twice.
//!
//! On PostgreSQL the transaction first takes the feed's advisory lock, held until it
//! commits: numberers queue, each numbers its rows after the last committed position and
//! commits before the next can read that position, so positions are unique, gap-free and
//! committed in order. A reader that has seen N has therefore seen everything before N.
//! The notification it sends is delivered only on commit (and never on rollback). On
//! SQLite the single writer (IMMEDIATE transactions) gives the same order without a lock.

use crate::error::AppResult;
use crate::feed::Position;
use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// The advisory lock of the feed ("feed" in ASCII), distinct from the organisation locks'
/// two-key space.
const FEED_LOCK_KEY: i64 = 0x6665_6564;

/// The PostgreSQL channel that tells replicas a new position committed.
pub const CHANNEL: &str = "cemr_change";

/// Numbers the transaction's unnumbered rows (its own: other transactions' are invisible
/// to it, and committed ones are always numbered) and returns the last position given,
/// or None when the transaction recorded no unnumbered change.
pub async fn seal(txn: &impl ConnectionTrait) -> AppResult<Option<Position>> {
    let backend = txn.get_database_backend();
    let pending = txn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT id FROM change_event WHERE position IS NULL LIMIT 1",
        ))
        .await?;
    if pending.is_none() {
        return Ok(None);
    }
    let Position(base) = take_order(txn).await?;
    let [base_at, first_at, committed_at] = match backend {
        DbBackend::Postgres => ["$1", "$2", "$3"],
        _ => ["?", "?", "?"],
    };
    // The answer is the count of rows numbered, not every new position.
    let numbered = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "UPDATE change_event \
                 SET position = {base_at} + numbered.n, \
                     transaction_start = {first_at}, \
                     committed_at = {committed_at} \
                 FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n \
                       FROM change_event WHERE position IS NULL) AS numbered \
                 WHERE change_event.id = numbered.id"
            ),
            [base.into(), (base + 1).into(), Utc::now().into()],
        ))
        .await?
        .rows_affected();
    if numbered == 0 {
        return Ok(None);
    }
    let last = Position(base + numbered as i64);
    announce(txn, last).await?;
    Ok(Some(last))
}

/// Takes the feed's order for the rest of the transaction (PostgreSQL: its advisory
/// lock) and returns the last committed position: the transaction's rows are numbered
/// from the one after it. Take it as late as possible: every other write's commit waits
/// for it until this transaction ends.
pub async fn take_order(txn: &impl ConnectionTrait) -> AppResult<Position> {
    let backend = txn.get_database_backend();
    if backend == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            "SELECT pg_advisory_xact_lock($1)",
            [FEED_LOCK_KEY.into()],
        ))
        .await?;
    }
    let base: i64 = txn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COALESCE(MAX(position), 0) FROM change_event",
        ))
        .await?
        .map(|row| row.try_get_by_index(0))
        .transpose()?
        .unwrap_or(0);
    Ok(Position(base))
}

/// Tells the other replicas, once the transaction commits, that the feed reached `last`
/// (PostgreSQL; SQLite has one process and is woken in process).
pub async fn announce(txn: &impl ConnectionTrait, last: Position) -> AppResult<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), last.0.to_string().into()],
        ))
        .await?;
    }
    Ok(())
}
