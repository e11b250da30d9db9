//! `/action-plans`: action plans with their articles and follow-up reports.

use super::dto::ActionPlanDto;
use super::listing::{
    CsvForm, ListEnvelope, Paging, Problem, all_pages, csv_file, json_with_etag, list, next_link,
};
use crate::error::{AppError, AppResult, HttpError};
use crate::services::register::action_plans::{self, PlanFilter};
use crate::services::{codes, organisations};
use actix_web::{HttpRequest, HttpResponse, get, web};
use entity::action_plan;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use std::collections::HashMap;

/// Filters of the action plan list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// Organisation codes, comma-separated.
    #[param(example = "2582,0880")]
    pub organisation: Option<String>,
    /// County codes, comma-separated.
    #[param(example = "25")]
    pub county: Option<String>,
    /// Incremental sync: only plans whose `updated_at` is later than this time (RFC 3339;
    /// exclusive, so the greatest `updated_at` already received returns nothing again).
    /// A plan's `updated_at` is the latest change of the plan, its articles, and its
    /// follow-up reports. A write's time is taken when it starts: to never miss one still
    /// committing while you read, send a watermark a minute earlier.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

impl PlanQuery {
    /// The service's filter, with the codes given resolved (unknown ones refused).
    async fn filter(&self, db: &DatabaseConnection) -> AppResult<PlanFilter> {
        let mut filter = PlanFilter {
            organisation_codes: list(&self.organisation),
            county_codes: list(&self.county),
            updated_since: self.updated_since,
        };
        if !filter.organisation_codes.is_empty() {
            filter.organisation_codes =
                codes::organisation_codes(db, &filter.organisation_codes).await?;
        }
        if !filter.county_codes.is_empty() {
            filter.county_codes = codes::county_codes(db, &filter.county_codes).await?;
        }
        Ok(filter)
    }
}

async fn represent(
    db: &DatabaseConnection,
    plans: Vec<action_plan::Model>,
) -> AppResult<Vec<ActionPlanDto>> {
    let ids: Vec<i32> = plans.iter().map(|p| p.id).collect();
    let owners: HashMap<i32, String> =
        organisations::by_ids(db, plans.iter().map(|p| p.organisation_id).collect())
            .await?
            .into_iter()
            .map(|o| (o.id, o.code))
            .collect();
    let mut articles: HashMap<i32, Vec<i32>> = HashMap::new();
    for a in action_plans::articles_of(db, ids.clone()).await? {
        articles
            .entry(a.action_plan_id)
            .or_default()
            .push(a.article_number);
    }
    let mut follow_ups: HashMap<i32, Vec<entity::follow_up_report::Model>> = HashMap::new();
    for f in action_plans::follow_ups_of(db, ids).await? {
        follow_ups.entry(f.action_plan_id).or_default().push(f);
    }
    Ok(plans
        .into_iter()
        .map(|p| {
            let code = owners.get(&p.organisation_id).cloned().unwrap_or_default();
            let numbers = articles.remove(&p.id).unwrap_or_default();
            let reports = follow_ups.remove(&p.id).unwrap_or_default();
            ActionPlanDto::new(p, code, numbers, reports)
        })
        .collect())
}

/// Action plans in id order, with their articles and follow-up reports.
#[utoipa::path(
    tag = "register",
    params(PlanQuery, Paging),
    responses(
        (status = 200, description = "A page of action plans", body = ListEnvelope<ActionPlanDto>),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/action-plans")]
pub async fn list_action_plans(
    req: HttpRequest,
    query: web::Query<PlanQuery>,
    paging: web::Query<Paging>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let filter = query.filter(&db).await?;
    let page = action_plans::list(db.get_ref(), &filter, &paging.args()?).await?;
    let next = next_link(&req, &page);
    let count = action_plans::count(db.get_ref(), &filter).await?;
    let values = represent(&db, page.items.into_iter().map(|(_, p)| p).collect()).await?;
    json_with_etag(
        &req,
        &ListEnvelope {
            values,
            count,
            next,
        },
    )
}

/// An action plan by its id.
#[utoipa::path(
    tag = "register",
    params(("id" = i32, Path, description = "The plan's id", example = 1)),
    responses(
        (status = 200, description = "The action plan", body = ActionPlanDto),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "The id is not a number", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/action-plans/{id}")]
pub async fn get_action_plan(
    req: HttpRequest,
    id: web::Path<i32>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let plan = action_plans::by_ids(db.get_ref(), vec![*id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found(format!("no action plan {id}")))?;
    let dto = represent(&db, vec![plan])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("gone"))?;
    json_with_etag(&req, &dto)
}

/// The columns of `action-plans.csv`; `imports/action-plans` takes the file back.
pub const PLAN_COLUMNS: [&str; 12] = [
    "organisation_code",
    "title",
    "adopted_on",
    "decision_body",
    "period_start_year",
    "period_end_year",
    "priorities",
    "resources",
    "document_url",
    "article_numbers",
    "data_origin",
    "updated_at",
];

/// Action plans as CSV (UTF-8 with BOM, `;`), the same filters as the JSON list.
#[utoipa::path(
    tag = "register",
    params(PlanQuery, CsvForm),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 400, description = "Invalid parameters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/action-plans.csv")]
pub async fn action_plans_csv(
    query: web::Query<PlanQuery>,
    form: web::Query<CsvForm>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let filter = query.filter(&db).await?;
    let db_ref = db.get_ref();
    let filter_ref = &filter;
    let plans =
        all_pages(|args| async move { action_plans::list(db_ref, filter_ref, &args).await })
            .await?;
    let rows = represent(&db, plans).await?;
    let year = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
    let lines = rows
        .into_iter()
        .map(|p| {
            vec![
                p.organisation_code,
                p.title,
                p.adopted_on.unwrap_or_default(),
                p.decision_body,
                year(p.period_start_year),
                year(p.period_end_year),
                p.priorities,
                p.resources,
                p.document_url.unwrap_or_default(),
                p.article_numbers
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join("|"),
                p.data_origin,
                p.updated_at.to_rfc3339(),
            ]
        })
        .collect();
    csv_file("action-plans.csv", &PLAN_COLUMNS, lines, &form)
}
