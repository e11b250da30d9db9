//! Current signatures per signing year, and within each support programme's years.

use super::{NumberGroup, count_of};
use crate::error::AppResult;
use crate::services::organisations::OrganisationFilter;
use crate::services::register::signatures::signed_within_programme_sql;
use entity::{organisation, signature, support_programme};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

/// Signings per year, oldest first; `None` for signings of unknown year.
pub(super) async fn per_year(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
) -> AppResult<Vec<(Option<i32>, u64)>> {
    let year: SimpleExpr = Expr::cust(r#"CAST(SUBSTR("signature"."signed_on", 1, 4) AS INTEGER)"#);
    Ok(filter
        .apply(organisation::Entity::find())
        .filter(Expr::col((signature::Entity, signature::Column::Id)).is_not_null())
        .select_only()
        .column_as(year.clone(), "key")
        .column_as(Expr::cust("COUNT(*)"), "n")
        .group_by(year.clone())
        .order_by_asc(year)
        .into_model::<NumberGroup>()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.key, count_of(g.n)))
        .collect())
}

/// Per programme: current signatures whose signing year fell within its years.
pub(super) async fn within_programmes(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
) -> AppResult<Vec<(support_programme::Model, u64)>> {
    let mut counts = Vec::new();
    for programme in crate::services::programmes::programmes(db).await? {
        let within = Expr::exists(
            Query::select()
                .expr(Expr::cust("1"))
                .from(support_programme::Entity)
                .and_where(
                    Expr::col((support_programme::Entity, support_programme::Column::Id))
                        .eq(programme.id),
                )
                .and_where(Expr::cust(signed_within_programme_sql()))
                .to_owned(),
        );
        let count = filter
            .apply(organisation::Entity::find())
            .filter(within)
            .count(db)
            .await?;
        counts.push((programme, count));
    }
    Ok(counts)
}
