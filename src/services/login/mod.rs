//! Logging in with a built-in account, throttled per account and per client address in
//! the database (so every replica sees the same counters), with every attempt that
//! checked a password audited and every outcome counted in metrics.
//!
//! Every failure answers the same whether or not the email exists, and takes as long: a
//! made-up email is throttled by the same counters (keyed by the email, not the account)
//! and its password is checked against a decoy hash. `throttle` keeps the counters,
//! `devices` the devices that may log in past an account's back-off.

mod blocks;
pub mod devices;
mod renewal;
pub mod throttle;

pub use blocks::{blocked_until, lift_block};
pub use renewal::{MAX_SESSION_SECS, Renewal, renew};

use crate::auth::identify::ACCOUNT_SUBJECT;
use crate::auth::keys::Keys;
use crate::auth::login_throttle::ThrottleRules;
use crate::auth::{Credential, Membership, Principal, Role, api_tokens, passwords};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::writing::{self, RequestContext};
use chrono::Utc;
use entity::{account, audit_entry, organisation};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use throttle::{Reservation, ThrottleKey};

/// How logins are checked, built once at start-up.
pub struct LoginPolicy {
    pub keys: Arc<Keys>,
    /// Added to every failed attempt.
    pub failure_delay: Duration,
    pub rules: ThrottleRules,
}

/// One login attempt.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The token this device was given at an earlier login, if any.
    pub device_token: Option<&'a str>,
    /// The client's address as the rate limiter sees it.
    pub address: &'a str,
}

/// A successful login.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub expires_at: i64,
    pub account: account::Model,
    /// A new device token, when the attempt presented none that is known.
    pub device_token: Option<String>,
}

/// Why a login did not succeed.
#[derive(Debug)]
pub enum Refusal {
    /// The email or password is wrong (or the account is disabled): one answer for all.
    WrongCredentials,
    /// Too many failures for this account or address: try again after the wait.
    Throttled { retry_after_secs: i64 },
    /// The service failed.
    Failed(AppError),
}

impl From<AppError> for Refusal {
    fn from(err: AppError) -> Self {
        Self::Failed(err)
    }
}

/// The normal form of an email: trimmed, lower case.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The counter of everyone who logs in with this email, account or not.
pub(crate) fn account_key(email: &str) -> String {
    format!("account:{}", api_tokens::digest(&normalise_email(email)))
}

fn outcome(outcome: &'static str) {
    metrics::counter!("logins_total", "outcome" => outcome).increment(1);
}

/// Checks a password and issues an access token.
pub async fn login(
    db: &DatabaseConnection,
    policy: &LoginPolicy,
    request: &RequestContext,
    attempt: Attempt<'_>,
) -> Result<Session, Refusal> {
    let now = Utc::now();
    if let Err(err) = throttle::prune(db, &policy.rules, now.timestamp()).await {
        tracing::warn!(error = ?err, "could not prune login counters");
    }
    let email = normalise_email(attempt.email);
    // Text PostgreSQL cannot store is no email of an account; it still takes the same path.
    let found = if email.contains('\0') || email.len() > 254 {
        None
    } else {
        account::Entity::find()
            .filter(account::Column::Email.eq(email.clone()))
            .one(db)
            .await
            .map_err(AppError::from)?
    };
    let device = devices::find(db, attempt.device_token)
        .await?
        .filter(|d| found.as_ref().is_some_and(|a| a.id == d.account_id));
    let keys = [
        ThrottleKey {
            key: match &device {
                Some(device) => format!("device:{}", device.digest),
                None => account_key(&email),
            },
            free: policy.rules.account_attempts,
            reset_on_success: true,
        },
        ThrottleKey {
            key: format!("address:{}", attempt.address),
            free: policy.rules.address_attempts,
            reset_on_success: false,
        },
    ];
    if let Reservation::Throttled { retry_after_secs } =
        throttle::reserve(db, &policy.rules, &keys, now.timestamp()).await?
    {
        outcome("throttled");
        tracing::warn!(
            address = attempt.address,
            retry_after_secs,
            "login throttled"
        );
        return Err(Refusal::Throttled { retry_after_secs });
    }
    let stored_hash = found.as_ref().map_or_else(
        || passwords::decoy_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    let candidate = attempt.password.to_owned();
    let matches = tokio::task::spawn_blocking(move || passwords::verify(&candidate, &stored_hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let account = match found {
        Some(account) if matches && !account.disabled => account,
        found => {
            let reason = match &found {
                None => "unknown email",
                Some(a) if a.disabled => "account disabled",
                Some(_) => "wrong password",
            };
            audit_failure(db, request, found.as_ref(), attempt.address, reason).await?;
            outcome("failure");
            tokio::time::sleep(policy.failure_delay).await;
            return Err(Refusal::WrongCredentials);
        }
    };
    let session = succeed(db, policy, request, &keys, account, device, attempt.address).await?;
    outcome("success");
    Ok(session)
}

/// Issues the token and records the success: counters released, last login, the device,
/// and the audit entry, in one transaction.
async fn succeed(
    db: &DatabaseConnection,
    policy: &LoginPolicy,
    request: &RequestContext,
    keys: &[ThrottleKey],
    account: account::Model,
    device: Option<devices::KnownDevice>,
    address: &str,
) -> AppResult<Session> {
    let role = Role::from_stored(&account.role).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "account {} has an unknown role",
            account.id
        ))
    })?;
    let organisation = match account.organisation_id {
        Some(id) => organisation::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let principal = Principal {
        sub: format!("{ACCOUNT_SUBJECT}{}", account.id),
        role,
        organisation: organisation.map(|o| Membership {
            organisation_id: o.id,
            code: o.code,
        }),
        credential: Credential::Password,
    };
    let org = principal.organisation.as_ref().map(|m| m.code.as_str());
    let (access_token, expires_at) = policy.keys.issue(&principal.sub, role, org)?;
    let now = Utc::now();
    let txn = writing::begin(db).await?;
    throttle::release(&txn, &policy.rules, keys).await?;
    account::Entity::update_many()
        .col_expr(account::Column::LastLoginAt, Expr::value(now))
        .filter(account::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    let device_token = match &device {
        Some(known) => {
            devices::touch(&txn, &known.digest, now).await?;
            None
        }
        None => Some(devices::remember(&txn, account.id, now).await?),
    };
    let details = json!({ "address": address, "knownDevice": device.is_some() });
    audit::commit(
        txn,
        request,
        &principal,
        Change::noted("account.login", "Account", account.id, &details),
    )
    .await?;
    Ok(Session {
        access_token,
        expires_at,
        account,
        device_token,
    })
}

/// Audits a failed attempt. The actor is anonymous: nobody proved who they are.
async fn audit_failure(
    db: &DatabaseConnection,
    request: &RequestContext,
    account: Option<&account::Model>,
    address: &str,
    reason: &str,
) -> AppResult<()> {
    let details = json!({ "address": address, "reason": reason });
    audit_entry::ActiveModel {
        at: Set(Utc::now()),
        actor_sub: Set("anonymous".into()),
        actor_role: Set("ANONYMOUS".into()),
        actor_organisation_code: Set(None),
        credential: Set("PASSWORD".into()),
        action: Set("account.login_failed".into()),
        record_type: Set("Account".into()),
        record_id: Set(account.map(|a| a.id.to_string()).unwrap_or_default()),
        before: Set(None),
        after: Set(Some(details.to_string())),
        request_id: Set(request.request_id.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
