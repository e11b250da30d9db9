//! SKR's support programmes.

use crate::graphql::types::organisation::{
    OrganisationConnection, OrganisationFilterInput, OrganisationOrder, organisation_connection,
};
use crate::graphql::types::paging::page_args;
use crate::graphql::{db, ids};
use async_graphql::{Context, ID, Object, Result};
use entity::support_programme;

/// A support programme run by SKR for its members, such as Program för hållbar
/// jämställdhet (2008–2013) or Modellkonceptet (since 2015).
pub struct SupportProgramme(pub support_programme::Model);

/// A support programme run by SKR for its members, such as Program för hållbar
/// jämställdhet (2008–2013) or Modellkonceptet (since 2015).
#[Object]
impl SupportProgramme {
    /// Global id of the programme.
    pub async fn id(&self) -> ID {
        ids::encode("SupportProgramme", &self.0.code)
    }

    /// A stable code, e.g. "MODELLKONCEPTET".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The programme's Swedish name.
    async fn name(&self) -> &str {
        &self.0.name_sv
    }

    /// The programme's name in English.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }

    /// The first year of the programme.
    async fn start_year(&self) -> i32 {
        self.0.start_year
    }

    /// The last year of the programme; null while it runs.
    async fn end_year(&self) -> Option<i32> {
        self.0.end_year
    }

    /// Whether taking part required a documented political commitment (signing the
    /// charter served as one).
    async fn requires_political_commitment(&self) -> bool {
        self.0.requires_political_commitment
    }

    /// What the programme is.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The record's version, incremented by every change; `updateSupportProgramme`
    /// takes it.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The organisations that took part, paginated like `organisations`.
    async fn participants(
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
        filter.programme_codes = vec![self.0.code.clone()];
        organisation_connection(ctx, filter, order_by, page_args(first, after, last, before)).await
    }
}
