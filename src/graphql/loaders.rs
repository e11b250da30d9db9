//! Per-request batch loaders. Built for every request (never shared in schema data), so
//! batches and caches never cross callers. One loader type serves every relation, each
//! relation with its own key type.

use crate::error::AppError;
use crate::services::geography;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::{county, county_board, organisation};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;

/// A county by its code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CountyCode(pub String);
/// The administrative board of a county, by the county's code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BoardOfCounty(pub String);
/// The organisation with regional responsibility for a county, by the county's code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegionOfCounty(pub String);
/// An organisation by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrganisationId(pub i32);

/// Batches look-ups of one request against the database.
pub struct DbLoader {
    db: DatabaseConnection,
}

/// The loaders of one request.
pub type Loaders = DataLoader<DbLoader>;

/// Creates the loaders for one request.
pub fn for_request(db: DatabaseConnection) -> Loaders {
    DataLoader::new(DbLoader { db }, tokio::spawn)
}

type LoadResult<K, V> = Result<HashMap<K, V>, async_graphql::Error>;

fn fail(err: AppError) -> async_graphql::Error {
    err.into()
}

impl Loader<CountyCode> for DbLoader {
    type Value = county::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CountyCode]) -> LoadResult<CountyCode, county::Model> {
        let codes = keys.iter().map(|k| k.0.clone()).collect();
        let rows = geography::counties_by_codes(&self.db, codes)
            .await
            .map_err(fail)?;
        Ok(rows
            .into_iter()
            .map(|r| (CountyCode(r.code.clone()), r))
            .collect())
    }
}

impl Loader<BoardOfCounty> for DbLoader {
    type Value = county_board::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[BoardOfCounty]) -> LoadResult<BoardOfCounty, county_board::Model> {
        let codes = keys.iter().map(|k| k.0.clone()).collect();
        let rows = geography::county_boards_by_county(&self.db, codes)
            .await
            .map_err(fail)?;
        Ok(rows
            .into_iter()
            .map(|r| (BoardOfCounty(r.county_code.clone()), r))
            .collect())
    }
}

impl Loader<RegionOfCounty> for DbLoader {
    type Value = organisation::Model;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[RegionOfCounty],
    ) -> LoadResult<RegionOfCounty, organisation::Model> {
        let codes = keys.iter().map(|k| k.0.clone()).collect();
        let rows = geography::regions_by_county(&self.db, codes)
            .await
            .map_err(fail)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                r.regional_county_code
                    .clone()
                    .map(|c| (RegionOfCounty(c), r))
            })
            .collect())
    }
}

impl Loader<OrganisationId> for DbLoader {
    type Value = organisation::Model;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[OrganisationId],
    ) -> LoadResult<OrganisationId, organisation::Model> {
        let ids = keys.iter().map(|k| k.0).collect();
        let rows = geography::organisations_by_ids(&self.db, ids)
            .await
            .map_err(fail)?;
        Ok(rows
            .into_iter()
            .map(|r| (OrganisationId(r.id), r))
            .collect())
    }
}
