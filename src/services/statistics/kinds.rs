//! Counts by kind and signatory status; an organisation counts under every kind it acts
//! as, so a municipality with regional responsibility (Gotland) is a region too.

use super::{Group, KindStatusCount, count_of, grouped};
use crate::domain::organisation::OrganisationKind;
use crate::domain::register::SignatoryStatus;
use crate::error::AppResult;
use crate::services::organisations::OrganisationFilter;
use crate::services::register::status::signatory_status_expr;
use entity::organisation;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

pub(super) async fn by_kind_and_status(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
) -> AppResult<Vec<KindStatusCount>> {
    let mut counts: Vec<KindStatusCount> = grouped(
        db,
        filter,
        Expr::col((organisation::Entity, organisation::Column::Kind)),
        signatory_status_expr(),
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
    for (status, count) in acting_as_regions(db, filter).await? {
        match counts
            .iter_mut()
            .find(|c| c.kind == OrganisationKind::Region && c.status == status)
        {
            Some(existing) => existing.count += count,
            None => counts.push(KindStatusCount {
                kind: OrganisationKind::Region,
                status,
                count,
            }),
        }
    }
    counts.sort_by_key(|c| (c.kind.as_str(), c.status.as_str()));
    Ok(counts)
}

/// Organisations of another kind with regional responsibility, by signatory status.
async fn acting_as_regions(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
) -> AppResult<Vec<(SignatoryStatus, u64)>> {
    let status = signatory_status_expr;
    let groups: Vec<Group> = filter
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
    Ok(groups
        .into_iter()
        .filter_map(|g| {
            let status = SignatoryStatus::from_stored(g.key.as_deref()?)?;
            Some((status, count_of(g.n)))
        })
        .collect())
}
