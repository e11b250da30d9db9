//! `/counties`: the 21 counties with their administrative boards and regions.

use super::dto::CountyDto;
use super::listing::{CsvForm, ListEnvelope, Problem, csv_file, json_with_etag};
use crate::error::{AppError, AppResult, HttpError};
use crate::services::geography;
use actix_web::{HttpRequest, HttpResponse, get, web};
use sea_orm::DatabaseConnection;

async fn represent(
    db: &DatabaseConnection,
    counties: Vec<entity::county::Model>,
) -> AppResult<Vec<CountyDto>> {
    let codes: Vec<String> = counties.iter().map(|c| c.code.clone()).collect();
    let boards = geography::county_boards_by_county(db, codes.clone()).await?;
    let regions = geography::regions_by_county(db, codes).await?;
    Ok(counties
        .into_iter()
        .map(|c| {
            let board = boards.iter().find(|b| b.county_code == c.code);
            let region = regions
                .iter()
                .find(|r| r.regional_county_code.as_deref() == Some(c.code.as_str()));
            CountyDto::new(c, board, region)
        })
        .collect())
}

/// All 21 counties in code order.
#[utoipa::path(
    tag = "reference",
    responses(
        (status = 200, description = "The counties", body = ListEnvelope<CountyDto>),
        (status = 304, description = "Not modified (If-None-Match)"),
    )
)]
#[get("/counties")]
pub async fn list_counties(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let values = represent(&db, geography::counties(db.get_ref()).await?).await?;
    let count = values.len() as u64;
    json_with_etag(
        &req,
        &ListEnvelope {
            values,
            count,
            next: None,
        },
    )
}

/// A county by SCB's two-digit code.
#[utoipa::path(
    tag = "reference",
    params(("code" = String, Path, description = "SCB's two-digit county code", example = "25")),
    responses(
        (status = 200, description = "The county", body = CountyDto),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such county", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/counties/{code}")]
pub async fn get_county(
    req: HttpRequest,
    code: web::Path<String>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let county = geography::county(db.get_ref(), &code)
        .await?
        .ok_or_else(|| {
            AppError::not_found(format!("no county has the code {:?}", code.as_str()))
        })?;
    let dto = represent(&db, vec![county])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("gone"))?;
    json_with_etag(&req, &dto)
}

/// The counties as CSV (UTF-8 with BOM, `;`).
#[utoipa::path(tag = "reference", params(CsvForm), responses((status = 200, description = "CSV", content_type = "text/csv", body = String)))]
#[get("/counties.csv")]
pub async fn counties_csv(
    form: web::Query<CsvForm>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let rows = represent(&db, geography::counties(db.get_ref()).await?).await?;
    let lines = rows
        .into_iter()
        .map(|c| {
            vec![
                c.code,
                c.name,
                c.county_board.unwrap_or_default(),
                c.region_code.unwrap_or_default(),
            ]
        })
        .collect();
    csv_file(
        "counties.csv",
        &["code", "name", "county_board", "region_code"],
        lines,
        &form,
    )
}
