//! `/programmes`: SKR's support programmes.

use super::dto::ProgrammeDto;
use super::listing::{CsvForm, ListEnvelope, Problem, csv_file, json_with_etag};
use crate::error::{AppError, HttpError};
use crate::services::programmes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use sea_orm::DatabaseConnection;

/// SKR's support programmes, oldest first.
#[utoipa::path(
    tag = "reference",
    responses(
        (status = 200, description = "The programmes", body = ListEnvelope<ProgrammeDto>),
        (status = 304, description = "Not modified (If-None-Match)"),
    )
)]
#[get("/programmes")]
pub async fn list_programmes(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let values: Vec<ProgrammeDto> = programmes::programmes(db.get_ref())
        .await?
        .into_iter()
        .map(ProgrammeDto::from)
        .collect();
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

/// A programme by its code, e.g. "MODELLKONCEPTET".
#[utoipa::path(
    tag = "reference",
    params(("code" = String, Path, description = "The programme's code", example = "MODELLKONCEPTET")),
    responses(
        (status = 200, description = "The programme", body = ProgrammeDto),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 404, description = "No such programme", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/programmes/{code}")]
pub async fn get_programme(
    req: HttpRequest,
    code: web::Path<String>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let programme = programmes::programme_by_code(db.get_ref(), &code)
        .await?
        .ok_or_else(|| {
            AppError::not_found(format!("no programme has the code {:?}", code.as_str()))
        })?;
    json_with_etag(&req, &ProgrammeDto::from(programme))
}

/// The programmes as CSV (UTF-8 with BOM, `;`).
#[utoipa::path(tag = "reference", params(CsvForm), responses((status = 200, description = "CSV", content_type = "text/csv", body = String)))]
#[get("/programmes.csv")]
pub async fn programmes_csv(
    form: web::Query<CsvForm>,
    db: web::Data<DatabaseConnection>,
) -> Result<HttpResponse, HttpError> {
    let rows = programmes::programmes(db.get_ref()).await?;
    let lines = rows
        .into_iter()
        .map(|p| {
            vec![
                p.code,
                p.name_sv,
                p.name_en,
                p.start_year.to_string(),
                p.end_year.map(|y| y.to_string()).unwrap_or_default(),
                p.requires_political_commitment.to_string(),
            ]
        })
        .collect();
    csv_file(
        "programmes.csv",
        &[
            "code",
            "name",
            "name_en",
            "start_year",
            "end_year",
            "requires_political_commitment",
        ],
        lines,
        &form,
    )
}
