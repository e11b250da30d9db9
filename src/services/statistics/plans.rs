//! Counts by action plan status, with the status expression every list uses.

use super::{Group, count_of};
use crate::domain::register::ActionPlanStatus;
use crate::error::AppResult;
use crate::services::organisations::OrganisationFilter;
use crate::services::register::status::{action_plan_status_expr, today};
use entity::organisation;
use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};

pub(super) async fn by_status(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
) -> AppResult<Vec<(ActionPlanStatus, u64)>> {
    let status = action_plan_status_expr(today());
    Ok(filter
        .apply(organisation::Entity::find())
        .select_only()
        .column_as(status.clone(), "key")
        .column_as(Expr::cust("NULL"), "sub")
        .column_as(Expr::cust("COUNT(*)"), "n")
        .group_by(status)
        .into_model::<Group>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|g| {
            Some((
                ActionPlanStatus::from_stored(g.key.as_deref()?)?,
                count_of(g.n),
            ))
        })
        .collect())
}
