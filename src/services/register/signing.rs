//! Registering, updating and withdrawing signatures.

use crate::auth::policy;
use crate::domain::dates;
use crate::domain::register::{
    CharterEdition, DataOrigin, DatePrecision, DecisionBody, Initiative, Motive,
};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::organisations;
use crate::services::writing::{
    self, RequestContext, Validator, Versioned, check_version, save_versioned, today,
};
use chrono::{Datelike, NaiveDate, Utc};
use entity::{signature, signature_motive};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter,
};
use serde::Serialize;

/// The day the 2022 revision (articles 31–39) was adopted by CEMR.
fn revision_adopted_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 12, 6).unwrap_or_default()
}

/// What a signature says, as a client gives it.
#[derive(Debug, Clone)]
pub struct SignatureFacts {
    /// The day, or any day of the month or year, per `precision`; None when UNKNOWN.
    pub signed_on: Option<NaiveDate>,
    pub precision: DatePrecision,
    /// Required when the precision is UNKNOWN.
    pub not_later_than: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub decision_body: DecisionBody,
    pub decision_reference: Option<String>,
    pub initiative: Initiative,
    pub motives: Vec<Motive>,
    pub charter_edition: CharterEdition,
    pub new_articles_adopted_on: Option<NaiveDate>,
    /// Defaults to a note that the organisation reported it.
    pub source: Option<String>,
    pub note: Option<String>,
}

/// A signature with its motives, as the audit log records it.
#[derive(Serialize)]
struct Snapshot<'a> {
    #[serde(flatten)]
    signature: &'a signature::Model,
    motives: Vec<&'a str>,
}

/// The range of days the signing can have happened in, checked.
fn signing_range(
    facts: &SignatureFacts,
    v: &mut Validator,
) -> Option<(Option<NaiveDate>, NaiveDate)> {
    let range = match (facts.precision, facts.signed_on) {
        (DatePrecision::Unknown, Some(_)) => {
            v.error(
                "signedOn",
                "INVALID",
                "leave signedOn empty when the precision is UNKNOWN",
            );
            None
        }
        (DatePrecision::Unknown, None) => match facts.not_later_than {
            Some(last) => Some((None, last)),
            None => {
                v.error(
                    "notLaterThan",
                    "REQUIRED",
                    "give the date the signing happened not later than",
                );
                None
            }
        },
        (_, None) => {
            v.error(
                "signedOn",
                "REQUIRED",
                "give the signing date (any day of the month or year for MONTH or YEAR)",
            );
            None
        }
        (DatePrecision::Day, Some(day)) => Some((Some(day), day)),
        (DatePrecision::Month, Some(day)) => {
            dates::month_bounds(day.year(), day.month()).map(|(a, b)| (Some(a), b))
        }
        (DatePrecision::Year, Some(day)) => {
            dates::year_bounds(day.year()).map(|(a, b)| (Some(a), b))
        }
    }?;
    if let Some(first) = range.0 {
        v.register_date("signedOn", first);
    } else {
        v.register_date("notLaterThan", range.1);
    }
    // A month or year still running ends today at the latest.
    Some((range.0, range.1.min(today())))
}

/// The stored range of a signing as given, when it is consistent (no checks on dates).
pub fn range_of(facts: &SignatureFacts) -> Option<(Option<NaiveDate>, NaiveDate)> {
    signing_range(facts, &mut Validator::new())
}

fn validate(facts: &SignatureFacts, v: &mut Validator) -> Option<(Option<NaiveDate>, NaiveDate)> {
    let range = signing_range(facts, v);
    if let Some(decided) = facts.decided_on {
        v.register_date("decidedOn", decided);
    }
    if let Some(reference) = &facts.decision_reference {
        v.check(
            reference.chars().count() <= 100,
            "decisionReference",
            "TOO_LONG",
            "at most 100 characters",
        );
    }
    if let Some(source) = &facts.source {
        v.text("source", source, 1000);
    }
    if let (CharterEdition::Charter2022, Some((first, last))) = (facts.charter_edition, range) {
        v.check(
            first.unwrap_or(last) >= revision_adopted_on(),
            "charterEdition",
            "INVALID",
            "the 2022 revision can only have been signed from December 2022",
        );
    }
    if let Some(adopted) = facts.new_articles_adopted_on {
        v.check(
            facts.charter_edition == CharterEdition::Charter2006,
            "newArticlesAdoptedOn",
            "INVALID",
            "only signatories of the 2006 text adopt articles 31–39 separately",
        );
        v.check(
            adopted >= revision_adopted_on(),
            "newArticlesAdoptedOn",
            "INVALID",
            "articles 31–39 exist from December 2022",
        );
        v.check(
            adopted <= today(),
            "newArticlesAdoptedOn",
            "IN_FUTURE",
            format!("{adopted} is in the future"),
        );
    }
    range
}

async fn replace_motives(
    txn: &DatabaseTransaction,
    signature_id: i32,
    motives: &[Motive],
) -> AppResult<()> {
    signature_motive::Entity::delete_many()
        .filter(signature_motive::Column::SignatureId.eq(signature_id))
        .exec(txn)
        .await?;
    let mut unique: Vec<Motive> = motives.to_vec();
    unique.sort_by_key(|m| m.as_str());
    unique.dedup();
    for motive in unique {
        signature_motive::ActiveModel {
            signature_id: Set(signature_id),
            motive: Set(motive.as_str().to_owned()),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

async fn motives_of(txn: &DatabaseTransaction, signature_id: i32) -> AppResult<Vec<String>> {
    Ok(signature_motive::Entity::find()
        .filter(signature_motive::Column::SignatureId.eq(signature_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| m.motive)
        .collect())
}

fn snapshot<'a>(signature: &'a signature::Model, motives: &'a [String]) -> Snapshot<'a> {
    Snapshot {
        signature,
        motives: motives.iter().map(String::as_str).collect(),
    }
}

/// Registers a signing as the organisation's current signature. An organisation whose
/// current signature stands cannot sign again; one that withdrew can, and its withdrawn
/// signature becomes history.
pub async fn register(
    db: &DatabaseConnection,
    request: &RequestContext,
    organisation_code: &str,
    facts: SignatureFacts,
) -> AppResult<signature::Model> {
    let txn = writing::begin(db).await?;
    let result = register_in(&txn, request, organisation_code, facts).await?;
    txn.commit().await?;
    Ok(result)
}

/// As `register`, inside a transaction the caller commits (imports write many rows in one).
pub async fn register_in(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    organisation_code: &str,
    facts: SignatureFacts,
) -> AppResult<signature::Model> {
    policy::authenticated(&request.caller)?;
    let organisation = organisations::by_code(txn, organisation_code)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "organisationCode",
                "NOT_FOUND",
                format!("no organisation has the code {organisation_code:?}"),
            )
        })?;
    let actor = policy::may_write_organisation(&request.caller, organisation.id)?;
    let mut v = Validator::new();
    let range = validate(&facts, &mut v);
    let current = signature::Entity::find()
        .filter(signature::Column::CurrentFor.eq(organisation.id))
        .one(txn)
        .await?;
    if let Some(current) = &current {
        match &current.withdrawn_on {
            None => v.error(
                "organisationCode",
                "DUPLICATE",
                "the organisation already has a current signature; update it or withdraw it first",
            ),
            Some(withdrawn) => {
                if let Some((first, last)) = range {
                    v.check(
                        dates::format(first.unwrap_or(last)) >= *withdrawn,
                        "signedOn",
                        "ORDER",
                        format!("a new signing must come after the withdrawal on {withdrawn}"),
                    );
                }
            }
        }
    }
    v.finish()?;
    let Some((first, last)) = range else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "validated range missing"
        )));
    };
    if let Some(previous) = current {
        let mut demoted: signature::ActiveModel = previous.clone().into();
        demoted.current_for = Set(None);
        demoted.version = Set(previous.version + 1);
        demoted.updated_at = Set(Utc::now());
        let demoted = demoted.update(txn).await?;
        let motives = motives_of(txn, demoted.id).await?;
        audit::record(
            txn,
            request,
            actor,
            Change::updated(
                "signature.supersede",
                "Signature",
                previous.id,
                &snapshot(&previous, &motives),
                &snapshot(&demoted, &motives),
            ),
        )
        .await?;
    }
    let now = Utc::now();
    let created = signature::ActiveModel {
        organisation_id: Set(organisation.id),
        current_for: Set(Some(organisation.id)),
        signed_on: Set(first.map(dates::format)),
        signed_precision: Set(facts.precision.as_str().to_owned()),
        not_later_than: Set(dates::format(last)),
        decided_on: Set(facts.decided_on.map(dates::format)),
        decision_body: Set(facts.decision_body.as_str().to_owned()),
        decision_reference: Set(facts.decision_reference.clone()),
        initiative: Set(facts.initiative.as_str().to_owned()),
        charter_edition: Set(facts.charter_edition.as_str().to_owned()),
        new_articles_adopted_on: Set(facts.new_articles_adopted_on.map(dates::format)),
        withdrawn_on: Set(None),
        withdrawal_reason: Set(None),
        source: Set(facts
            .source
            .clone()
            .unwrap_or_else(|| format!("Reported by {} through cemr-api", actor.sub))),
        note: Set(facts.note.clone()),
        data_origin: Set(DataOrigin::Reported.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    replace_motives(txn, created.id, &facts.motives).await?;
    let motives = motives_of(txn, created.id).await?;
    audit::record(
        txn,
        request,
        actor,
        Change::created(
            "signature.register",
            "Signature",
            created.id,
            &snapshot(&created, &motives),
        ),
    )
    .await?;
    Ok(created)
}

/// Loads a signature for a write by its owner or an administrator.
async fn for_write<'a>(
    txn: &DatabaseTransaction,
    request: &'a RequestContext,
    id: i32,
) -> AppResult<(signature::Model, &'a crate::auth::Principal)> {
    policy::authenticated(&request.caller)?;
    let stored = signature::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no signature {id}")))?;
    let actor = policy::may_write_organisation(&request.caller, stored.organisation_id)?;
    Ok((stored, actor))
}

/// Replaces what a signature says. The organisation stays; `version` must be current.
pub async fn update(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
    version: i32,
    facts: SignatureFacts,
) -> AppResult<signature::Model> {
    let txn = writing::begin(db).await?;
    let result = update_in(&txn, request, id, version, facts).await?;
    txn.commit().await?;
    Ok(result)
}

/// As `update`, inside a transaction the caller commits (imports write many rows in one).
pub async fn update_in(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    id: i32,
    version: i32,
    facts: SignatureFacts,
) -> AppResult<signature::Model> {
    let (stored, actor) = for_write(txn, request, id).await?;
    check_version("signature", version, stored.version)?;
    let mut v = Validator::new();
    let range = validate(&facts, &mut v);
    if let (Some(withdrawn), Some((first, last))) = (&stored.withdrawn_on, range) {
        v.check(
            dates::format(first.unwrap_or(last)) <= *withdrawn,
            "signedOn",
            "ORDER",
            format!("the signing must come before the withdrawal on {withdrawn}"),
        );
    }
    v.finish()?;
    let Some((first, last)) = range else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "validated range missing"
        )));
    };
    let before_motives = motives_of(txn, id).await?;
    let mut active: signature::ActiveModel = stored.clone().into();
    active.signed_on = Set(first.map(dates::format));
    active.signed_precision = Set(facts.precision.as_str().to_owned());
    active.not_later_than = Set(dates::format(last));
    active.decided_on = Set(facts.decided_on.map(dates::format));
    active.decision_body = Set(facts.decision_body.as_str().to_owned());
    active.decision_reference = Set(facts.decision_reference.clone());
    active.initiative = Set(facts.initiative.as_str().to_owned());
    active.charter_edition = Set(facts.charter_edition.as_str().to_owned());
    active.new_articles_adopted_on = Set(facts.new_articles_adopted_on.map(dates::format));
    // Changed facts no longer rest on the old citation alone.
    active.source = Set(match &facts.source {
        Some(source) => source.clone(),
        None => format!(
            "Updated by {} through cemr-api; earlier source: {}",
            actor.sub, stored.source
        ),
    });
    active.data_origin = Set(DataOrigin::Reported.as_str().to_owned());
    active.note = Set(facts.note.clone());
    let updated = save_versioned(txn, "signature", columns(), active, id, version).await?;
    replace_motives(txn, id, &facts.motives).await?;
    let after_motives = motives_of(txn, id).await?;
    audit::record(
        txn,
        request,
        actor,
        Change::updated(
            "signature.update",
            "Signature",
            id,
            &snapshot(&stored, &before_motives),
            &snapshot(&updated, &after_motives),
        ),
    )
    .await?;
    Ok(updated)
}

/// Records that the organisation left the charter.
pub async fn withdraw(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
    version: i32,
    withdrawn_on: NaiveDate,
    reason: Option<String>,
) -> AppResult<signature::Model> {
    let txn = writing::begin(db).await?;
    let result = withdraw_in(&txn, request, id, version, withdrawn_on, reason).await?;
    txn.commit().await?;
    Ok(result)
}

/// As `withdraw`, inside a transaction the caller commits (imports write many rows in one).
pub async fn withdraw_in(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    id: i32,
    version: i32,
    withdrawn_on: NaiveDate,
    reason: Option<String>,
) -> AppResult<signature::Model> {
    let (stored, actor) = for_write(txn, request, id).await?;
    check_version("signature", version, stored.version)?;
    let mut v = Validator::new();
    v.check(
        stored.current_for.is_some(),
        "id",
        "INVALID",
        "only the current signature can be withdrawn",
    );
    v.check(
        stored.withdrawn_on.is_none(),
        "id",
        "INVALID",
        "the signature is already withdrawn",
    );
    v.register_date("withdrawnOn", withdrawn_on);
    let first = stored
        .signed_on
        .clone()
        .unwrap_or_else(|| dates::format(dates::charter_adopted_on()));
    v.check(
        dates::format(withdrawn_on) >= first,
        "withdrawnOn",
        "ORDER",
        format!("the withdrawal must come after the signing ({first})"),
    );
    if let Some(reason) = &reason {
        v.check(
            reason.chars().count() <= 2000,
            "reason",
            "TOO_LONG",
            "at most 2000 characters",
        );
    }
    v.finish()?;
    let motives = motives_of(txn, id).await?;
    let mut active: signature::ActiveModel = stored.clone().into();
    active.withdrawn_on = Set(Some(dates::format(withdrawn_on)));
    active.withdrawal_reason = Set(reason);
    let updated = save_versioned(txn, "signature", columns(), active, id, version).await?;
    audit::record(
        txn,
        request,
        actor,
        Change::updated(
            "signature.withdraw",
            "Signature",
            id,
            &snapshot(&stored, &motives),
            &snapshot(&updated, &motives),
        ),
    )
    .await?;
    Ok(updated)
}

fn columns() -> Versioned<signature::Entity> {
    Versioned {
        id: signature::Column::Id,
        version: signature::Column::Version,
        updated_at: signature::Column::UpdatedAt,
    }
}
