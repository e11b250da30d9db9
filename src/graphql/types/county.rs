//! Counties (län) and their administrative boards (länsstyrelser).

use crate::graphql::loaders::{
    BoardOfCounty, CountyCode, RegionOfCounty, StrategiesOf, SupportBy, load_list,
};
use crate::graphql::types::organisation::{
    Organisation, OrganisationConnection, OrganisationFilterInput, OrganisationOrder,
    organisation_connection,
};
use crate::graphql::types::paging::{NESTED_FIRST, nested_first, page_args};
use crate::graphql::types::support::{CountyBoardStrategy, CountyBoardSupport};
use crate::graphql::{db, ids, loaders, snapshot};
use async_graphql::{Context, ID, Object, Result};
use entity::{county, county_board};

/// A county (län), one of Sweden's 21, with SCB's two-digit code.
pub struct County(pub county::Model);

/// A county (län), one of Sweden's 21, with SCB's two-digit code.
#[Object]
impl County {
    /// Global id of the county.
    pub async fn id(&self) -> ID {
        ids::encode("County", &self.0.code)
    }

    /// SCB's two-digit county code, e.g. "01" (a string: the leading zero matters).
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The county's name, e.g. "Stockholms län".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The county administrative board (länsstyrelse).
    async fn county_board(&self, ctx: &Context<'_>) -> Result<Option<CountyBoard>> {
        if let Some(snapshot) = snapshot(ctx) {
            return Ok(snapshot.board_of(&self.0.code).cloned().map(CountyBoard));
        }
        Ok(loaders(ctx)?
            .load_one(BoardOfCounty(self.0.code.clone()))
            .await?
            .map(CountyBoard))
    }

    /// The organisation with regional responsibility in the county: its region, or for
    /// Gotland the municipality of Gotland, which is its own region.
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(loaders(ctx)?
            .load_one(RegionOfCounty(self.0.code.clone()))
            .await?
            .map(Organisation::new))
    }

    /// Organisations in the county (its municipalities and its region), paginated.
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
        let mut filter = filter
            .unwrap_or_default()
            .into_filter()
            .resolve_codes(db(ctx)?)
            .await?;
        filter.county_codes = vec![self.0.code.clone()];
        organisation_connection(ctx, filter, order_by, page_args(first, after, last, before)).await
    }
}

/// A county administrative board (länsstyrelse), the state's regional authority with a
/// mandate to support gender mainstreaming in its county.
pub struct CountyBoard(pub county_board::Model);

/// A county administrative board (länsstyrelse), the state's regional authority with a
/// mandate to support gender mainstreaming in its county.
#[Object]
impl CountyBoard {
    /// Global id of the county board.
    pub async fn id(&self) -> ID {
        ids::encode("CountyBoard", &self.0.county_code)
    }

    /// The board's formal name, e.g. "Länsstyrelsen i Stockholms län".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The county the board serves.
    async fn county(&self, ctx: &Context<'_>) -> Result<Option<County>> {
        Ok(loaders(ctx)?
            .load_one(CountyCode(self.0.county_code.clone()))
            .await?
            .map(County))
    }

    /// The board's gender-mainstreaming strategies, oldest period first.
    async fn strategies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "NESTED_FIRST",
            desc = "How many (0 to 100; 100 when not given)."
        )]
        first: i32,
    ) -> Result<Vec<CountyBoardStrategy>> {
        let rows = load_list(loaders(ctx)?, StrategiesOf(self.0.id)).await?;
        Ok(nested_first(rows, first)?
            .into_iter()
            .map(CountyBoardStrategy)
            .collect())
    }

    /// Support the board gave organisations in its county, newest first.
    async fn support(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "NESTED_FIRST",
            desc = "How many (0 to 100; 100 when not given)."
        )]
        first: i32,
    ) -> Result<Vec<CountyBoardSupport>> {
        let rows = load_list(loaders(ctx)?, SupportBy(self.0.id)).await?;
        Ok(nested_first(rows, first)?
            .into_iter()
            .map(CountyBoardSupport)
            .collect())
    }
}
