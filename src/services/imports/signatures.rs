//! Signature rows, keyed by organisation code: the organisation's current signature is
//! registered, updated or withdrawn to match the row.

use super::Change;
use super::reader::{Reader, writable_organisation};
use super::source::{Columns, Record};
use crate::domain::dates;
use crate::domain::register::{CharterEdition, DatePrecision, DecisionBody, Initiative, Motive};
use crate::error::{AppError, AppResult};
use crate::services::register::signatures;
use crate::services::register::signing::{self, SignatureFacts};
use crate::services::writing::RequestContext;
use sea_orm::DatabaseTransaction;

pub static COLUMNS: Columns = Columns {
    key: &["organisation_code"],
    required: &["organisation_code", "signed_precision"],
    optional: &[
        "signed_on",
        "not_later_than",
        "decided_on",
        "decision_body",
        "decision_reference",
        "initiative",
        "motives",
        "charter_edition",
        "new_articles_adopted_on",
        "withdrawn_on",
        "withdrawal_reason",
        "source",
        "note",
        "plan_missing_on",
        "plan_missing_source",
    ],
    read_only: &[
        "organisation_name",
        "county_code",
        "status",
        "action_plan_status",
        "action_plan_due_on",
        "data_origin",
        "updated_at",
        // The labels `signatories.csv?lang=` adds.
        "status_label",
        "action_plan_status_label",
        "signed_precision_label",
        "decision_body_label",
        "initiative_label",
        "motives_label",
        "charter_edition_label",
        "data_origin_label",
    ],
};

pub async fn apply(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    record: &Record,
) -> AppResult<Change> {
    let mut r = Reader::new(record);
    let code = r.required("organisation_code");
    let facts = SignatureFacts {
        signed_on: r.date("signed_on"),
        precision: r
            .code("signed_precision", DatePrecision::from_stored)
            .unwrap_or(DatePrecision::Unknown),
        not_later_than: r.date("not_later_than"),
        decided_on: r.date("decided_on"),
        decision_body: r
            .code("decision_body", DecisionBody::from_stored)
            .unwrap_or(DecisionBody::Unknown),
        decision_reference: r.text("decision_reference"),
        initiative: r
            .code("initiative", Initiative::from_stored)
            .unwrap_or(Initiative::Unknown),
        motives: r.list("motives", Motive::from_stored),
        charter_edition: r
            .code("charter_edition", CharterEdition::from_stored)
            .unwrap_or(CharterEdition::Charter2006),
        new_articles_adopted_on: r.date("new_articles_adopted_on"),
        source: r.text("source"),
        note: r.text("note"),
        plan_missing_on: r.date("plan_missing_on"),
        plan_missing_source: r.text("plan_missing_source"),
    };
    let withdrawn_on = r.date("withdrawn_on");
    let reason = r.text("withdrawal_reason");
    r.finish()?;
    let organisation = writable_organisation(txn, request, &code).await?;
    let current = signatures::current_of(txn, vec![organisation.id])
        .await?
        .into_iter()
        .next();
    let Some(stored) = current.filter(|s| s.withdrawn_on.is_none() || withdrawn_on.is_some())
    else {
        // Nothing current (or the current one is withdrawn and the row signs again).
        let created = signing::register_in(txn, request, &code, facts).await?;
        if let Some(on) = withdrawn_on {
            signing::withdraw_in(txn, request, created.id, created.version, on, reason).await?;
        }
        return Ok(Change::Created);
    };
    let motives: Vec<String> = {
        let mut m: Vec<String> = facts
            .motives
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect();
        m.sort();
        m.dedup();
        m
    };
    let stored_motives: Vec<String> = signatures::motives_of(txn, vec![stored.id])
        .await?
        .into_iter()
        .map(|m| m.motive)
        .collect();
    let range = signing::range_of(&facts);
    let same_facts = range.as_ref().is_some_and(|(first, last)| {
        stored.signed_on == first.map(dates::format)
            && stored.not_later_than == dates::format(*last)
    }) && stored.signed_precision == facts.precision.as_str()
        && stored.decided_on == facts.decided_on.map(dates::format)
        && stored.decision_body == facts.decision_body.as_str()
        && stored.decision_reference == facts.decision_reference
        && stored.initiative == facts.initiative.as_str()
        && stored.charter_edition == facts.charter_edition.as_str()
        && stored.new_articles_adopted_on == facts.new_articles_adopted_on.map(dates::format)
        && facts.source.as_ref().is_none_or(|s| *s == stored.source)
        && stored.note == facts.note
        && stored.plan_missing_on == facts.plan_missing_on.map(dates::format)
        && stored.plan_missing_source == facts.plan_missing_source
        && stored_motives == motives;
    let same_withdrawal = stored.withdrawn_on == withdrawn_on.map(dates::format)
        && (withdrawn_on.is_none() || stored.withdrawal_reason == reason);
    if same_facts && same_withdrawal {
        return Ok(Change::Unchanged);
    }
    if stored.withdrawn_on.is_some() && !same_withdrawal {
        return Err(AppError::invalid(
            "withdrawnOn",
            "INVALID",
            "a recorded withdrawal cannot be changed by an import",
        ));
    }
    let mut version = stored.version;
    if !same_facts {
        version = signing::update_in(txn, request, stored.id, version, facts)
            .await?
            .version;
    }
    if let (Some(on), None) = (withdrawn_on, &stored.withdrawn_on) {
        signing::withdraw_in(txn, request, stored.id, version, on, reason).await?;
    }
    Ok(Change::Updated)
}
