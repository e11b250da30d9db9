//! Action plans, the charter articles they address, and their follow-up reports.

use crate::error::AppResult;
use entity::{action_plan, action_plan_article, follow_up_report};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// The plans of the given organisations, newest first (intended plans last).
pub async fn of_organisations(
    db: &impl ConnectionTrait,
    organisation_ids: Vec<i32>,
) -> AppResult<Vec<action_plan::Model>> {
    Ok(action_plan::Entity::find()
        .filter(action_plan::Column::OrganisationId.is_in(organisation_ids))
        .order_by_desc(action_plan::Column::AdoptedOn)
        .order_by_desc(action_plan::Column::Id)
        .all(db)
        .await?)
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

/// Which plans address the given articles.
pub async fn addressing(
    db: &impl ConnectionTrait,
    article_numbers: Vec<i32>,
) -> AppResult<Vec<action_plan_article::Model>> {
    Ok(action_plan_article::Entity::find()
        .filter(action_plan_article::Column::ArticleNumber.is_in(article_numbers))
        .order_by_asc(action_plan_article::Column::ActionPlanId)
        .all(db)
        .await?)
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

pub async fn follow_ups_by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<Vec<follow_up_report::Model>> {
    Ok(follow_up_report::Entity::find()
        .filter(follow_up_report::Column::Id.is_in(ids))
        .all(db)
        .await?)
}
