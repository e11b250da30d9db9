//! API tokens of regional systems: created by an administrator, or by a member for its
//! own organisation; shown once; revocable; optionally expiring. Disabling the account
//! that created a token suspends it; only an administrator resumes it.

use crate::auth::identify::{ACCOUNT_SUBJECT, TOKEN_SUBJECT};
use crate::auth::{Principal, Role, api_tokens, policy};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::organisations;
use crate::services::writing::{self, RequestContext, Validator};
use chrono::{DateTime, Utc};
use entity::{account, api_token};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// A token as its creator describes it.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub name: String,
    /// Required for a MEMBER token; a member may only name its own organisation.
    pub organisation_code: Option<String>,
    /// Defaults to MEMBER; only administrators create other roles.
    pub role: Option<Role>,
    pub can_write: bool,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates a token; returns it once, in clear, with its stored record.
pub async fn create(
    db: &DatabaseConnection,
    request: &RequestContext,
    spec: TokenRequest,
) -> AppResult<(String, api_token::Model)> {
    let caller = policy::authenticated(&request.caller)?;
    let organisation_id = match &spec.organisation_code {
        Some(code) => Some(
            organisations::by_code(db, code)
                .await?
                .ok_or_else(|| {
                    AppError::invalid(
                        "organisationCode",
                        "NOT_FOUND",
                        format!("no organisation has the code {code:?}"),
                    )
                })?
                .id,
        ),
        // A member's token belongs to the member's own organisation by default.
        None if caller.role == Role::Member => {
            caller.organisation.as_ref().map(|m| m.organisation_id)
        }
        None => None,
    };
    let role = spec.role.unwrap_or(Role::Member);
    let actor = match role {
        Role::Member => policy::may_manage_tokens(&request.caller, organisation_id)?,
        _ => policy::may_administer(&request.caller)?,
    };
    let mut v = Validator::new();
    v.text("name", &spec.name, 200);
    v.check(
        role != Role::Member || organisation_id.is_some(),
        "organisationCode",
        "REQUIRED",
        "a MEMBER token belongs to an organisation",
    );
    if let Some(expires) = spec.expires_at {
        v.check(
            expires > Utc::now(),
            "expiresAt",
            "INVALID",
            "must be in the future",
        );
    }
    v.finish()?;
    let token = api_tokens::generate()?;
    let txn = writing::begin(db).await?;
    ensure_still_enabled(&txn, actor).await?;
    let created = api_token::ActiveModel {
        name: Set(spec.name.trim().to_owned()),
        token_digest: Set(api_tokens::digest(&token)),
        display_prefix: Set(api_tokens::display_prefix(&token)),
        role: Set(role.as_str().to_owned()),
        organisation_id: Set(organisation_id),
        can_write: Set(spec.can_write),
        created_by: Set(actor.sub.clone()),
        created_at: Set(Utc::now()),
        expires_at: Set(spec.expires_at),
        revoked_at: Set(None),
        suspended_at: Set(None),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::created("api_token.create", "ApiToken", created.id, &created),
    )
    .await?;
    Ok((token, created))
}

/// Revokes a token at once.
pub async fn revoke(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
) -> AppResult<api_token::Model> {
    policy::authenticated(&request.caller)?;
    let txn = writing::begin(db).await?;
    let stored = api_token::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no API token {id}")))?;
    let actor = match Role::from_stored(&stored.role) {
        Some(Role::Member) => policy::may_manage_tokens(&request.caller, stored.organisation_id)?,
        _ => policy::may_administer(&request.caller)?,
    };
    if stored.revoked_at.is_some() {
        return Err(AppError::invalid(
            "id",
            "INVALID",
            "the token is already revoked",
        ));
    }
    let mut active: api_token::ActiveModel = stored.clone().into();
    active.revoked_at = Set(Some(Utc::now()));
    let updated = active.update(&txn).await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::updated("api_token.revoke", "ApiToken", id, &stored, &updated),
    )
    .await?;
    Ok(updated)
}

/// The tokens a caller may see: all for administrators, its organisation's for a member.
pub async fn visible(
    db: &impl ConnectionTrait,
    request: &RequestContext,
) -> AppResult<Vec<api_token::Model>> {
    let caller = policy::authenticated(&request.caller)?;
    let mut select = api_token::Entity::find().order_by_asc(api_token::Column::Id);
    match caller.role {
        Role::Admin => {}
        Role::Member => {
            let organisation = caller.organisation.as_ref().map(|m| m.organisation_id);
            select = select.filter(api_token::Column::OrganisationId.eq(organisation));
        }
        Role::Researcher => {
            return Err(AppError::forbidden(
                "researchers have no API tokens to manage",
            ));
        }
    }
    Ok(select.all(db).await?)
}

/// Refuses a credential whose account was disabled (or whose API token was suspended or
/// revoked) after the request was identified, before it registers something that would
/// outlive it (a token, a webhook). The shared lock makes a concurrent disabling wait
/// for this transaction (whose registration it then suspends or pauses) or be seen by it
/// (SQLite serialises write transactions anyway).
pub async fn ensure_still_enabled(txn: &DatabaseTransaction, actor: &Principal) -> AppResult<()> {
    let enabled = if let Some(id) = subject_id(&actor.sub, ACCOUNT_SUBJECT) {
        account::Entity::find_by_id(id)
            .lock_shared()
            .one(txn)
            .await?
            .is_some_and(|a| !a.disabled)
    } else if let Some(id) = subject_id(&actor.sub, TOKEN_SUBJECT) {
        api_token::Entity::find_by_id(id)
            .lock_shared()
            .one(txn)
            .await?
            .is_some_and(|t| t.revoked_at.is_none() && t.suspended_at.is_none())
    } else {
        true
    };
    if enabled {
        Ok(())
    } else {
        Err(AppError::Unauthenticated(
            "the account is disabled or gone".into(),
        ))
    }
}

fn subject_id(sub: &str, prefix: &str) -> Option<i32> {
    sub.strip_prefix(prefix).and_then(|id| id.parse().ok())
}

/// Suspends every live token the subject created (its account is being disabled), each
/// with its audit entry, inside the caller's transaction; returns the ids of every token
/// it ever created, live or not (what they registered is paused too).
pub async fn suspend_created_by(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    actor: &Principal,
    creator_sub: &str,
) -> AppResult<Vec<i32>> {
    let created = api_token::Entity::find()
        .filter(api_token::Column::CreatedBy.eq(creator_sub))
        .all(txn)
        .await?;
    let ids = created.iter().map(|t| t.id).collect();
    let now = Utc::now();
    let live = created
        .into_iter()
        .filter(|t| t.revoked_at.is_none() && t.suspended_at.is_none());
    for stored in live {
        let mut active: api_token::ActiveModel = stored.clone().into();
        active.suspended_at = Set(Some(now));
        let updated = active.update(txn).await?;
        let change = Change::updated(
            "api_token.suspend",
            "ApiToken",
            stored.id,
            &stored,
            &updated,
        );
        audit::record(txn, request, actor, change).await?;
    }
    Ok(ids)
}

/// Starts a suspended token again (administrators only).
pub async fn resume(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
) -> AppResult<api_token::Model> {
    let actor = policy::may_administer(&request.caller)?;
    let txn = writing::begin(db).await?;
    let stored = api_token::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no API token {id}")))?;
    if stored.revoked_at.is_some() {
        return Err(AppError::invalid("id", "INVALID", "the token is revoked"));
    }
    if stored.suspended_at.is_none() {
        return Err(AppError::invalid(
            "id",
            "INVALID",
            "the token is not suspended",
        ));
    }
    let mut active: api_token::ActiveModel = stored.clone().into();
    active.suspended_at = Set(None);
    let updated = active.update(&txn).await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::updated("api_token.resume", "ApiToken", id, &stored, &updated),
    )
    .await?;
    Ok(updated)
}
