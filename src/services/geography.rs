//! Counties and county administrative boards: look-ups and the batch look-ups the
//! GraphQL loaders use.

use crate::error::AppResult;
use entity::{county, county_board, organisation};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// All counties in code order.
pub async fn counties(db: &impl ConnectionTrait) -> AppResult<Vec<county::Model>> {
    Ok(county::Entity::find()
        .order_by_asc(county::Column::Code)
        .all(db)
        .await?)
}

pub async fn county(db: &impl ConnectionTrait, code: &str) -> AppResult<Option<county::Model>> {
    Ok(county::Entity::find_by_id(code.trim().to_owned())
        .one(db)
        .await?)
}

pub async fn counties_by_codes(
    db: &impl ConnectionTrait,
    codes: Vec<String>,
) -> AppResult<Vec<county::Model>> {
    Ok(county::Entity::find()
        .filter(county::Column::Code.is_in(codes))
        .all(db)
        .await?)
}

/// Every county board.
pub async fn county_boards(db: &impl ConnectionTrait) -> AppResult<Vec<county_board::Model>> {
    Ok(county_board::Entity::find().all(db).await?)
}

pub async fn county_boards_by_county(
    db: &impl ConnectionTrait,
    county_codes: Vec<String>,
) -> AppResult<Vec<county_board::Model>> {
    Ok(county_board::Entity::find()
        .filter(county_board::Column::CountyCode.is_in(county_codes))
        .all(db)
        .await?)
}

/// The organisations carrying regional responsibility for the given counties: the
/// regions, and Gotland's municipality for its county.
pub async fn regions_by_county(
    db: &impl ConnectionTrait,
    county_codes: Vec<String>,
) -> AppResult<Vec<organisation::Model>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::RegionalCountyCode.is_in(county_codes))
        .all(db)
        .await?)
}

pub async fn county_board_of(
    db: &impl ConnectionTrait,
    county_code: &str,
) -> AppResult<Option<county_board::Model>> {
    Ok(county_board::Entity::find()
        .filter(county_board::Column::CountyCode.eq(county_code))
        .one(db)
        .await?)
}

pub async fn county_boards_by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<Vec<county_board::Model>> {
    Ok(county_board::Entity::find()
        .filter(county_board::Column::Id.is_in(ids))
        .all(db)
        .await?)
}
