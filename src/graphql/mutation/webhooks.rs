use crate::error::{AppError, AppResult};
use crate::graphql::types::payload::UserError;
use crate::graphql::types::webhook::{
    Webhook, WebhookChangesInput, WebhookInput, WebhookPayload, stored_kinds,
};
use crate::graphql::{db, ids, request};
use crate::webhooks::Rules;
use crate::webhooks::registry::{self, WebhookChanges, WebhookSpec};
use async_graphql::{Context, ID, Object, Result};
use entity::webhook;

fn payload(result: AppResult<(Option<String>, webhook::Model)>) -> Result<WebhookPayload> {
    match result {
        Ok((secret, record)) => Ok(WebhookPayload {
            secret,
            webhook: Some(Webhook(record)),
            user_errors: vec![],
        }),
        Err(AppError::Invalid(errors)) => Ok(WebhookPayload {
            secret: None,
            webhook: None,
            user_errors: errors.into_iter().map(UserError::from).collect(),
        }),
        Err(other) => Err(other.into()),
    }
}

fn row(id: &ID) -> AppResult<i32> {
    ids::row_id(id, "Webhook", "id")
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers an https endpoint that is sent the change feed's events it asks for,
    /// each POSTed as JSON and signed (Standard Webhooks: `webhook-id`,
    /// `webhook-timestamp`, `webhook-signature`). Administrators register for any
    /// organisation or the whole register, members for their own organisation. The
    /// signing secret is in the payload this once. Audited.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        input: WebhookInput,
    ) -> Result<WebhookPayload> {
        let spec = WebhookSpec {
            name: input.name,
            url: input.url,
            organisation_code: input.organisation_code,
            record_types: input.record_types,
            change_kinds: stored_kinds(&input.change_kinds),
            organisation_codes: input.organisation_codes,
            county_codes: input.county_codes,
        };
        let rules = ctx.data::<Rules>()?;
        let result = registry::create(db(ctx)?, request(ctx)?, rules, spec).await;
        payload(result.map(|(secret, record)| (Some(secret), record)))
    }

    /// Changes a webhook's name, URL or filter; `version` must be the current one.
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: WebhookChangesInput,
    ) -> Result<WebhookPayload> {
        let changes = WebhookChanges {
            version,
            name: input.name,
            url: input.url,
            record_types: input.record_types,
            change_kinds: input.change_kinds.as_deref().map(stored_kinds),
            organisation_codes: input.organisation_codes,
            county_codes: input.county_codes,
        };
        let rules = ctx.data::<Rules>()?;
        let result = match row(&id) {
            Ok(row) => registry::update(db(ctx)?, request(ctx)?, rules, row, changes).await,
            Err(e) => Err(e),
        };
        payload(result.map(|record| (None, record)))
    }

    /// Deletes a webhook; nothing more is sent to it.
    async fn delete_webhook(&self, ctx: &Context<'_>, id: ID) -> Result<WebhookPayload> {
        let result = match row(&id) {
            Ok(row) => registry::delete(db(ctx)?, request(ctx)?, row).await,
            Err(e) => Err(e),
        };
        payload(result.map(|record| (None, record)))
    }

    /// Starts a paused webhook again, from the change that failed.
    async fn resume_webhook(&self, ctx: &Context<'_>, id: ID) -> Result<WebhookPayload> {
        let result = match row(&id) {
            Ok(row) => registry::resume(db(ctx)?, request(ctx)?, row).await,
            Err(e) => Err(e),
        };
        payload(result.map(|record| (None, record)))
    }

    /// Replaces the signing secret; the new one is in the payload this once, and signs
    /// every delivery from now on.
    async fn rotate_webhook_secret(&self, ctx: &Context<'_>, id: ID) -> Result<WebhookPayload> {
        let result = match row(&id) {
            Ok(row) => registry::rotate_secret(db(ctx)?, request(ctx)?, row).await,
            Err(e) => Err(e),
        };
        payload(result.map(|(secret, record)| (Some(secret), record)))
    }
}
