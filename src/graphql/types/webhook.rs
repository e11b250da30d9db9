//! Webhooks as their owners see them: the registration and how delivery goes. The
//! signing secret is never a field: it is returned once, by `createWebhook` and
//! `rotateWebhookSecret`.

use crate::graphql::loaders::OrganisationId;
use crate::graphql::subscription::ChangeKind;
use crate::graphql::types::organisation::Organisation;
use crate::graphql::types::payload::UserError;
use crate::graphql::{ids, loaders};
use crate::webhooks::registry::{PAUSED, decode_list};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::webhook;

/// Whether deliveries go out.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum WebhookStatus {
    /// Changes are delivered as they commit.
    Active,
    /// Deliveries stopped after repeated failures; `resumeWebhook` starts them again
    /// from the change that failed.
    Paused,
}

/// An endpoint of a regional system that is sent the changes it asked for, signed as
/// the Standard Webhooks specification says.
pub struct Webhook(pub webhook::Model);

fn kinds(stored: &str) -> Vec<ChangeKind> {
    decode_list(stored)
        .iter()
        .filter_map(|k| crate::feed::ChangeKind::from_stored(k))
        .map(ChangeKind::from)
        .collect()
}

/// An endpoint of a regional system that is sent the changes it asked for, signed as
/// the Standard Webhooks specification says.
#[Object]
impl Webhook {
    /// Global id of the webhook.
    async fn id(&self) -> ID {
        ids::encode("Webhook", self.0.id)
    }

    /// What it is for.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Where changes are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// The organisation that owns it; null for an administrators' webhook of the whole
    /// register (the only kind that may be sent restricted changes).
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        let Some(id) = self.0.organisation_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .load_one(OrganisationId(id))
            .await?
            .map(Organisation::new))
    }

    /// The record types it is sent; empty: every type its owner may read.
    async fn record_types(&self) -> Vec<String> {
        decode_list(&self.0.record_types)
    }

    /// The kinds of change it is sent; empty: every kind.
    async fn change_kinds(&self) -> Vec<ChangeKind> {
        kinds(&self.0.change_kinds)
    }

    /// Changes of these organisations' records (or in `countyCodes`) only; both empty:
    /// every change, records without an organisation included.
    async fn organisation_codes(&self) -> Vec<String> {
        decode_list(&self.0.organisation_codes)
    }

    /// Changes of organisations in these counties (or in `organisationCodes`) only.
    async fn county_codes(&self) -> Vec<String> {
        decode_list(&self.0.county_codes)
    }

    /// ACTIVE, or PAUSED after repeated failures.
    async fn status(&self) -> WebhookStatus {
        if self.0.status == PAUSED {
            WebhookStatus::Paused
        } else {
            WebhookStatus::Active
        }
    }

    /// Why it was paused.
    async fn paused_reason(&self) -> Option<&str> {
        self.0.paused_reason.as_deref()
    }

    /// When it was paused.
    async fn paused_at(&self) -> Option<DateTime<Utc>> {
        self.0.paused_at
    }

    /// Failed attempts in a row (0 after a success or a resume).
    async fn failure_count(&self) -> i32 {
        self.0.consecutive_failures
    }

    /// When a change was last sent, successfully or not.
    async fn last_delivery_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_delivery_at
    }

    /// The HTTP status of the last attempt; null when no answer came.
    async fn last_delivery_status(&self) -> Option<i32> {
        self.0.last_delivery_status
    }

    /// What went wrong at the last attempt; null after a success.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// When a change was last delivered.
    async fn last_success_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_success_at
    }

    /// The change feed position it is done with: every later matching change is still
    /// to be sent.
    async fn delivered_through(&self) -> String {
        self.0.cursor.to_string()
    }

    /// When the signing secret was last replaced.
    async fn secret_rotated_at(&self) -> Option<DateTime<Utc>> {
        self.0.secret_rotated_at
    }

    /// Who registered it.
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The record's version, for `updateWebhook`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A webhook to register.
#[derive(InputObject)]
pub struct WebhookInput {
    /// What it is for (at most 200 characters).
    pub name: String,
    /// An https URL on the public internet (at most 2048 characters).
    pub url: String,
    /// The owning organisation: a member's own by default (and only); an administrator
    /// may name any, or none for a webhook of the whole register.
    pub organisation_code: Option<String>,
    /// Record types to send, e.g. ["Signature", "ActionPlan"]; empty: all its owner
    /// may read. Restricted types (Account, ApiToken, Webhook, study records) only for
    /// administrators' webhooks without an organisation.
    #[graphql(default)]
    pub record_types: Vec<String>,
    /// Kinds of change to send; empty: all.
    #[graphql(default)]
    pub change_kinds: Vec<ChangeKind>,
    /// Only changes of these organisations (or of `countyCodes`). A member's webhook with
    /// neither follows its own organisation.
    #[graphql(default)]
    pub organisation_codes: Vec<String>,
    /// Only changes of organisations in these counties (or of `organisationCodes`).
    #[graphql(default)]
    pub county_codes: Vec<String>,
}

/// Changes to a webhook; fields left out stay as they are.
#[derive(InputObject)]
pub struct WebhookChangesInput {
    pub name: Option<String>,
    pub url: Option<String>,
    pub record_types: Option<Vec<String>>,
    pub change_kinds: Option<Vec<ChangeKind>>,
    pub organisation_codes: Option<Vec<String>>,
    pub county_codes: Option<Vec<String>>,
}

/// The result of a webhook mutation.
#[derive(SimpleObject)]
pub struct WebhookPayload {
    /// The signing secret (`whsec_…`), shown this once: by `createWebhook` and
    /// `rotateWebhookSecret` only. Store it now.
    pub secret: Option<String>,
    /// The webhook as written; null when the input was refused.
    pub webhook: Option<Webhook>,
    /// Why the input was refused, field by field; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The stored form of kinds given to the API.
pub fn stored_kinds(kinds: &[ChangeKind]) -> Vec<String> {
    kinds
        .iter()
        .map(|k| match k {
            ChangeKind::Created => "CREATED",
            ChangeKind::Updated => "UPDATED",
            ChangeKind::Deleted => "DELETED",
            ChangeKind::Noted => "NOTED",
            ChangeKind::Reloaded => "RELOADED",
        })
        .map(str::to_owned)
        .collect()
}
