//! Counties, county boards and organisations.

use super::{loader, one};
use crate::services::register::status::{self, StatusRow};
use crate::services::{geography, organisations};
use entity::{county, county_board, organisation};

/// A county by its code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CountyCode(pub String);
/// The administrative board of a county, by the county's code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BoardOfCounty(pub String);
/// A county board by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BoardId(pub i32);
/// The organisation with regional responsibility for a county, by the county's code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegionOfCounty(pub String);
/// An organisation by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrganisationId(pub i32);
/// The derived statuses of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusOf(pub i32);

loader!(CountyCode => county::Model, |db, codes| {
    Ok(one(geography::counties_by_codes(db, codes).await?, |r| CountyCode(r.code.clone())))
});

loader!(BoardOfCounty => county_board::Model, |db, codes| {
    Ok(one(geography::county_boards_by_county(db, codes).await?, |r| BoardOfCounty(r.county_code.clone())))
});

loader!(BoardId => county_board::Model, |db, ids| {
    Ok(one(geography::county_boards_by_ids(db, ids).await?, |r| BoardId(r.id)))
});

loader!(RegionOfCounty => organisation::Model, |db, codes| {
    let rows = geography::regions_by_county(db, codes).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.regional_county_code.clone().map(|c| (RegionOfCounty(c), r)))
        .collect())
});

loader!(OrganisationId => organisation::Model, |db, ids| {
    Ok(one(organisations::by_ids(db, ids).await?, |r| OrganisationId(r.id)))
});

loader!(StatusOf => StatusRow, |db, ids| {
    Ok(one(status::statuses_of(db, ids).await?, |r| StatusOf(r.organisation_id)))
});
