//! A change as subscribers see it.

use super::shared::SharedReads;
use crate::feed::event::position_of;
use crate::feed::follower::Event;
use crate::graphql::db;
use crate::graphql::types::organisation::Organisation;
use async_graphql::{Context, Enum, Object, Result};
use chrono::{DateTime, Utc};

/// What happened to the record.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChangeKind {
    /// The record was created.
    Created,
    /// Fields of the record changed.
    Updated,
    /// The record was deleted.
    Deleted,
    /// Something happened to the record without changing it (a login).
    Noted,
    /// Reference or demonstration data was loaded: many records may have changed.
    Reloaded,
}

impl From<crate::feed::ChangeKind> for ChangeKind {
    fn from(kind: crate::feed::ChangeKind) -> Self {
        use crate::feed::ChangeKind as Domain;
        match kind {
            Domain::Created => Self::Created,
            Domain::Updated => Self::Updated,
            Domain::Deleted => Self::Deleted,
            Domain::Noted => Self::Noted,
            Domain::Reloaded => Self::Reloaded,
        }
    }
}

/// One committed change.
pub struct ChangeEvent(pub Event);

#[Object]
impl ChangeEvent {
    /// The change's place in the feed: pass it as `after:` to resume after it. Decimal
    /// digits; positions grow by one per committed change.
    async fn position(&self) -> String {
        self.0.position.unwrap_or_default().to_string()
    }

    /// The position of the first change of the same transaction: changes that share it
    /// committed together.
    async fn transaction_position(&self) -> String {
        self.0.transaction_start.unwrap_or_default().to_string()
    }

    /// What happened.
    async fn kind(&self) -> ChangeKind {
        crate::feed::ChangeKind::from_stored(&self.0.kind)
            .map_or(ChangeKind::Updated, ChangeKind::from)
    }

    /// The record's type, e.g. `Signature`.
    async fn record_type(&self) -> &str {
        &self.0.record_type
    }

    /// The record's id within its type (an organisation's is its code).
    async fn record_id(&self) -> &str {
        &self.0.record_id
    }

    /// The global id of the record, for `node(id:)`.
    async fn node_id(&self) -> Option<async_graphql::ID> {
        let id: i32 = self.0.record_id.parse().ok()?;
        (self.0.record_type != "Organisation")
            .then(|| crate::graphql::ids::encode(&self.0.record_type, id))
    }

    /// The code of the organisation the record belongs to, if it belongs to one.
    async fn organisation_code(&self) -> Option<&str> {
        self.0.organisation_code.as_deref()
    }

    /// The fields the change set (API names); empty for deletions and notes.
    async fn changed_fields(&self) -> Vec<String> {
        serde_json::from_str(&self.0.changed_fields).unwrap_or_default()
    }

    /// When the change committed.
    async fn committed_at(&self) -> Option<DateTime<Utc>> {
        self.0.committed_at
    }

    /// The organisation as it is now, through the ordinary types (its signature, plans,
    /// participations…), so a client can update its cache. Its row and signature are
    /// read once per event for every subscriber of the replica: the state after this
    /// change, read when the first subscriber asks for it.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        let Some(code) = &self.0.organisation_code else {
            return Ok(None);
        };
        Ok(ctx
            .data::<std::sync::Arc<SharedReads>>()?
            .organisation(db(ctx)?, position_of(&self.0), code)
            .await?)
    }
}
