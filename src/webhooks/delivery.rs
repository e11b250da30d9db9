//! The delivery worker: one per replica, started by `serve`, woken by the feed follower
//! (and polling besides), stopped with the feed.
//!
//! Work is claimed per endpoint with a lease: a short transaction picks active, due
//! endpoints that are behind the feed and marks them leased by this replica until a
//! deadline (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so replicas claim different
//! endpoints; SQLite: a conditional UPDATE, as one writer runs at a time). The holder
//! sends the endpoint's events in position order, one at a time, advancing its cursor
//! after each answer; a replica that dies loses its lease when the deadline passes and
//! another carries on. A failure schedules a retry with exponential back-off and jitter;
//! after `max_attempts` failures in a row the endpoint is paused until someone resumes
//! it. Delivery is at least once: a crash between an answer and the cursor's update
//! sends that event again, with the same `webhook-id` for the receiver to de-duplicate.

use crate::config::WebhookSettings;
use crate::error::AppResult;
use crate::feed::Feed;
use crate::feed::event::{self, Position, position_of};
use crate::services::writing;
use crate::webhooks::client::{self, Delivery};
use crate::webhooks::matching::Matcher;
use crate::webhooks::registry::{ACTIVE, PAUSED};
use crate::webhooks::signing;
use crate::webhooks::targets::{self, TargetPolicy};
use bytes::Bytes;
use chrono::Utc;
use entity::{change_event, webhook};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// Endpoints claimed per round, delivered to concurrently.
const CLAIM_BATCH: u64 = 8;
/// Events one lease delivers at most before the endpoint goes back to the pool.
const EVENTS_PER_LEASE: usize = 200;
/// Events read from the feed per query.
const READ_BATCH: u64 = 50;
/// The longest `lastError` kept.
const MAX_ERROR_CHARS: usize = 300;

/// How the worker delivers, from the settings.
#[derive(Debug, Clone)]
pub struct DeliveryRules {
    pub targets: TargetPolicy,
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub timeout: Duration,
    pub poll: Duration,
}

impl DeliveryRules {
    pub fn from_settings(settings: &WebhookSettings) -> Self {
        Self {
            targets: TargetPolicy {
                allow_private: settings.webhook_allow_private_targets,
            },
            max_attempts: settings.webhook_max_attempts.max(1),
            backoff_base: Duration::from_millis(settings.webhook_backoff_base_ms),
            backoff_max: Duration::from_millis(
                settings
                    .webhook_backoff_max_ms
                    .max(settings.webhook_backoff_base_ms),
            ),
            timeout: Duration::from_millis(settings.webhook_timeout_ms),
            poll: Duration::from_millis(settings.webhook_poll_interval_ms),
        }
    }

    /// How long a claim holds: one attempt (resolving included) with room to spare;
    /// renewed after every delivered event.
    fn lease(&self) -> Duration {
        self.timeout + Duration::from_secs(30)
    }

    /// The delay before the next attempt after `failures` failures in a row: doubling
    /// from the base up to the ceiling, then between half of it and all of it, so
    /// endpoints that failed together do not all come back together.
    pub fn backoff(&self, failures: u32) -> Duration {
        let exponent = failures.saturating_sub(1).min(32);
        let full = self
            .backoff_base
            .saturating_mul(2u32.saturating_pow(exponent))
            .min(self.backoff_max);
        let half = full / 2;
        half + half.mul_f64(random_fraction())
    }
}

fn random_fraction() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn shorten(text: &str) -> String {
    text.chars().take(MAX_ERROR_CHARS).collect()
}

/// Starts the worker of this replica; it stops when the feed stops.
pub fn spawn(db: DatabaseConnection, feed: Feed, rules: DeliveryRules) {
    let worker = Worker {
        db,
        feed,
        rules,
        replica: uuid::Uuid::new_v4().simple().to_string(),
    };
    tokio::spawn(worker.run());
}

struct Worker {
    db: DatabaseConnection,
    feed: Feed,
    rules: DeliveryRules,
    /// This replica's name in leases.
    replica: String,
}

impl Worker {
    async fn run(self) {
        let mut changes = self.feed.subscribe();
        let stopping = self.feed.stopping();
        tokio::pin!(stopping);
        loop {
            let busy = tokio::select! {
                round = self.round() => match round {
                    Ok(busy) => busy,
                    Err(e) => {
                        tracing::warn!(error = ?e, "webhook delivery could not claim work; retrying");
                        false
                    }
                },
                // An attempt cut short here is sent again later (at least once).
                _ = &mut stopping => break,
            };
            if busy {
                continue;
            }
            tokio::select! {
                received = changes.recv() => {
                    if matches!(received, Err(RecvError::Closed)) {
                        break;
                    }
                }
                _ = tokio::time::sleep(self.rules.poll) => {}
                _ = &mut stopping => break,
            }
        }
        tracing::debug!("webhook delivery stopped");
    }

    /// Claims due endpoints and delivers to them; true when there may be more to claim.
    async fn round(&self) -> AppResult<bool> {
        let last = self.feed.applied();
        let claimed = self.claim(last).await?;
        let full = claimed.len() as u64 == CLAIM_BATCH;
        futures_util::future::join_all(claimed.into_iter().map(|hook| self.serve(hook))).await;
        Ok(full)
    }

    /// Leases up to `CLAIM_BATCH` active endpoints that are due and behind `last`.
    async fn claim(&self, last: Position) -> AppResult<Vec<webhook::Model>> {
        let now = now_ms();
        let until = now + millis(self.rules.lease());
        let replica = self.replica.clone();
        let due = || {
            webhook::Entity::find()
                .filter(webhook::Column::Status.eq(ACTIVE))
                .filter(webhook::Column::NextAttemptAt.lte(now))
                .filter(webhook::Column::LeaseUntil.lte(now))
                .filter(webhook::Column::Cursor.lt(last.0))
                .order_by_asc(webhook::Column::NextAttemptAt)
                .order_by_asc(webhook::Column::Id)
                .limit(CLAIM_BATCH)
        };
        // Mostly nothing is due: one read, and a write transaction only when it is.
        if due().one(&self.db).await?.is_none() {
            return Ok(Vec::new());
        }
        writing::transaction(&self.db, async |txn| {
            let mut due = due();
            if txn.get_database_backend() == DbBackend::Postgres {
                due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
            }
            let candidates = due.all(txn).await?;
            let mut claimed = Vec::with_capacity(candidates.len());
            for hook in candidates {
                // Conditional, so a claim another process made meanwhile stands.
                let taken = webhook::Entity::update_many()
                    .col_expr(webhook::Column::LeaseUntil, Expr::value(until))
                    .col_expr(webhook::Column::LeaseOwner, Expr::value(replica.clone()))
                    .filter(webhook::Column::Id.eq(hook.id))
                    .filter(webhook::Column::Status.eq(ACTIVE))
                    .filter(webhook::Column::LeaseUntil.lte(now))
                    .exec(txn)
                    .await?;
                if taken.rows_affected == 1 {
                    claimed.push(hook);
                }
            }
            Ok(claimed)
        })
        .await
    }

    /// Delivers an endpoint's events while it holds the lease; logs what went wrong.
    async fn serve(&self, hook: webhook::Model) {
        let id = hook.id;
        if let Err(e) = self.deliver_events(hook).await {
            tracing::warn!(webhook = id, error = ?e, "webhook delivery failed; the lease runs out and it is tried again");
        }
    }

    async fn deliver_events(&self, hook: webhook::Model) -> AppResult<()> {
        let mut matcher = Matcher::new(&hook);
        let mut cursor = Position(hook.cursor);
        let mut failures = hook.consecutive_failures;
        let mut sent = 0;
        while sent < EVENTS_PER_LEASE {
            let events = event::after(&self.db, cursor, READ_BATCH).await?;
            if events.is_empty() {
                break;
            }
            for event in events {
                let position = position_of(&event);
                if !matcher.matches(&self.db, &event).await? {
                    // Not for this endpoint: passed over, remembered with the next update.
                    cursor = position;
                    continue;
                }
                sent += 1;
                match self.attempt(&hook, &event).await {
                    Ok(status) => {
                        if !self.delivered(&hook, position, status).await? {
                            return Ok(());
                        }
                        cursor = position;
                        failures = 0;
                    }
                    Err((status, error)) => {
                        self.failed(&hook, cursor, failures, status, &error).await?;
                        return Ok(());
                    }
                }
                if sent >= EVENTS_PER_LEASE {
                    break;
                }
            }
        }
        self.release(&hook, cursor).await
    }

    /// Sends one event; the status of a 2xx answer, or what went wrong.
    async fn attempt(
        &self,
        hook: &webhook::Model,
        event: &change_event::Model,
    ) -> Result<u16, (Option<u16>, String)> {
        let url =
            url::Url::parse(&hook.url).map_err(|e| (None, format!("the URL is invalid: {e}")))?;
        let addresses = targets::resolve(&url, self.rules.targets)
            .await
            .map_err(|e| (None, e))?;
        let message_id = message_id(hook.id, position_of(event));
        let body = Bytes::from(payload(&message_id, event).to_string());
        let timestamp = Utc::now().timestamp();
        let signature = signing::sign(&hook.secret, &message_id, timestamp, &body)
            .map_err(|e| (None, e.message()))?;
        let answer = client::post(Delivery {
            url: &url,
            addresses: &addresses,
            headers: vec![
                ("webhook-id", message_id),
                ("webhook-timestamp", timestamp.to_string()),
                ("webhook-signature", signature),
            ],
            body,
            timeout: self.rules.timeout,
        })
        .await
        .map_err(|e| (None, e))?;
        match answer.status {
            200..=299 => Ok(answer.status),
            300..=399 => Err((
                Some(answer.status),
                format!("answered {} (redirects are not followed)", answer.status),
            )),
            status => Err((
                Some(status),
                format!("answered {status}: {}", answer.excerpt.trim()),
            )),
        }
    }

    /// Records a delivered event and renews the lease; false when the lease is lost
    /// (the endpoint was deleted, or another replica took over after a stall).
    async fn delivered(
        &self,
        hook: &webhook::Model,
        position: Position,
        status: u16,
    ) -> AppResult<bool> {
        let now = Utc::now();
        let result = webhook::Entity::update_many()
            .col_expr(webhook::Column::Cursor, Expr::value(position.0))
            .col_expr(webhook::Column::ConsecutiveFailures, Expr::value(0))
            .col_expr(webhook::Column::LastDeliveryAt, Expr::value(now))
            .col_expr(webhook::Column::LastSuccessAt, Expr::value(now))
            .col_expr(
                webhook::Column::LastDeliveryStatus,
                Expr::value(i32::from(status)),
            )
            .col_expr(
                webhook::Column::LastError,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                webhook::Column::LeaseUntil,
                Expr::value(now_ms() + millis(self.rules.lease())),
            )
            .filter(webhook::Column::Id.eq(hook.id))
            .filter(webhook::Column::LeaseOwner.eq(self.replica.as_str()))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Records a failed attempt: a retry after the back-off, or a pause after too many.
    async fn failed(
        &self,
        hook: &webhook::Model,
        cursor: Position,
        before: i32,
        status: Option<u16>,
        error: &str,
    ) -> AppResult<()> {
        let failures = before.saturating_add(1);
        let now = Utc::now();
        let mut update = webhook::Entity::update_many()
            .col_expr(webhook::Column::Cursor, Expr::value(cursor.0))
            .col_expr(webhook::Column::ConsecutiveFailures, Expr::value(failures))
            .col_expr(webhook::Column::LastDeliveryAt, Expr::value(now))
            .col_expr(
                webhook::Column::LastDeliveryStatus,
                Expr::value(status.map(i32::from)),
            )
            .col_expr(webhook::Column::LastError, Expr::value(shorten(error)))
            .col_expr(webhook::Column::LeaseUntil, Expr::value(0i64))
            .col_expr(
                webhook::Column::LeaseOwner,
                Expr::value(Option::<String>::None),
            );
        let attempts = u32::try_from(failures).unwrap_or(u32::MAX);
        if attempts >= self.rules.max_attempts {
            tracing::warn!(
                webhook = hook.id,
                failures,
                error,
                "webhook paused after repeated failures"
            );
            update = update
                .col_expr(webhook::Column::Status, Expr::value(PAUSED))
                .col_expr(
                    webhook::Column::PausedReason,
                    Expr::value(shorten(&format!(
                        "{failures} failed attempts in a row; the last: {error}"
                    ))),
                )
                .col_expr(webhook::Column::PausedAt, Expr::value(now));
        } else {
            let next = now_ms() + millis(self.rules.backoff(attempts));
            update = update.col_expr(webhook::Column::NextAttemptAt, Expr::value(next));
        }
        update
            .filter(webhook::Column::Id.eq(hook.id))
            .filter(webhook::Column::LeaseOwner.eq(self.replica.as_str()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Gives the endpoint back to the pool with its cursor past what it was not sent.
    async fn release(&self, hook: &webhook::Model, cursor: Position) -> AppResult<()> {
        webhook::Entity::update_many()
            .col_expr(webhook::Column::Cursor, Expr::value(cursor.0))
            .col_expr(webhook::Column::LeaseUntil, Expr::value(0i64))
            .col_expr(
                webhook::Column::LeaseOwner,
                Expr::value(Option::<String>::None),
            )
            .filter(webhook::Column::Id.eq(hook.id))
            .filter(webhook::Column::LeaseOwner.eq(self.replica.as_str()))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

/// The `webhook-id` of an event for an endpoint: the same at every attempt.
pub fn message_id(webhook_id: i32, position: Position) -> String {
    format!("msg_{webhook_id}_{position}")
}

/// The JSON an endpoint receives for one event.
pub fn payload(message_id: &str, event: &change_event::Model) -> serde_json::Value {
    let changed: Vec<String> = serde_json::from_str(&event.changed_fields).unwrap_or_default();
    json!({
        "id": message_id,
        "type": format!("{}.{}", event.record_type, event.kind.to_lowercase()),
        "position": event.position,
        "recordType": event.record_type,
        "recordId": event.record_id,
        "organisationCode": event.organisation_code,
        "kind": event.kind,
        "changedFields": changed,
        "transactionStart": event.transaction_start,
        "occurredAt": event.committed_at.map(|t| t.to_rfc3339()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_ceiling_with_jitter() {
        let rules = DeliveryRules {
            targets: TargetPolicy::default(),
            max_attempts: 5,
            backoff_base: Duration::from_secs(10),
            backoff_max: Duration::from_secs(60),
            timeout: Duration::from_secs(1),
            poll: Duration::from_secs(1),
        };
        for (failures, full) in [(1, 10), (2, 20), (3, 40), (4, 60), (30, 60)] {
            let delay = rules.backoff(failures);
            let full = Duration::from_secs(full);
            assert!(delay >= full / 2 && delay <= full, "{failures}: {delay:?}");
        }
    }
}
