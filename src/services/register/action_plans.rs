//! Action plans, the charter articles they address, and their follow-up reports.

use crate::domain::names::search_key;
use crate::error::AppResult;
use crate::services::capped;
use entity::{action_plan, action_plan_article, follow_up_report};
use sea_orm::sea_query::{Expr, ExprTrait, Order};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// The plans of the given organisations, newest first (intended plans last), at most
/// `cap` of each.
pub async fn of_organisations(
    db: &impl ConnectionTrait,
    organisation_ids: Vec<i32>,
    cap: Option<u64>,
) -> AppResult<Vec<action_plan::Model>> {
    let select = action_plan::Entity::find()
        .filter(action_plan::Column::OrganisationId.is_in(organisation_ids));
    plans_per_organisation(db, select, cap).await
}

/// `of_organisations` for every organisation at once.
pub async fn of_every_organisation(
    db: &impl ConnectionTrait,
    cap: u64,
) -> AppResult<Vec<action_plan::Model>> {
    plans_per_organisation(db, action_plan::Entity::find(), Some(cap)).await
}

/// The id of every plan.
pub async fn every_id(db: &impl ConnectionTrait) -> AppResult<Vec<i32>> {
    Ok(action_plan::Entity::find()
        .select_only()
        .column(action_plan::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

async fn plans_per_organisation(
    db: &impl ConnectionTrait,
    select: sea_orm::Select<action_plan::Entity>,
    cap: Option<u64>,
) -> AppResult<Vec<action_plan::Model>> {
    use action_plan::Column;
    capped::per_parent(
        db,
        select,
        Column::OrganisationId,
        &[(Column::AdoptedOn, Order::Desc), (Column::Id, Order::Desc)],
        cap,
    )
    .await
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<Vec<action_plan::Model>> {
    Ok(action_plan::Entity::find()
        .filter(action_plan::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// Which articles the given plans address.
pub async fn articles_of(
    db: &impl ConnectionTrait,
    plan_ids: Vec<i32>,
) -> AppResult<Vec<action_plan_article::Model>> {
    Ok(action_plan_article::Entity::find()
        .filter(action_plan_article::Column::ActionPlanId.is_in(plan_ids))
        .order_by_asc(action_plan_article::Column::ArticleNumber)
        .all(db)
        .await?)
}

/// Which plans address the given articles, at most `cap` of each.
pub async fn addressing(
    db: &impl ConnectionTrait,
    article_numbers: Vec<i32>,
    cap: Option<u64>,
) -> AppResult<Vec<action_plan_article::Model>> {
    use action_plan_article::Column;
    capped::per_parent(
        db,
        action_plan_article::Entity::find().filter(Column::ArticleNumber.is_in(article_numbers)),
        Column::ArticleNumber,
        &[(Column::ActionPlanId, Order::Asc)],
        cap,
    )
    .await
}

/// The follow-up reports of the given plans, oldest first.
pub async fn follow_ups_of(
    db: &impl ConnectionTrait,
    plan_ids: Vec<i32>,
) -> AppResult<Vec<follow_up_report::Model>> {
    Ok(follow_up_report::Entity::find()
        .filter(follow_up_report::Column::ActionPlanId.is_in(plan_ids))
        .order_by_asc(follow_up_report::Column::ReportedOn)
        .order_by_asc(follow_up_report::Column::Id)
        .all(db)
        .await?)
}

/// The first `cap` follow-up reports of each of the given plans, oldest first.
pub async fn first_follow_ups_of(
    db: &impl ConnectionTrait,
    plan_ids: Vec<i32>,
    cap: Option<u64>,
) -> AppResult<Vec<follow_up_report::Model>> {
    let select = follow_up_report::Entity::find()
        .filter(follow_up_report::Column::ActionPlanId.is_in(plan_ids));
    follow_ups_per_plan(db, select, cap).await
}

/// `first_follow_ups_of` for every plan at once.
pub async fn first_follow_ups_of_every_plan(
    db: &impl ConnectionTrait,
    cap: u64,
) -> AppResult<Vec<follow_up_report::Model>> {
    follow_ups_per_plan(db, follow_up_report::Entity::find(), Some(cap)).await
}

async fn follow_ups_per_plan(
    db: &impl ConnectionTrait,
    select: sea_orm::Select<follow_up_report::Entity>,
    cap: Option<u64>,
) -> AppResult<Vec<follow_up_report::Model>> {
    use follow_up_report::Column;
    capped::per_parent(
        db,
        select,
        Column::ActionPlanId,
        &[(Column::ReportedOn, Order::Asc), (Column::Id, Order::Asc)],
        cap,
    )
    .await
}

/// How many follow-up reports each of the given plans has (plans without any left out).
pub async fn follow_up_counts(
    db: &impl ConnectionTrait,
    plan_ids: Vec<i32>,
) -> AppResult<Vec<(i32, i64)>> {
    let select = follow_up_report::Entity::find()
        .filter(follow_up_report::Column::ActionPlanId.is_in(plan_ids));
    counts_per_plan(db, select).await
}

/// `follow_up_counts` of every plan that has reports.
pub async fn follow_up_counts_of_every_plan(
    db: &impl ConnectionTrait,
) -> AppResult<Vec<(i32, i64)>> {
    counts_per_plan(db, follow_up_report::Entity::find()).await
}

async fn counts_per_plan(
    db: &impl ConnectionTrait,
    select: sea_orm::Select<follow_up_report::Entity>,
) -> AppResult<Vec<(i32, i64)>> {
    use follow_up_report::Column;
    Ok(select
        .select_only()
        .column(Column::ActionPlanId)
        .expr(Expr::col(Column::Id).count())
        .group_by(Column::ActionPlanId)
        .into_tuple()
        .all(db)
        .await?)
}

pub async fn follow_ups_by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<Vec<follow_up_report::Model>> {
    Ok(follow_up_report::Entity::find()
        .filter(follow_up_report::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// Which action plans a list shows.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    pub organisation_codes: Vec<String>,
    pub county_codes: Vec<String>,
    /// Plans that changed, or whose follow-up reports changed, after this time
    /// (exclusive).
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

impl PlanFilter {
    fn apply(
        &self,
        mut select: sea_orm::Select<action_plan::Entity>,
    ) -> sea_orm::Select<action_plan::Entity> {
        use entity::organisation;
        use sea_orm::sea_query::{Condition, Expr, Query};
        if !self.organisation_codes.is_empty() || !self.county_codes.is_empty() {
            let mut owners = Query::select();
            owners
                .column(organisation::Column::Id)
                .from(organisation::Entity);
            if !self.organisation_codes.is_empty() {
                owners.and_where(organisation::Column::Code.is_in(self.organisation_codes.clone()));
            }
            if !self.county_codes.is_empty() {
                owners.and_where(organisation::Column::CountyCode.is_in(self.county_codes.clone()));
            }
            select =
                select.filter(action_plan::Column::OrganisationId.in_subquery(owners.to_owned()));
        }
        if let Some(since) = self.updated_since {
            select = select.filter(
                Condition::any()
                    .add(action_plan::Column::UpdatedAt.gt(since))
                    .add(Expr::exists(
                        crate::services::register::changes::follow_up_after(since),
                    )),
            );
        }
        select
    }
}

/// A page of action plans in id order.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &PlanFilter,
    args: &crate::services::pagination::PageArgs,
) -> AppResult<crate::services::pagination::Page<(String, action_plan::Model)>> {
    use crate::services::pagination::{KeyValue, Ordering, PagePlan, SortColumn, encode_cursor};
    let ordering = Ordering {
        name: "action_plan:id".into(),
        columns: vec![SortColumn::asc(sea_orm::sea_query::Expr::col((
            action_plan::Entity,
            action_plan::Column::Id,
        )))],
    };
    let plan = PagePlan::new(args, &ordering)?;
    let rows = plan
        .apply(filter.apply(action_plan::Entity::find()), &ordering)
        .all(db)
        .await?;
    Ok(plan.finish(
        rows.into_iter()
            .map(|r| {
                (
                    encode_cursor(&ordering.name, vec![KeyValue::Int(i64::from(r.id))]),
                    r,
                )
            })
            .collect(),
    ))
}

pub async fn count(db: &impl ConnectionTrait, filter: &PlanFilter) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(filter.apply(action_plan::Entity::find()).count(db).await?)
}

/// Follow-up reports by their plan, title and date (the import key).
pub async fn follow_up_on(
    db: &impl ConnectionTrait,
    plan_id: i32,
    reported_on: &str,
) -> AppResult<Option<follow_up_report::Model>> {
    Ok(follow_up_report::Entity::find()
        .filter(follow_up_report::Column::ActionPlanId.eq(plan_id))
        .filter(follow_up_report::Column::ReportedOn.eq(reported_on))
        .one(db)
        .await?)
}

/// An organisation's plan with the given title, as titles compare (ignoring case and
/// spacing): the import key.
pub async fn by_title(
    db: &impl ConnectionTrait,
    organisation_id: i32,
    title: &str,
) -> AppResult<Option<action_plan::Model>> {
    Ok(action_plan::Entity::find()
        .filter(action_plan::Column::OrganisationId.eq(organisation_id))
        .filter(action_plan::Column::TitleKey.eq(search_key(title)))
        .one(db)
        .await?)
}
