//! Changing a standing signature: its facts, or its withdrawal.

use super::SignatureFacts;
use super::records::{columns, for_write, motives_of, replace_motives, snapshot};
use super::rules::validate;
use crate::domain::dates;
use crate::domain::register::DataOrigin;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::writing::{self, RequestContext, Validator, check_version, save_versioned};
use chrono::NaiveDate;
use entity::signature;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DatabaseTransaction};

/// Replaces what a signature says. The organisation stays; `version` must be current.
pub async fn update(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
    version: i32,
    facts: SignatureFacts,
) -> AppResult<signature::Model> {
    writing::transaction(db, async |txn| {
        update_in(txn, request, id, version, facts).await
    })
    .await
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
    active.plan_missing_on = Set(facts.plan_missing_on.map(dates::format));
    active.plan_missing_source = Set(facts.plan_missing_source.clone());
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
    writing::transaction(db, async |txn| {
        withdraw_in(txn, request, id, version, withdrawn_on, reason).await
    })
    .await
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
