//! A new signing: the organisation's current signature, with a withdrawn one kept as
//! history.

use super::SignatureFacts;
use super::records::{motives_of, replace_motives, snapshot};
use super::rules::validate;
use crate::auth::policy;
use crate::domain::dates;
use crate::domain::register::DataOrigin;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::organisations;
use crate::services::writing::{self, RequestContext, Validator};
use chrono::Utc;
use entity::signature;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter,
};

const ALREADY_SIGNED: &str =
    "the organisation already has a current signature; update it or withdraw it first";

/// Registers a signing as the organisation's current signature. An organisation whose
/// current signature stands cannot sign again; one that withdrew can, and its withdrawn
/// signature becomes history.
pub async fn register(
    db: &DatabaseConnection,
    request: &RequestContext,
    organisation_code: &str,
    facts: SignatureFacts,
) -> AppResult<signature::Model> {
    writing::transaction(db, async |txn| {
        register_in(txn, request, organisation_code, facts).await
    })
    .await
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
    writing::lock_organisation(txn, organisation.id).await?;
    let mut v = Validator::new();
    let range = validate(&facts, &mut v);
    let current = signature::Entity::find()
        .filter(signature::Column::CurrentFor.eq(organisation.id))
        .one(txn)
        .await?;
    if let Some(current) = &current {
        match &current.withdrawn_on {
            None => v.error("organisationCode", "DUPLICATE", ALREADY_SIGNED),
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
        plan_missing_on: Set(facts.plan_missing_on.map(dates::format)),
        plan_missing_source: Set(facts.plan_missing_source.clone()),
        data_origin: Set(DataOrigin::Reported.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(writing::duplicate_on("organisationCode", ALREADY_SIGNED))?;
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
