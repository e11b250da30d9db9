use crate::graphql::types::webhook::Webhook;
use crate::graphql::{db, ids, request};
use crate::webhooks::registry;
use async_graphql::{Context, ID, Object, Result};

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Webhooks with how their deliveries go: all for administrators, a member's own
    /// organisation's for a member.
    async fn webhooks(&self, ctx: &Context<'_>) -> Result<Vec<Webhook>> {
        Ok(registry::visible(db(ctx)?, request(ctx)?)
            .await?
            .into_iter()
            .map(Webhook)
            .collect())
    }

    /// One webhook the caller may see; `NOT_FOUND` otherwise.
    async fn webhook(&self, ctx: &Context<'_>, id: ID) -> Result<Webhook> {
        let row = ids::row_id(&id, "Webhook", "id")?;
        Ok(Webhook(registry::one(db(ctx)?, request(ctx)?, row).await?))
    }
}
