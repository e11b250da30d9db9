//! The stored signature: its motives, its audit snapshot, and loading it for a write.

use crate::auth::{Principal, policy};
use crate::domain::register::Motive;
use crate::error::{AppError, AppResult};
use crate::services::writing::{RequestContext, Versioned};
use entity::{signature, signature_motive};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};
use serde::Serialize;

/// A signature with its motives, as the audit log records it.
#[derive(Serialize)]
pub(super) struct Snapshot<'a> {
    #[serde(flatten)]
    signature: &'a signature::Model,
    motives: Vec<&'a str>,
}

pub(super) async fn replace_motives(
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

pub(super) async fn motives_of(
    txn: &DatabaseTransaction,
    signature_id: i32,
) -> AppResult<Vec<String>> {
    Ok(signature_motive::Entity::find()
        .filter(signature_motive::Column::SignatureId.eq(signature_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| m.motive)
        .collect())
}

pub(super) fn snapshot<'a>(signature: &'a signature::Model, motives: &'a [String]) -> Snapshot<'a> {
    Snapshot {
        signature,
        motives: motives.iter().map(String::as_str).collect(),
    }
}

/// Loads a signature for a write by its owner or an administrator.
pub(super) async fn for_write<'a>(
    txn: &DatabaseTransaction,
    request: &'a RequestContext,
    id: i32,
) -> AppResult<(signature::Model, &'a Principal)> {
    policy::authenticated(&request.caller)?;
    let stored = signature::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no signature {id}")))?;
    let actor = policy::may_write_organisation(&request.caller, stored.organisation_id)?;
    Ok((stored, actor))
}

pub(super) fn columns() -> Versioned<signature::Entity> {
    Versioned {
        id: signature::Column::Id,
        version: signature::Column::Version,
        updated_at: signature::Column::UpdatedAt,
    }
}
