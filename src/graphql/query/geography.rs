use crate::domain::codes::normalise_organisation_code;
use crate::graphql::types::county::County;
use crate::graphql::types::organisation::{
    Organisation, OrganisationConnection, OrganisationFilterInput, OrganisationOrder,
    organisation_connection,
};
use crate::graphql::types::paging::page_args;
use crate::graphql::{db, snapshot};
use crate::services::{geography, organisations};
use async_graphql::{Context, Object, Result};

#[derive(Default)]
pub struct GeographyQuery;

#[Object]
impl GeographyQuery {
    /// All 21 counties (län), in code order.
    async fn counties(&self, ctx: &Context<'_>) -> Result<Vec<County>> {
        if let Some(snapshot) = snapshot(ctx) {
            return Ok(snapshot.counties().iter().cloned().map(County).collect());
        }
        Ok(geography::counties(db(ctx)?)
            .await?
            .into_iter()
            .map(County)
            .collect())
    }

    /// A county by SCB's two-digit code, e.g. "25"; null if there is none.
    async fn county(&self, ctx: &Context<'_>, code: String) -> Result<Option<County>> {
        if let Some(snapshot) = snapshot(ctx) {
            return Ok(snapshot.county(code.trim()).cloned().map(County));
        }
        Ok(geography::county(db(ctx)?, &code).await?.map(County))
    }

    /// Organisations (municipalities, regions and other bodies), filtered, ordered and
    /// paginated (at most 100 per page).
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganisationFilterInput>,
        order_by: Option<OrganisationOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganisationConnection> {
        let filter = filter
            .unwrap_or_default()
            .into_filter()
            .resolve_codes(db(ctx)?)
            .await?;
        organisation_connection(ctx, filter, order_by, page_args(first, after, last, before)).await
    }

    /// An organisation by its code: a municipality's four digits ("0180"), a region's two
    /// ("01", or Kolada's "0001"). "09" finds Gotland, the municipality that is its own
    /// region. Null if there is none.
    async fn organisation(&self, ctx: &Context<'_>, code: String) -> Result<Option<Organisation>> {
        if let Some(snapshot) = snapshot(ctx) {
            let entry = snapshot.by_code(&normalise_organisation_code(&code));
            return Ok(entry.map(|e| {
                Organisation::with_signature(e.organisation.clone(), e.signature.clone())
            }));
        }
        Ok(organisations::by_code_with_signature(db(ctx)?, &code)
            .await?
            .map(|(row, signature)| Organisation::with_signature(row, signature)))
    }
}
