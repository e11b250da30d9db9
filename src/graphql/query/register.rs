use crate::graphql::db;
use crate::graphql::types::organisation::{
    OrganisationConnection, OrganisationFilterInput, OrganisationOrder, organisation_connection,
};
use crate::graphql::types::paging::page_args;
use crate::graphql::types::statistics::RegisterStatistics;
use crate::services::statistics;
use async_graphql::{Context, Object, Result};

#[derive(Default)]
pub struct RegisterQuery;

#[Object]
impl RegisterQuery {
    /// Signatories: organisations with a signature on record, standing or withdrawn
    /// (narrow with `filter.statuses`). Filtered, ordered and paginated like
    /// `organisations` (at most 100 per page).
    async fn signatories(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganisationFilterInput>,
        order_by: Option<OrganisationOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<OrganisationConnection> {
        let mut filter = filter
            .unwrap_or_default()
            .into_filter()
            .resolve_codes(db(ctx)?)
            .await?;
        filter.signatories_only = true;
        organisation_connection(ctx, filter, order_by, page_args(first, after, last, before)).await
    }

    /// Counts over the organisations the filter selects: by kind and status, signings
    /// per year, per county, by action plan status, and signings within programme
    /// years. Computed in the database with the same rules as every list.
    async fn register_statistics(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganisationFilterInput>,
    ) -> Result<RegisterStatistics> {
        let filter = filter
            .unwrap_or_default()
            .into_filter()
            .resolve_codes(db(ctx)?)
            .await?;
        Ok(RegisterStatistics(
            statistics::register(db(ctx)?, &filter).await?,
        ))
    }
}
