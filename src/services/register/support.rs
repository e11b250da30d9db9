//! Support to members: programme participation, county board strategies and county
//! board support with its focus areas.

use crate::error::AppResult;
use crate::services::capped;
use entity::{
    county_board_strategy, county_board_support, county_board_support_focus,
    programme_participation, support_programme,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder};

pub async fn participations_of(
    db: &impl ConnectionTrait,
    organisation_ids: Vec<i32>,
) -> AppResult<Vec<programme_participation::Model>> {
    Ok(programme_participation::Entity::find()
        .filter(programme_participation::Column::OrganisationId.is_in(organisation_ids))
        .order_by_asc(programme_participation::Column::FromYear)
        .order_by_asc(programme_participation::Column::Id)
        .all(db)
        .await?)
}

/// The first `cap` programme participations of each of the given organisations, oldest
/// first.
pub async fn first_participations_of(
    db: &impl ConnectionTrait,
    organisation_ids: Vec<i32>,
    cap: Option<u64>,
) -> AppResult<Vec<programme_participation::Model>> {
    let select = programme_participation::Entity::find()
        .filter(programme_participation::Column::OrganisationId.is_in(organisation_ids));
    participations_per_organisation(db, select, cap).await
}

/// `first_participations_of` for every organisation at once.
pub async fn participations_of_every_organisation(
    db: &impl ConnectionTrait,
    cap: u64,
) -> AppResult<Vec<programme_participation::Model>> {
    participations_per_organisation(db, programme_participation::Entity::find(), Some(cap)).await
}

async fn participations_per_organisation(
    db: &impl ConnectionTrait,
    select: sea_orm::Select<programme_participation::Entity>,
    cap: Option<u64>,
) -> AppResult<Vec<programme_participation::Model>> {
    use programme_participation::Column;
    capped::per_parent(
        db,
        select,
        Column::OrganisationId,
        &[(Column::FromYear, Order::Asc), (Column::Id, Order::Asc)],
        cap,
    )
    .await
}

/// Which programmes each organisation took part in: (organisation id, programme code),
/// each pair once.
pub async fn programme_codes_by_organisation(
    db: &impl ConnectionTrait,
) -> AppResult<Vec<(i32, String)>> {
    use sea_orm::{JoinType, QuerySelect};
    let programme = programme_participation::Entity::belongs_to(support_programme::Entity)
        .from(programme_participation::Column::ProgrammeId)
        .to(support_programme::Column::Id)
        .into();
    Ok(programme_participation::Entity::find()
        .select_only()
        .column(programme_participation::Column::OrganisationId)
        .column(support_programme::Column::Code)
        .join(JoinType::InnerJoin, programme)
        .distinct()
        .into_tuple()
        .all(db)
        .await?)
}

pub async fn participations_by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<Vec<programme_participation::Model>> {
    Ok(programme_participation::Entity::find()
        .filter(programme_participation::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

pub async fn programmes_by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<Vec<support_programme::Model>> {
    Ok(support_programme::Entity::find()
        .filter(support_programme::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// The strategies of the given county boards, oldest period first, at most `cap` of each.
pub async fn strategies_of(
    db: &impl ConnectionTrait,
    board_ids: Vec<i32>,
    cap: Option<u64>,
) -> AppResult<Vec<county_board_strategy::Model>> {
    use county_board_strategy::Column;
    capped::per_parent(
        db,
        county_board_strategy::Entity::find().filter(Column::CountyBoardId.is_in(board_ids)),
        Column::CountyBoardId,
        &[
            (Column::PeriodStartYear, Order::Asc),
            (Column::Id, Order::Asc),
        ],
        cap,
    )
    .await
}

pub async fn strategies_by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<Vec<county_board_strategy::Model>> {
    Ok(county_board_strategy::Entity::find()
        .filter(county_board_strategy::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// County board support received by the given organisations, newest first, at most `cap`
/// for each.
pub async fn support_to(
    db: &impl ConnectionTrait,
    organisation_ids: Vec<i32>,
    cap: Option<u64>,
) -> AppResult<Vec<county_board_support::Model>> {
    use county_board_support::Column;
    capped::per_parent(
        db,
        county_board_support::Entity::find().filter(Column::OrganisationId.is_in(organisation_ids)),
        Column::OrganisationId,
        &[(Column::Year, Order::Desc), (Column::Id, Order::Asc)],
        cap,
    )
    .await
}

/// County board support given by the given boards, newest first, at most `cap` for each.
pub async fn support_by_boards(
    db: &impl ConnectionTrait,
    board_ids: Vec<i32>,
    cap: Option<u64>,
) -> AppResult<Vec<county_board_support::Model>> {
    use county_board_support::Column;
    capped::per_parent(
        db,
        county_board_support::Entity::find().filter(Column::CountyBoardId.is_in(board_ids)),
        Column::CountyBoardId,
        &[(Column::Year, Order::Desc), (Column::Id, Order::Asc)],
        cap,
    )
    .await
}

pub async fn support_by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<Vec<county_board_support::Model>> {
    Ok(county_board_support::Entity::find()
        .filter(county_board_support::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

pub async fn focus_of(
    db: &impl ConnectionTrait,
    support_ids: Vec<i32>,
) -> AppResult<Vec<county_board_support_focus::Model>> {
    Ok(county_board_support_focus::Entity::find()
        .filter(county_board_support_focus::Column::SupportId.is_in(support_ids))
        .order_by_asc(county_board_support_focus::Column::FocusArea)
        .all(db)
        .await?)
}
