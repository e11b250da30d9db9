//! `Idempotency-Key` for imports: the first successful result of a request is stored in
//! the same transaction as its writes, and a retry with the same key replays it without
//! writing twice. Concurrent retries meet at the unique (subject, key) index.

use crate::error::{AppError, AppResult};
use chrono::Utc;
use entity::idempotency_record;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};

/// How long a key is remembered.
pub const RETENTION: chrono::Duration = chrono::Duration::hours(24);

/// A request's fingerprint: endpoint, query and body.
pub fn digest(endpoint: &str, query: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(endpoint.as_bytes());
    hasher.update([0]);
    hasher.update(query.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A stored result to replay.
pub struct Replay {
    pub status: u16,
    pub body: String,
}

/// The stored result for this subject and key, if any; `CONFLICT` when the key was used
/// for another request.
pub async fn find(
    db: &impl ConnectionTrait,
    actor_sub: &str,
    key: &str,
    request_digest: &str,
) -> AppResult<Option<Replay>> {
    let since = Utc::now() - RETENTION;
    let stored = idempotency_record::Entity::find()
        .filter(idempotency_record::Column::ActorSub.eq(actor_sub))
        .filter(idempotency_record::Column::IdempotencyKey.eq(key))
        .filter(idempotency_record::Column::CreatedAt.gte(since))
        .one(db)
        .await?;
    match stored {
        None => Ok(None),
        Some(record) if record.request_digest == request_digest => Ok(Some(Replay {
            status: u16::try_from(record.status_code).unwrap_or(200),
            body: record.response_body,
        })),
        Some(_) => Err(AppError::Conflict(
            "this Idempotency-Key was used for a different request".into(),
        )),
    }
}

/// Stores the result inside the write's transaction; expired keys are cleared on the way.
pub async fn store(
    txn: &DatabaseTransaction,
    actor_sub: &str,
    key: &str,
    endpoint: &str,
    request_digest: &str,
    status: u16,
    body: &str,
) -> AppResult<()> {
    idempotency_record::Entity::delete_many()
        .filter(idempotency_record::Column::CreatedAt.lt(Utc::now() - RETENTION))
        .exec(txn)
        .await?;
    idempotency_record::ActiveModel {
        actor_sub: Set(actor_sub.into()),
        idempotency_key: Set(key.into()),
        endpoint: Set(endpoint.into()),
        request_digest: Set(request_digest.into()),
        status_code: Set(i32::from(status)),
        response_body: Set(body.into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}
