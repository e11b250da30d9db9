//! Counts by county and signatory status.

use super::{CountyStatusCount, count_of, grouped};
use crate::domain::register::SignatoryStatus;
use crate::error::AppResult;
use crate::services::organisations::OrganisationFilter;
use crate::services::register::status::signatory_status_expr;
use entity::organisation;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::Expr;

pub(super) async fn by_county_and_status(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
) -> AppResult<Vec<CountyStatusCount>> {
    Ok(grouped(
        db,
        filter,
        Expr::col((organisation::Entity, organisation::Column::CountyCode)),
        signatory_status_expr(),
    )
    .await?
    .into_iter()
    .filter_map(|g| {
        Some(CountyStatusCount {
            county_code: g.key?,
            status: SignatoryStatus::from_stored(g.sub.as_deref()?)?,
            count: count_of(g.n),
        })
    })
    .collect())
}
