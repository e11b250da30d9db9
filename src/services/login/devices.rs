//! Known login devices: a device token is handed out at each successful login without
//! one, and a login that presents it is throttled on the device's own counter instead
//! of the account's, so an attacker's failures cannot lock the account's owner out
//! (OWASP's "device cookies"). Tokens are stored as digests; an account keeps its most
//! recent few.

use crate::auth::device_tokens;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::login_device;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// How many devices an account keeps; older ones are forgotten.
const DEVICES_PER_ACCOUNT: u64 = 20;

/// A presented device token that is on record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownDevice {
    pub digest: String,
    pub account_id: i32,
}

/// The record of a presented device token, if any. Always one lookup, whatever the
/// email, so the answer's timing says nothing about the account.
pub async fn find(
    db: &impl ConnectionTrait,
    token: Option<&str>,
) -> AppResult<Option<KnownDevice>> {
    let Some(token) = token.filter(|t| t.starts_with(device_tokens::PREFIX) && t.len() <= 100)
    else {
        return Ok(None);
    };
    Ok(
        login_device::Entity::find_by_id(device_tokens::digest(token))
            .one(db)
            .await?
            .map(|row| KnownDevice {
                digest: row.token_digest,
                account_id: row.account_id,
            }),
    )
}

/// Records a new device of the account and returns its token (shown once).
pub async fn remember(
    txn: &DatabaseTransaction,
    account_id: i32,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let token = device_tokens::generate()?;
    login_device::ActiveModel {
        token_digest: Set(device_tokens::digest(&token)),
        account_id: Set(account_id),
        created_at: Set(now),
        last_used_at: Set(now),
    }
    .insert(txn)
    .await?;
    let keep: Vec<String> = login_device::Entity::find()
        .select_only()
        .column(login_device::Column::TokenDigest)
        .filter(login_device::Column::AccountId.eq(account_id))
        .order_by_desc(login_device::Column::LastUsedAt)
        .order_by_desc(login_device::Column::TokenDigest)
        .limit(DEVICES_PER_ACCOUNT)
        .into_tuple()
        .all(txn)
        .await?;
    login_device::Entity::delete_many()
        .filter(login_device::Column::AccountId.eq(account_id))
        .filter(login_device::Column::TokenDigest.is_not_in(keep))
        .exec(txn)
        .await?;
    Ok(token)
}

/// Notes that a known device logged in again.
pub async fn touch(txn: &DatabaseTransaction, digest: &str, now: DateTime<Utc>) -> AppResult<()> {
    login_device::Entity::update_many()
        .col_expr(login_device::Column::LastUsedAt, Expr::value(now))
        .filter(login_device::Column::TokenDigest.eq(digest))
        .exec(txn)
        .await?;
    Ok(())
}

/// The digests of an account's devices.
pub async fn of_account(db: &impl ConnectionTrait, account_id: i32) -> AppResult<Vec<String>> {
    Ok(login_device::Entity::find()
        .select_only()
        .column(login_device::Column::TokenDigest)
        .filter(login_device::Column::AccountId.eq(account_id))
        .into_tuple()
        .all(db)
        .await?)
}

/// Forgets every device of an account (its password changed: the devices proved the
/// old one).
pub async fn forget_all(txn: &DatabaseTransaction, account_id: i32) -> AppResult<()> {
    login_device::Entity::delete_many()
        .filter(login_device::Column::AccountId.eq(account_id))
        .exec(txn)
        .await?;
    Ok(())
}
