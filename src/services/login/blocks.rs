//! What administrators see and do about login blocks: until when an account is held
//! back, and lifting that at once (audited).

use super::{account_key, devices, throttle};
use crate::auth::login_throttle::ThrottleRules;
use crate::auth::policy;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::writing::{self, RequestContext};
use chrono::{DateTime, Utc};
use entity::account;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::json;

/// Until when logins to the account are held back by its failures (those of clients
/// without one of its device tokens), if they are now.
pub async fn blocked_until(
    db: &DatabaseConnection,
    rules: &ThrottleRules,
    email: &str,
) -> AppResult<Option<DateTime<Utc>>> {
    let now = Utc::now().timestamp();
    Ok(throttle::state(db, &account_key(email))
        .await?
        .and_then(|counter| rules.blocked_for(&counter, now).map(|wait| now + wait))
        .and_then(|at| DateTime::from_timestamp(at, 0)))
}

/// Lifts an account's login back-off at once, for every client (administrators).
pub async fn lift_block(
    db: &DatabaseConnection,
    request: &RequestContext,
    account_id: i32,
) -> AppResult<account::Model> {
    let actor = policy::may_administer(&request.caller)?;
    let account = account::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no account {account_id}")))?;
    let key = account_key(&account.email);
    let before = throttle::state(db, &key).await?;
    let mut keys = vec![key];
    keys.extend(
        devices::of_account(db, account.id)
            .await?
            .into_iter()
            .map(|digest| format!("device:{digest}")),
    );
    let txn = writing::begin(db).await?;
    let cleared = throttle::clear(&txn, &keys).await?;
    let before = json!({
        "failures": before.map(|c| c.failures),
        "blockedUntil": before.and_then(|c| c.blocked_until),
    });
    let after = json!({ "countersCleared": cleared });
    audit::commit(
        txn,
        request,
        actor,
        Change::updated(
            "account.lift_login_block",
            "Account",
            account.id,
            &before,
            &after,
        ),
    )
    .await?;
    Ok(account)
}
