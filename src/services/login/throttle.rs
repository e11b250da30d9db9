//! The stored login counters: an attempt is reserved (counted as a failure) before the
//! password is checked, in one transaction that also refuses it while a key is blocked.
//! Reserving first means concurrent attempts, on any replica, cannot slip past the limit
//! together; a crash between reserving and checking counts as a failure, the safe side.

use crate::auth::login_throttle::{Counter, ThrottleRules};
use crate::error::AppResult;
use crate::services::writing;
use entity::login_throttle;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::sync::atomic::{AtomicI64, Ordering};

/// One counter an attempt is charged to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey {
    pub key: String,
    /// Failures before back-off starts.
    pub free: u32,
    /// Whether a success resets the counter (an account or device) or only takes back its
    /// own attempt (a client address, which other clients share).
    pub reset_on_success: bool,
}

/// Whether an attempt may check its password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// Counted; the password may be checked.
    Granted,
    /// Blocked: try again after this many seconds.
    Throttled { retry_after_secs: i64 },
}

fn counter(row: &login_throttle::Model) -> Counter {
    Counter {
        failures: row.failures,
        last_attempt_at: row.last_attempt_at,
        blocked_until: row.blocked_until,
    }
}

/// Counts an attempt against every key, unless one of them is blocked.
pub async fn reserve(
    db: &DatabaseConnection,
    rules: &ThrottleRules,
    keys: &[ThrottleKey],
    now: i64,
) -> AppResult<Reservation> {
    let mut keys = keys.to_vec();
    // One lock order for everyone, so two attempts never wait on each other in a cycle.
    keys.sort_by(|a, b| a.key.cmp(&b.key));
    let txn = writing::begin(db).await?;
    login_throttle::Entity::insert_many(keys.iter().map(|k| login_throttle::ActiveModel {
        throttle_key: Set(k.key.clone()),
        failures: Set(0),
        last_attempt_at: Set(now),
        blocked_until: Set(None),
    }))
    .on_conflict(
        OnConflict::column(login_throttle::Column::ThrottleKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let rows = login_throttle::Entity::find()
        .filter(login_throttle::Column::ThrottleKey.is_in(keys.iter().map(|k| k.key.clone())))
        .order_by_asc(login_throttle::Column::ThrottleKey)
        .lock_exclusive()
        .all(&txn)
        .await?;
    let blocked = rows
        .iter()
        .filter_map(|row| rules.blocked_for(&counter(row), now))
        .max();
    if let Some(retry_after_secs) = blocked {
        txn.rollback().await?;
        return Ok(Reservation::Throttled { retry_after_secs });
    }
    for key in &keys {
        let stored = rows.iter().find(|r| r.throttle_key == key.key).map(counter);
        let next = rules.after_attempt(stored.as_ref(), key.free, now);
        write(&txn, &key.key, next).await?;
    }
    crate::services::writing::commit(txn).await?;
    Ok(Reservation::Granted)
}

/// After a successful attempt (inside the login's transaction): accounts and devices
/// start afresh, a shared address gets its attempt back.
pub async fn release(
    txn: &DatabaseTransaction,
    rules: &ThrottleRules,
    keys: &[ThrottleKey],
) -> AppResult<()> {
    for key in keys {
        if key.reset_on_success {
            login_throttle::Entity::delete_by_id(key.key.clone())
                .exec(txn)
                .await?;
            continue;
        }
        let stored = login_throttle::Entity::find_by_id(key.key.clone())
            .lock_exclusive()
            .one(txn)
            .await?;
        if let Some(stored) = stored {
            let next = rules.after_success(&counter(&stored), key.free);
            write(txn, &key.key, next).await?;
        }
    }
    Ok(())
}

/// The counter of a key, if it has one.
pub async fn state(db: &impl ConnectionTrait, key: &str) -> AppResult<Option<Counter>> {
    Ok(login_throttle::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .as_ref()
        .map(counter))
}

/// Removes the counters of the given keys (an administrator lifting a lockout).
pub async fn clear(txn: &DatabaseTransaction, keys: &[String]) -> AppResult<u64> {
    Ok(login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::ThrottleKey.is_in(keys.iter().cloned()))
        .exec(txn)
        .await?
        .rows_affected)
}

async fn write(txn: &DatabaseTransaction, key: &str, counter: Counter) -> AppResult<()> {
    login_throttle::Entity::update_many()
        .col_expr(
            login_throttle::Column::Failures,
            Expr::value(counter.failures),
        )
        .col_expr(
            login_throttle::Column::LastAttemptAt,
            Expr::value(counter.last_attempt_at),
        )
        .col_expr(
            login_throttle::Column::BlockedUntil,
            Expr::value(counter.blocked_until),
        )
        .filter(login_throttle::Column::ThrottleKey.eq(key))
        .exec(txn)
        .await?;
    Ok(())
}

/// Deletes counters that no longer matter (forgotten and not blocking), at most once a
/// minute per process: attempts with made-up emails must not grow the table for ever.
pub async fn prune(db: &DatabaseConnection, rules: &ThrottleRules, now: i64) -> AppResult<()> {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let last = LAST.load(Ordering::Relaxed);
    if now - last < 60
        || LAST
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return Ok(());
    }
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::LastAttemptAt.lt(now - rules.window_secs))
        .filter(
            Condition::any()
                .add(login_throttle::Column::BlockedUntil.is_null())
                .add(login_throttle::Column::BlockedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(())
}
