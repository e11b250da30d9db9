//! Registering webhooks: administrators for any organisation or for the whole register,
//! members for their own organisation only. What an endpoint is sent is decided at
//! delivery by its owner's role (a member's endpoint is never sent restricted changes),
//! so the filter chosen here only narrows it further. Every change is audited and
//! recorded in the change feed (restricted). The signing secret is returned by `create`
//! and `rotate_secret` only.

use crate::auth::identify::TOKEN_SUBJECT;
use crate::auth::{Principal, Role, policy};
use crate::error::{AppError, AppResult};
use crate::feed::{ChangeKind, Visibility};
use crate::services::audit::{self, Change};
use crate::services::writing::{self, RequestContext, Validator};
use crate::services::{codes, organisations};
use crate::webhooks::signing;
use crate::webhooks::targets::{self, TargetPolicy};
use chrono::Utc;
use entity::webhook;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

/// Every record type the change feed names, public and restricted.
pub const RECORD_TYPES: &[&str] = &[
    "Organisation",
    "Signature",
    "ActionPlan",
    "FollowUpReport",
    "ProgrammeParticipation",
    "CountyBoardSupport",
    "CountyBoardStrategy",
    "SupportProgramme",
    "Register",
    "Account",
    "ApiToken",
    "Webhook",
    "Study",
    "StudyCodebook",
    "StudyRelease",
    "StudyParticipant",
    "StudyFinding",
    "RespondentGroup",
    "Interview",
    "Quote",
    "Seminar",
];

/// Codes one filter list may name.
const MAX_FILTER_CODES: usize = 400;
/// The longest name.
const MAX_NAME_CHARS: usize = 200;

/// ACTIVE or PAUSED.
pub const ACTIVE: &str = "ACTIVE";
pub const PAUSED: &str = "PAUSED";

/// What registration allows, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub targets: TargetPolicy,
    pub max_per_organisation: u64,
}

/// A webhook as its registrant describes it.
#[derive(Debug, Clone, Default)]
pub struct WebhookSpec {
    pub name: String,
    pub url: String,
    /// The owning organisation: a member's own (implied), or any an administrator names;
    /// none (administrators only) for a webhook of the whole register.
    pub organisation_code: Option<String>,
    pub record_types: Vec<String>,
    pub change_kinds: Vec<String>,
    pub organisation_codes: Vec<String>,
    pub county_codes: Vec<String>,
}

/// Changes to a webhook; what is None stays.
#[derive(Debug, Clone, Default)]
pub struct WebhookChanges {
    pub version: i32,
    pub name: Option<String>,
    pub url: Option<String>,
    pub record_types: Option<Vec<String>>,
    pub change_kinds: Option<Vec<String>>,
    pub organisation_codes: Option<Vec<String>>,
    pub county_codes: Option<Vec<String>>,
}

/// A JSON array of strings, as the filter columns keep it.
pub fn decode_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn encode_list(values: &[String]) -> String {
    serde_json::Value::from(values.to_vec()).to_string()
}

/// The filter, checked and in stored form.
struct Filter {
    record_types: Vec<String>,
    change_kinds: Vec<String>,
    organisation_codes: Vec<String>,
    county_codes: Vec<String>,
}

async fn check_filter(
    db: &impl ConnectionTrait,
    v: &mut Validator,
    owner_role: Role,
    record_types: &[String],
    change_kinds: &[String],
    organisation_codes: &[String],
    county_codes: &[String],
) -> AppResult<Filter> {
    let mut types: Vec<String> = Vec::new();
    for t in record_types {
        let t = t.trim();
        if !RECORD_TYPES.contains(&t) {
            v.error(
                "recordTypes",
                "INVALID",
                format!("{t:?} is not a record type of the change feed"),
            );
        } else if owner_role != Role::Admin && Visibility::of(t) == Visibility::Restricted {
            v.error(
                "recordTypes",
                "NOT_READABLE",
                format!("{t} changes are restricted: only administrators' webhooks get them"),
            );
        } else if !types.iter().any(|x| x == t) {
            types.push(t.to_owned());
        }
    }
    let mut kinds: Vec<String> = Vec::new();
    for k in change_kinds {
        match ChangeKind::from_stored(k.trim()) {
            Some(kind) if !kinds.iter().any(|x| x == kind.as_str()) => {
                kinds.push(kind.as_str().to_owned())
            }
            Some(_) => {}
            None => v.error(
                "changeKinds",
                "INVALID",
                format!("{k:?} is not CREATED, UPDATED, DELETED, NOTED or RELOADED"),
            ),
        }
    }
    for (field, list) in [
        ("organisationCodes", organisation_codes),
        ("countyCodes", county_codes),
    ] {
        if list.len() > MAX_FILTER_CODES {
            v.error(
                field,
                "TOO_LONG",
                format!("at most {MAX_FILTER_CODES} codes"),
            );
        }
    }
    let resolve = |result: AppResult<Vec<String>>, field: &str, v: &mut Validator| match result {
        Ok(mut found) => {
            found.sort();
            found.dedup();
            found
        }
        Err(e) => {
            v.error(field, "NOT_FOUND", e.message());
            Vec::new()
        }
    };
    let organisation_codes =
        if organisation_codes.is_empty() || organisation_codes.len() > MAX_FILTER_CODES {
            Vec::new()
        } else {
            resolve(
                codes::organisation_codes(db, organisation_codes).await,
                "organisationCodes",
                v,
            )
        };
    let county_codes = if county_codes.is_empty() || county_codes.len() > MAX_FILTER_CODES {
        Vec::new()
    } else {
        resolve(
            codes::county_codes(db, county_codes).await,
            "countyCodes",
            v,
        )
    };
    Ok(Filter {
        record_types: types,
        change_kinds: kinds,
        organisation_codes,
        county_codes,
    })
}

/// The actor that may manage a stored webhook: an administrator, or a member of the
/// organisation that owns it (taken from the stored row, never from input).
fn manager<'a>(request: &'a RequestContext, stored: &webhook::Model) -> AppResult<&'a Principal> {
    match stored.organisation_id {
        Some(id) => policy::may_write_organisation(&request.caller, id),
        None => policy::may_administer(&request.caller),
    }
}

/// Serialises registrations of one owner (PostgreSQL), so the per-organisation limit
/// holds when two arrive at once; the whole register's webhooks use id 0.
async fn lock_owner(txn: &DatabaseTransaction, organisation_id: Option<i32>) -> AppResult<()> {
    writing::lock_organisation(txn, organisation_id.unwrap_or(0)).await
}

/// Registers a webhook; returns its signing secret (this once) and its record.
pub async fn create(
    db: &DatabaseConnection,
    request: &RequestContext,
    rules: &Rules,
    spec: WebhookSpec,
) -> AppResult<(String, webhook::Model)> {
    let caller = policy::authenticated(&request.caller)?;
    let organisation = match (&spec.organisation_code, caller.role) {
        (Some(code), _) => Some(organisations::by_code(db, code).await?.ok_or_else(|| {
            AppError::invalid(
                "organisationCode",
                "NOT_FOUND",
                format!("no organisation has the code {code:?}"),
            )
        })?),
        (None, Role::Member) => match &caller.organisation {
            Some(m) => organisations::by_ids(db, vec![m.organisation_id])
                .await?
                .into_iter()
                .next(),
            None => None,
        },
        (None, _) => None,
    };
    let actor = match &organisation {
        Some(o) => policy::may_write_organisation(&request.caller, o.id)?,
        None => policy::may_administer(&request.caller)?,
    };
    // An organisation's webhook is told what its members may read, whoever registered
    // it, since its members may change where it points.
    let owner_role = if organisation.is_some() {
        Role::Member
    } else {
        Role::Admin
    };
    let mut v = Validator::new();
    v.text("name", &spec.name, MAX_NAME_CHARS);
    let url = match targets::parse(&spec.url, rules.targets) {
        Ok(url) => Some(url),
        Err(AppError::Invalid(errors)) => {
            for e in errors {
                v.error("url", &e.code, e.message);
            }
            None
        }
        Err(other) => return Err(other),
    };
    let mut filter = check_filter(
        db,
        &mut v,
        owner_role,
        &spec.record_types,
        &spec.change_kinds,
        &spec.organisation_codes,
        &spec.county_codes,
    )
    .await?;
    v.finish()?;
    // A member's webhook with no filter follows its own organisation.
    if let Some(o) = &organisation
        && filter.organisation_codes.is_empty()
        && filter.county_codes.is_empty()
    {
        filter.organisation_codes = vec![o.code.clone()];
    }
    let url = url.map(|u| u.to_string()).unwrap_or_default();
    let secret = signing::generate_secret()?;
    let organisation_id = organisation.as_ref().map(|o| o.id);
    let max = rules.max_per_organisation;
    let created = writing::transaction(db, async |txn| {
        // Not for an account being disabled meanwhile: its webhooks are paused.
        crate::services::api_tokens::ensure_still_enabled(txn, actor).await?;
        lock_owner(txn, organisation_id).await?;
        let existing = webhook::Entity::find()
            .filter(match organisation_id {
                Some(id) => webhook::Column::OrganisationId.eq(id),
                None => webhook::Column::OrganisationId.is_null(),
            })
            .count(txn)
            .await?;
        if existing >= max {
            return Err(AppError::invalid(
                "organisationCode",
                "LIMIT_EXCEEDED",
                format!("an organisation may have at most {max} webhooks; delete one first"),
            ));
        }
        let now = Utc::now();
        // Deliveries begin with the changes committed from now on.
        let start = crate::feed::event::last_position(txn).await?;
        let created = webhook::ActiveModel {
            name: Set(spec.name.trim().to_owned()),
            url: Set(url.clone()),
            organisation_id: Set(organisation_id),
            owner_role: Set(owner_role.as_str().to_owned()),
            created_by: Set(actor.sub.clone()),
            record_types: Set(encode_list(&filter.record_types)),
            change_kinds: Set(encode_list(&filter.change_kinds)),
            organisation_codes: Set(encode_list(&filter.organisation_codes)),
            county_codes: Set(encode_list(&filter.county_codes)),
            secret: Set(secret.clone()),
            secret_rotated_at: Set(None),
            status: Set(ACTIVE.to_owned()),
            paused_reason: Set(None),
            paused_at: Set(None),
            cursor: Set(start.0),
            consecutive_failures: Set(0),
            next_attempt_at: Set(0),
            lease_until: Set(0),
            lease_owner: Set(None),
            last_delivery_at: Set(None),
            last_delivery_status: Set(None),
            last_error: Set(None),
            last_success_at: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let change = Change::created("webhook.create", "Webhook", created.id, &created);
        audit::record(txn, request, actor, change).await?;
        Ok(created)
    })
    .await?;
    Ok((secret, created))
}

async fn stored_in(txn: &DatabaseTransaction, id: i32) -> AppResult<webhook::Model> {
    webhook::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no webhook {id}")))
}

/// Reads a webhook for a write, refusing callers that may not manage it. A webhook the
/// caller may not see is reported as missing, so ids reveal nothing.
async fn managed<'a>(
    txn: &DatabaseTransaction,
    request: &'a RequestContext,
    id: i32,
) -> AppResult<(webhook::Model, &'a Principal)> {
    policy::authenticated(&request.caller)?;
    let stored = stored_in(txn, id).await?;
    match manager(request, &stored) {
        Ok(actor) => Ok((stored, actor)),
        Err(AppError::Forbidden(_)) if !sees(request, &stored) => {
            Err(AppError::not_found(format!("no webhook {id}")))
        }
        Err(e) => Err(e),
    }
}

/// Whether the caller may see the webhook at all.
fn sees(request: &RequestContext, stored: &webhook::Model) -> bool {
    match request.caller.principal() {
        Some(p) if p.role == Role::Admin => true,
        Some(p) if p.role == Role::Member => {
            stored.organisation_id.is_some()
                && stored.organisation_id == p.organisation.as_ref().map(|m| m.organisation_id)
        }
        _ => false,
    }
}

/// Changes a webhook's name, URL or filter (optimistic: `version` must be current).
pub async fn update(
    db: &DatabaseConnection,
    request: &RequestContext,
    rules: &Rules,
    id: i32,
    changes: WebhookChanges,
) -> AppResult<webhook::Model> {
    writing::transaction(db, async |txn| {
        let (stored, actor) = managed(txn, request, id).await?;
        writing::check_version("webhook", changes.version, stored.version)?;
        let owner_role = Role::from_stored(&stored.owner_role).unwrap_or(Role::Member);
        let mut v = Validator::new();
        if let Some(name) = &changes.name {
            v.text("name", name, MAX_NAME_CHARS);
        }
        let url = match changes
            .url
            .as_deref()
            .map(|u| targets::parse(u, rules.targets))
        {
            None => None,
            Some(Ok(url)) => Some(url.to_string()),
            Some(Err(AppError::Invalid(errors))) => {
                for e in errors {
                    v.error("url", &e.code, e.message);
                }
                None
            }
            Some(Err(other)) => return Err(other),
        };
        let keep = |given: &Option<Vec<String>>, stored: &str| {
            given.clone().unwrap_or_else(|| decode_list(stored))
        };
        let mut filter = check_filter(
            txn,
            &mut v,
            owner_role,
            &keep(&changes.record_types, &stored.record_types),
            &keep(&changes.change_kinds, &stored.change_kinds),
            &keep(&changes.organisation_codes, &stored.organisation_codes),
            &keep(&changes.county_codes, &stored.county_codes),
        )
        .await?;
        v.finish()?;
        if let Some(organisation_id) = stored.organisation_id
            && filter.organisation_codes.is_empty()
            && filter.county_codes.is_empty()
            && let Some(own) = organisations::by_ids(txn, vec![organisation_id])
                .await?
                .into_iter()
                .next()
        {
            filter.organisation_codes = vec![own.code];
        }
        let mut active: webhook::ActiveModel = stored.clone().into();
        if let Some(name) = &changes.name {
            active.name = Set(name.trim().to_owned());
        }
        if let Some(url) = url
            && url != stored.url
        {
            active.url = Set(url);
            // A new address starts with a clean slate.
            active.consecutive_failures = Set(0);
            active.next_attempt_at = Set(0);
        }
        active.record_types = Set(encode_list(&filter.record_types));
        active.change_kinds = Set(encode_list(&filter.change_kinds));
        active.organisation_codes = Set(encode_list(&filter.organisation_codes));
        active.county_codes = Set(encode_list(&filter.county_codes));
        active.version = Set(stored.version + 1);
        active.updated_at = Set(Utc::now());
        let updated = active.update(txn).await?;
        let change = Change::updated("webhook.update", "Webhook", id, &stored, &updated);
        audit::record(txn, request, actor, change).await?;
        Ok(updated)
    })
    .await
}

/// Deletes a webhook; deliveries to it stop at once.
pub async fn delete(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
) -> AppResult<webhook::Model> {
    writing::transaction(db, async |txn| {
        let (stored, actor) = managed(txn, request, id).await?;
        webhook::Entity::delete_by_id(id).exec(txn).await?;
        let change = Change {
            action: "webhook.delete",
            record_type: "Webhook",
            record_id: id.to_string(),
            before: Some(&stored),
            after: None,
            kind: ChangeKind::Deleted,
        };
        audit::record(txn, request, actor, change).await?;
        Ok(stored)
    })
    .await
}

/// Starts a paused webhook again: the event it stopped at is tried at once.
pub async fn resume(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
) -> AppResult<webhook::Model> {
    writing::transaction(db, async |txn| {
        let (stored, actor) = managed(txn, request, id).await?;
        if stored.status != PAUSED {
            return Err(AppError::invalid(
                "id",
                "INVALID",
                "the webhook is not paused",
            ));
        }
        let mut active: webhook::ActiveModel = stored.clone().into();
        active.status = Set(ACTIVE.to_owned());
        active.paused_reason = Set(None);
        active.paused_at = Set(None);
        active.consecutive_failures = Set(0);
        active.next_attempt_at = Set(0);
        active.version = Set(stored.version + 1);
        active.updated_at = Set(Utc::now());
        let updated = active.update(txn).await?;
        let change = Change::updated("webhook.resume", "Webhook", id, &stored, &updated);
        audit::record(txn, request, actor, change).await?;
        Ok(updated)
    })
    .await
}

/// Why a webhook paused when the account that registered it was disabled.
pub const OWNER_DISABLED: &str =
    "the account that registered it was disabled; an administrator or the organisation resumes it";

/// Pauses every active webhook the account registered, itself or through one of its API
/// tokens (its account is being disabled), each with its audit entry, inside the
/// caller's transaction: a former colleague's endpoint must not go on receiving the
/// register's changes. Resuming is an explicit act of whoever manages the webhook.
pub async fn pause_registered_by(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    actor: &Principal,
    account_sub: &str,
    token_ids: &[i32],
) -> AppResult<()> {
    let mut registrants: Vec<String> = token_ids
        .iter()
        .map(|id| format!("{TOKEN_SUBJECT}{id}"))
        .collect();
    registrants.push(account_sub.to_owned());
    let live = webhook::Entity::find()
        .filter(webhook::Column::CreatedBy.is_in(registrants))
        .filter(webhook::Column::Status.eq(ACTIVE))
        .all(txn)
        .await?;
    let now = Utc::now();
    for stored in live {
        let mut active: webhook::ActiveModel = stored.clone().into();
        active.status = Set(PAUSED.to_owned());
        active.paused_reason = Set(Some(OWNER_DISABLED.to_owned()));
        active.paused_at = Set(Some(now));
        active.version = Set(stored.version + 1);
        active.updated_at = Set(now);
        let updated = active.update(txn).await?;
        let change = Change::updated("webhook.pause", "Webhook", stored.id, &stored, &updated);
        audit::record(txn, request, actor, change).await?;
    }
    Ok(())
}

/// Replaces the signing secret; returns the new one (this once). Deliveries from now on
/// are signed with it.
pub async fn rotate_secret(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
) -> AppResult<(String, webhook::Model)> {
    let secret = signing::generate_secret()?;
    let updated = writing::transaction(db, async |txn| {
        let (stored, actor) = managed(txn, request, id).await?;
        let mut active: webhook::ActiveModel = stored.clone().into();
        active.secret = Set(secret.clone());
        active.secret_rotated_at = Set(Some(Utc::now()));
        active.version = Set(stored.version + 1);
        active.updated_at = Set(Utc::now());
        let updated = active.update(txn).await?;
        let change = Change::updated("webhook.rotate_secret", "Webhook", id, &stored, &updated);
        audit::record(txn, request, actor, change).await?;
        Ok(updated)
    })
    .await?;
    Ok((secret, updated))
}

/// The webhooks a caller may see: every one for administrators, its organisation's for
/// a member.
pub async fn visible(
    db: &impl ConnectionTrait,
    request: &RequestContext,
) -> AppResult<Vec<webhook::Model>> {
    let caller = policy::authenticated(&request.caller)?;
    let mut select = webhook::Entity::find().order_by_asc(webhook::Column::Id);
    match caller.role {
        Role::Admin => {}
        Role::Member => {
            let organisation = caller.organisation.as_ref().map(|m| m.organisation_id);
            select = select.filter(webhook::Column::OrganisationId.eq(organisation));
        }
        Role::Researcher => {
            return Err(AppError::forbidden(
                "researchers have no webhooks to manage",
            ));
        }
    }
    Ok(select.all(db).await?)
}

/// One webhook the caller may see.
pub async fn one(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    id: i32,
) -> AppResult<webhook::Model> {
    policy::authenticated(&request.caller)?;
    webhook::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|w| sees(request, w))
        .ok_or_else(|| AppError::not_found(format!("no webhook {id}")))
}
