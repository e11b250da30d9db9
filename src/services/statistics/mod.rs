//! Register statistics, computed by grouped SQL over the same filter and the same status
//! expressions as the lists, never by loading rows. One module per breakdown: kinds and
//! statuses, counties, signing years and programmes, action plan statuses.

mod counties;
mod kinds;
mod plans;
mod signings;

use crate::domain::organisation::OrganisationKind;
use crate::domain::register::{ActionPlanStatus, SignatoryStatus};
use crate::error::AppResult;
use crate::services::organisations::OrganisationFilter;
use entity::{organisation, support_programme};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QuerySelect};

/// Counts by kind and signatory status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindStatusCount {
    pub kind: OrganisationKind,
    pub status: SignatoryStatus,
    pub count: u64,
}

/// Counts by county and signatory status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyStatusCount {
    pub county_code: String,
    pub status: SignatoryStatus,
    pub count: u64,
}

/// Everything `registerStatistics` returns.
#[derive(Debug, Clone)]
pub struct RegisterStatistics {
    pub organisations: u64,
    pub by_kind_and_status: Vec<KindStatusCount>,
    /// Current signatures per signing year; `None` for signings of unknown year.
    pub signings_per_year: Vec<(Option<i32>, u64)>,
    pub by_county_and_status: Vec<CountyStatusCount>,
    pub action_plan_statuses: Vec<(ActionPlanStatus, u64)>,
    /// Per programme: current signatures whose signing fell within its years.
    pub signings_within_programmes: Vec<(support_programme::Model, u64)>,
}

/// Computes the statistics of the organisations the filter selects.
pub async fn register(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
) -> AppResult<RegisterStatistics> {
    filter.validate()?;
    Ok(RegisterStatistics {
        organisations: filter.apply(organisation::Entity::find()).count(db).await?,
        by_kind_and_status: kinds::by_kind_and_status(db, filter).await?,
        signings_per_year: signings::per_year(db, filter).await?,
        by_county_and_status: counties::by_county_and_status(db, filter).await?,
        action_plan_statuses: plans::by_status(db, filter).await?,
        signings_within_programmes: signings::within_programmes(db, filter).await?,
    })
}

/// A count under a text key (and an optional second key).
#[derive(Debug, Clone, FromQueryResult)]
struct Group {
    key: Option<String>,
    sub: Option<String>,
    n: i64,
}

/// A count under a number key.
#[derive(Debug, Clone, FromQueryResult)]
struct NumberGroup {
    key: Option<i32>,
    n: i64,
}

fn count_of(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Counts of the filtered organisations grouped by two expressions.
async fn grouped(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
    key: SimpleExpr,
    sub: SimpleExpr,
) -> AppResult<Vec<Group>> {
    Ok(filter
        .apply(organisation::Entity::find())
        .select_only()
        .column_as(key.clone(), "key")
        .column_as(sub.clone(), "sub")
        .column_as(Expr::cust("COUNT(*)"), "n")
        .group_by(key)
        .group_by(sub)
        .into_model::<Group>()
        .all(db)
        .await?)
}
