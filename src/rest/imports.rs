//! `POST /imports/{kind}`: bulk upserts from regional systems, all or nothing.

use super::listing::{Problem, request_context};
use crate::auth::identify::Authenticator;
use crate::auth::policy;
use crate::error::{AppError, HttpError};
use crate::http::body::{charset, media_type, read_capped};
use crate::services::idempotency;
use crate::services::imports::source::RowError;
use crate::services::imports::{self, Idempotency, ImportFailure, ImportKind, ImportReport};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use serde_json::json;

/// How large an import may be.
pub struct ImportLimits {
    pub max_body_bytes: usize,
    /// Rows one request may carry (the header not counted).
    pub max_rows: usize,
}

/// Options of an import.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Validate every row and report, but write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

fn rejected(errors: Vec<RowError>) -> HttpResponse {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut response = HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(json!({
            "type": "urn:cemr-api:problem:import-rejected",
            "title": "Unprocessable Entity",
            "status": status.as_u16(),
            "detail": format!("{} problem(s) in the import; nothing was written", errors.len()),
            "code": "IMPORT_REJECTED",
            "errors": errors,
        }));
    crate::http::metrics::tag_errors(&mut response, ["IMPORT_REJECTED".to_owned()]);
    response
}

fn too_many_rows(limit: usize) -> HttpResponse {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut response = HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(json!({
            "type": "urn:cemr-api:problem:too-many-rows",
            "title": "Unprocessable Entity",
            "status": status.as_u16(),
            "detail": format!(
                "an import may carry at most {limit} rows; split it into several requests. Nothing was written"
            ),
            "code": "TOO_MANY_ROWS",
            "limit": limit,
        }));
    crate::http::metrics::tag_errors(&mut response, ["TOO_MANY_ROWS".to_owned()]);
    response
}

fn replayed(replay: idempotency::Replay) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(replay.status).unwrap_or(StatusCode::OK))
        .content_type("application/json")
        .insert_header(("idempotent-replayed", "true"))
        .body(replay.body)
}

/// Imports rows of signatures, action plans, follow-up reports or programme
/// participation, as a JSON array or CSV (UTF-8 with or without BOM, or
/// `charset=windows-1252`; `,` or `;`). Rows are keyed by organisation code (plus what
/// makes them unique) and upserted in one transaction: if any row is invalid nothing is
/// written and every problem is reported. Members import their own organisation's rows
/// only. `Idempotency-Key` makes a retry return the first result without writing twice.
#[utoipa::path(
    tag = "imports",
    params(
        ("kind" = String, Path, description = "signatures, action-plans, follow-ups or programme-participations", example = "action-plans"),
        ImportQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the first result is returned again (1–200 characters)", example = "nightly-2026-11-26"),
    ),
    request_body(content((String = "text/csv"), (Vec<serde_json::Value> = "application/json")), description = "CSV with a header row, or a JSON array of objects with the same field names"),
    responses(
        (status = 200, description = "Imported (or validated, for a dry run)", body = ImportReport),
        (status = 400, description = "Invalid parameters or Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A row of an organisation the caller may not write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No import of that kind", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The Idempotency-Key was used for another request, or a concurrent write collided with a row (nothing was written; retry)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than `IMPORT_MAX_BODY_BYTES` (10 MiB by default)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not CSV or JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid rows (`IMPORT_REJECTED`, with every problem by line), or more rows than `IMPORT_MAX_ROWS` (`TOO_MANY_ROWS`, 100,000 by default); nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/imports/{kind}")]
pub async fn import(
    req: HttpRequest,
    kind: web::Path<String>,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
    db: web::Data<DatabaseConnection>,
    authenticator: web::Data<Authenticator>,
    limits: web::Data<ImportLimits>,
) -> Result<HttpResponse, HttpError> {
    let kind = ImportKind::from_path(&kind)
        .ok_or_else(|| AppError::not_found(format!("no import of {:?}", kind.as_str())))?;
    let request = request_context(&req, &authenticator).await?;
    let actor = policy::authenticated(&request.caller)?.sub.clone();
    let body = read_capped(&req, payload, limits.max_body_bytes).await?;
    let key = match req.headers().get("idempotency-key") {
        Some(value) => {
            let key = value
                .to_str()
                .map_err(|_| AppError::bad_input("Idempotency-Key must be text"))?
                .trim()
                .to_owned();
            if key.is_empty() || key.len() > 200 {
                return Err(AppError::bad_input("Idempotency-Key must be 1–200 characters").into());
            }
            Some(key)
        }
        None => None,
    };
    let endpoint = format!("POST {}", req.path());
    let idempotency = key.map(|key| Idempotency {
        digest: idempotency::digest(&endpoint, req.query_string(), &body),
        key,
        endpoint,
    });
    if let Some(idem) = &idempotency
        && let Some(replay) =
            idempotency::find(db.get_ref(), &actor, &idem.key, &idem.digest).await?
    {
        return Ok(replayed(replay));
    }
    // Parsing is plain CPU work: off the HTTP worker, which serves other connections.
    let (media, charset, max_rows) = (media_type(&req), charset(&req), limits.max_rows);
    let started = std::time::Instant::now();
    let parsed =
        web::block(move || imports::parse(kind, &body, &media, charset.as_deref(), max_rows))
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
    tracing::debug!(
        parse_ms = started.elapsed().as_millis() as u64,
        rows = parsed.as_ref().map_or(0, Vec::len),
        "import parsed"
    );
    let outcome = match parsed {
        Ok(records) => {
            imports::run(
                db.get_ref(),
                &request,
                kind,
                records,
                query.dry_run,
                idempotency.as_ref(),
            )
            .await
        }
        Err(failure) => Err(failure),
    };
    match outcome {
        Ok(report) => Ok(HttpResponse::Ok().json(report)),
        Err(ImportFailure::Rejected(errors)) => Ok(rejected(errors)),
        Err(ImportFailure::TooManyRows { limit }) => Ok(too_many_rows(limit)),
        Err(ImportFailure::Refused(err)) => {
            // A concurrent request with the same key may have won the race: replay it.
            if let (AppError::Internal(_) | AppError::Contention(_), Some(idem)) =
                (&err, &idempotency)
                && let Some(replay) =
                    idempotency::find(db.get_ref(), &actor, &idem.key, &idem.digest).await?
            {
                return Ok(replayed(replay));
            }
            Err(err.into())
        }
    }
}
