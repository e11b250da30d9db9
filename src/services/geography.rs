//! Counties, county administrative boards and organisations: look-ups, filtered lists and
//! the batch look-ups the GraphQL loaders use.

use crate::domain::codes::normalise_organisation_code;
use crate::domain::names::search_key;
use crate::domain::organisation::OrganisationKind;
use crate::error::AppResult;
use crate::services::pagination::{KeyValue, Ordering, Page, PageArgs, PagePlan, SortColumn};
use async_graphql::Enum;
use entity::{county, county_board, organisation};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Select,
};

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

pub async fn organisations_by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<Vec<organisation::Model>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// Finds an organisation by its code. A county code (or Kolada's `00`+county form) finds
/// the organisation with regional responsibility there, so Gotland is found as `0980`
/// and as `09`.
pub async fn organisation_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> AppResult<Option<organisation::Model>> {
    let code = normalise_organisation_code(code);
    Ok(organisation::Entity::find()
        .filter(
            Condition::any()
                .add(organisation::Column::Code.eq(code.clone()))
                .add(organisation::Column::RegionalCountyCode.eq(code)),
        )
        .order_by_asc(organisation::Column::Id)
        .one(db)
        .await?)
}

/// Which organisations a list shows. Empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    /// `REGION` also matches municipalities with regional responsibility (Gotland).
    pub kinds: Vec<OrganisationKind>,
    pub county_codes: Vec<String>,
    /// Case-insensitive substring of the name, Swedish letters included.
    pub name_contains: Option<String>,
}

/// The orderings of organisation lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Default)]
pub enum OrganisationOrderField {
    /// Swedish alphabetical order of the name (å, ä, ö after z), ties by code.
    #[default]
    Name,
    /// SCB code order.
    Code,
}

impl OrganisationFilter {
    fn apply(&self, mut select: Select<organisation::Entity>) -> Select<organisation::Entity> {
        if !self.kinds.is_empty() {
            let mut any = Condition::any()
                .add(organisation::Column::Kind.is_in(self.kinds.iter().map(|k| k.as_str())));
            if self.kinds.contains(&OrganisationKind::Region) {
                any = any.add(organisation::Column::RegionalCountyCode.is_not_null());
            }
            select = select.filter(any);
        }
        if !self.county_codes.is_empty() {
            let codes: Vec<String> = self
                .county_codes
                .iter()
                .map(|c| c.trim().to_owned())
                .collect();
            select = select.filter(organisation::Column::CountyCode.is_in(codes));
        }
        if let Some(term) = self
            .name_contains
            .as_deref()
            .map(search_key)
            .filter(|t| !t.is_empty())
        {
            let escaped = term
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            select = select.filter(
                Expr::col(organisation::Column::SearchName)
                    .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
            );
        }
        select
    }
}

fn ordering(field: OrganisationOrderField, descending: bool) -> Ordering {
    let code = SortColumn::with_direction(Expr::col(organisation::Column::Code), descending);
    let (name, columns) = match field {
        OrganisationOrderField::Name => (
            "organisation:name",
            vec![
                SortColumn::with_direction(Expr::col(organisation::Column::SortKey), descending),
                code,
            ],
        ),
        OrganisationOrderField::Code => ("organisation:code", vec![code]),
    };
    let suffix = if descending { ":desc" } else { "" };
    Ordering {
        name: format!("{name}{suffix}"),
        columns,
    }
}

/// A page of organisations with each row's cursor.
pub async fn organisations(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
    order: OrganisationOrderField,
    descending: bool,
    args: &PageArgs,
) -> AppResult<Page<(String, organisation::Model)>> {
    let ordering = ordering(order, descending);
    let plan = PagePlan::new(args, &ordering)?;
    let rows = plan
        .apply(filter.apply(organisation::Entity::find()), &ordering)
        .all(db)
        .await?;
    let rows = rows
        .into_iter()
        .map(|row| {
            let key = match order {
                OrganisationOrderField::Name => {
                    vec![
                        KeyValue::Text(row.sort_key.clone()),
                        KeyValue::Text(row.code.clone()),
                    ]
                }
                OrganisationOrderField::Code => vec![KeyValue::Text(row.code.clone())],
            };
            (
                crate::services::pagination::encode_cursor(&ordering.name, key),
                row,
            )
        })
        .collect();
    Ok(plan.finish(rows))
}

/// How many organisations match the filter.
pub async fn count_organisations(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
) -> AppResult<u64> {
    Ok(filter.apply(organisation::Entity::find()).count(db).await?)
}
