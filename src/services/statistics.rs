//! Register statistics, computed by grouped SQL over the same filter and the same status
//! expressions as the lists, never by loading rows.

use crate::domain::organisation::OrganisationKind;
use crate::domain::register::{ActionPlanStatus, SignatoryStatus};
use crate::error::AppResult;
use crate::services::organisations::OrganisationFilter;
use crate::services::register::signatures::signed_within_programme_sql;
use crate::services::register::status::{action_plan_status_expr, signatory_status_expr, today};
use entity::{organisation, signature, support_programme};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

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

fn count_of(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

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

/// Computes the statistics of the organisations the filter selects.
pub async fn register(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
) -> AppResult<RegisterStatistics> {
    filter.validate()?;
    let organisations = filter.apply(organisation::Entity::find()).count(db).await?;
    let status = signatory_status_expr;

    let mut by_kind_and_status: Vec<KindStatusCount> = grouped(
        db,
        filter,
        Expr::col((organisation::Entity, organisation::Column::Kind)),
        status(),
    )
    .await?
    .into_iter()
    .filter_map(|g| {
        Some(KindStatusCount {
            kind: OrganisationKind::from_stored_or_other(g.key.as_deref()?),
            status: SignatoryStatus::from_stored(g.sub.as_deref()?)?,
            count: count_of(g.n),
        })
    })
    .collect();
    // A municipality with regional responsibility (Gotland) also counts as a region.
    let extra: Vec<Group> = filter
        .apply(organisation::Entity::find())
        .filter(organisation::Column::RegionalCountyCode.is_not_null())
        .filter(organisation::Column::Kind.ne(OrganisationKind::Region.as_str()))
        .select_only()
        .column_as(status(), "key")
        .column_as(Expr::cust("NULL"), "sub")
        .column_as(Expr::cust("COUNT(*)"), "n")
        .group_by(status())
        .into_model::<Group>()
        .all(db)
        .await?;
    for group in extra {
        let Some(status) = group.key.as_deref().and_then(SignatoryStatus::from_stored) else {
            continue;
        };
        match by_kind_and_status
            .iter_mut()
            .find(|c| c.kind == OrganisationKind::Region && c.status == status)
        {
            Some(existing) => existing.count += count_of(group.n),
            None => by_kind_and_status.push(KindStatusCount {
                kind: OrganisationKind::Region,
                status,
                count: count_of(group.n),
            }),
        }
    }
    by_kind_and_status.sort_by_key(|c| (c.kind.as_str(), c.status.as_str()));

    let year: SimpleExpr = Expr::cust(r#"CAST(SUBSTR("signature"."signed_on", 1, 4) AS INTEGER)"#);
    let signings_per_year = filter
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
        .collect();

    let by_county_and_status = grouped(
        db,
        filter,
        Expr::col((organisation::Entity, organisation::Column::CountyCode)),
        status(),
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
    .collect::<Vec<_>>();

    let plan_status = action_plan_status_expr(today());
    let action_plan_statuses = filter
        .apply(organisation::Entity::find())
        .select_only()
        .column_as(plan_status.clone(), "key")
        .column_as(Expr::cust("NULL"), "sub")
        .column_as(Expr::cust("COUNT(*)"), "n")
        .group_by(plan_status)
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
        .collect();

    let mut signings_within_programmes = Vec::new();
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
        signings_within_programmes.push((programme, count));
    }

    Ok(RegisterStatistics {
        organisations,
        by_kind_and_status,
        signings_per_year,
        by_county_and_status,
        action_plan_statuses,
        signings_within_programmes,
    })
}
