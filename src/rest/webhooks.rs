//! `/webhooks`: regional systems register the endpoints they want the register's
//! changes POSTed to (the same service as GraphQL's `createWebhook` and friends).

use super::listing::{Problem, request_context};
use crate::auth::identify::Authenticator;
use crate::error::{AppError, AppResult, HttpError};
use crate::http::body::{media_type, read_capped};
use crate::services::organisations;
use crate::webhooks::Rules;
use crate::webhooks::registry::{self, WebhookChanges, WebhookSpec, decode_list};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use entity::webhook;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

/// The largest registration body.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// A webhook and how its deliveries go. The signing secret is never part of it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookDto {
    pub id: i32,
    pub name: String,
    pub url: String,
    /// The owning organisation; null for an administrators' webhook of the whole register.
    pub organisation_code: Option<String>,
    /// Record types sent; empty: every type the owner may read.
    pub record_types: Vec<String>,
    /// CREATED, UPDATED, DELETED, NOTED, RELOADED; empty: all.
    pub change_kinds: Vec<String>,
    pub organisation_codes: Vec<String>,
    pub county_codes: Vec<String>,
    /// ACTIVE, or PAUSED after repeated failures.
    pub status: String,
    pub paused_reason: Option<String>,
    pub paused_at: Option<DateTime<Utc>>,
    /// Failed attempts in a row.
    pub failure_count: i32,
    pub last_delivery_at: Option<DateTime<Utc>>,
    pub last_delivery_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// The change feed position it is done with.
    pub delivered_through: i64,
    pub secret_rotated_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// For `PATCH`.
    pub version: i32,
}

/// A webhook with its signing secret, shown this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookWithSecret {
    /// `whsec_` and the base64 key: verify `webhook-signature` with it. Store it now.
    pub secret: String,
    pub webhook: WebhookDto,
}

/// A webhook to register.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    pub name: String,
    /// An https URL on the public internet.
    pub url: String,
    /// A member's own organisation by default; administrators may name any, or none.
    pub organisation_code: Option<String>,
    #[serde(default)]
    pub record_types: Vec<String>,
    #[serde(default)]
    pub change_kinds: Vec<String>,
    #[serde(default)]
    pub organisation_codes: Vec<String>,
    #[serde(default)]
    pub county_codes: Vec<String>,
}

/// Changes to a webhook; fields left out stay.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookUpdate {
    /// The webhook's current version.
    pub version: i32,
    pub name: Option<String>,
    pub url: Option<String>,
    pub record_types: Option<Vec<String>>,
    pub change_kinds: Option<Vec<String>>,
    pub organisation_codes: Option<Vec<String>>,
    pub county_codes: Option<Vec<String>>,
}

async fn represent(
    db: &DatabaseConnection,
    hooks: Vec<webhook::Model>,
) -> AppResult<Vec<WebhookDto>> {
    let ids: Vec<i32> = hooks.iter().filter_map(|h| h.organisation_id).collect();
    let owners = organisations::by_ids(db, ids).await?;
    Ok(hooks
        .into_iter()
        .map(|h| WebhookDto {
            id: h.id,
            organisation_code: h
                .organisation_id
                .and_then(|id| owners.iter().find(|o| o.id == id))
                .map(|o| o.code.clone()),
            record_types: decode_list(&h.record_types),
            change_kinds: decode_list(&h.change_kinds),
            organisation_codes: decode_list(&h.organisation_codes),
            county_codes: decode_list(&h.county_codes),
            failure_count: h.consecutive_failures,
            delivered_through: h.cursor,
            name: h.name,
            url: h.url,
            status: h.status,
            paused_reason: h.paused_reason,
            paused_at: h.paused_at,
            last_delivery_at: h.last_delivery_at,
            last_delivery_status: h.last_delivery_status,
            last_error: h.last_error,
            last_success_at: h.last_success_at,
            secret_rotated_at: h.secret_rotated_at,
            created_by: h.created_by,
            created_at: h.created_at,
            updated_at: h.updated_at,
            version: h.version,
        })
        .collect())
}

async fn one_dto(db: &DatabaseConnection, hook: webhook::Model) -> AppResult<WebhookDto> {
    represent(db, vec![hook])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a webhook went missing")))
}

/// Reads a JSON body under the cap.
async fn json_body<T: for<'de> Deserialize<'de>>(
    req: &HttpRequest,
    payload: web::Payload,
) -> AppResult<T> {
    if media_type(req) != "application/json" {
        return Err(AppError::UnsupportedMediaType(
            "send the webhook as application/json".into(),
        ));
    }
    let body = read_capped(req, payload, MAX_BODY_BYTES).await?;
    serde_json::from_slice(&body)
        .map_err(|e| AppError::bad_input(format!("invalid JSON body: {e}")))
}

/// Webhooks the caller may see: all for administrators, its organisation's for a member.
#[utoipa::path(
    tag = "webhooks",
    responses(
        (status = 200, description = "The webhooks", body = Vec<WebhookDto>),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Researchers have no webhooks", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    authenticator: web::Data<Authenticator>,
) -> Result<HttpResponse, HttpError> {
    let request = request_context(&req, &authenticator).await?;
    let hooks = registry::visible(db.get_ref(), &request).await?;
    Ok(HttpResponse::Ok().json(represent(&db, hooks).await?))
}

/// Registers a webhook. The answer carries its signing secret, this once.
#[utoipa::path(
    tag = "webhooks",
    request_body(content = WebhookRequest, content_type = "application/json", example = json!({
        "name": "Region Örebro län", "url": "https://hooks.example.se/cemr",
        "record_types": ["Signature", "ActionPlan"], "county_codes": ["18"]
    })),
    responses(
        (status = 201, description = "Registered; the secret is shown this once", body = WebhookWithSecret),
        (status = 400, description = "Invalid fields (`errors` names each: `INSECURE_URL`, `FORBIDDEN_TARGET`, `NOT_READABLE`, `LIMIT_EXCEEDED`, `NOT_FOUND`, `INVALID`, …)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed for that organisation", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks")]
pub async fn create_webhook(
    req: HttpRequest,
    payload: web::Payload,
    db: web::Data<DatabaseConnection>,
    authenticator: web::Data<Authenticator>,
    rules: web::Data<Rules>,
) -> Result<HttpResponse, HttpError> {
    let request = request_context(&req, &authenticator).await?;
    let body: WebhookRequest = json_body(&req, payload).await?;
    let spec = WebhookSpec {
        name: body.name,
        url: body.url,
        organisation_code: body.organisation_code,
        record_types: body.record_types,
        change_kinds: body.change_kinds,
        organisation_codes: body.organisation_codes,
        county_codes: body.county_codes,
    };
    let (secret, hook) = registry::create(db.get_ref(), &request, &rules, spec).await?;
    let location = format!("/api/v1/webhooks/{}", hook.id);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(WebhookWithSecret {
            secret,
            webhook: one_dto(&db, hook).await?,
        }))
}

/// One webhook.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i32, Path, description = "The webhook's id", example = 1)),
    responses(
        (status = 200, description = "The webhook", body = WebhookDto),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook the caller may see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    req: HttpRequest,
    id: web::Path<i32>,
    db: web::Data<DatabaseConnection>,
    authenticator: web::Data<Authenticator>,
) -> Result<HttpResponse, HttpError> {
    let request = request_context(&req, &authenticator).await?;
    let hook = registry::one(db.get_ref(), &request, *id).await?;
    Ok(HttpResponse::Ok().json(one_dto(&db, hook).await?))
}

/// Changes a webhook's name, URL or filter; `version` must be current.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i32, Path, description = "The webhook's id", example = 1)),
    request_body(content = WebhookUpdate, content_type = "application/json", example = json!({
        "version": 1, "name": "Region Örebro län: action plans", "record_types": ["ActionPlan"]
    })),
    responses(
        (status = 200, description = "Changed", body = WebhookDto),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    req: HttpRequest,
    id: web::Path<i32>,
    payload: web::Payload,
    db: web::Data<DatabaseConnection>,
    authenticator: web::Data<Authenticator>,
    rules: web::Data<Rules>,
) -> Result<HttpResponse, HttpError> {
    let request = request_context(&req, &authenticator).await?;
    let body: WebhookUpdate = json_body(&req, payload).await?;
    let changes = WebhookChanges {
        version: body.version,
        name: body.name,
        url: body.url,
        record_types: body.record_types,
        change_kinds: body.change_kinds,
        organisation_codes: body.organisation_codes,
        county_codes: body.county_codes,
    };
    let hook = registry::update(db.get_ref(), &request, &rules, *id, changes).await?;
    Ok(HttpResponse::Ok().json(one_dto(&db, hook).await?))
}

/// Deletes a webhook; nothing more is sent to it.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i32, Path, description = "The webhook's id", example = 2)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook the caller may see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    req: HttpRequest,
    id: web::Path<i32>,
    db: web::Data<DatabaseConnection>,
    authenticator: web::Data<Authenticator>,
) -> Result<HttpResponse, HttpError> {
    let request = request_context(&req, &authenticator).await?;
    registry::delete(db.get_ref(), &request, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Starts a paused webhook again, from the change that failed.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i32, Path, description = "The webhook's id", example = 3)),
    responses(
        (status = 200, description = "Resumed", body = WebhookDto),
        (status = 400, description = "The webhook is not paused", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook the caller may see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks/{id}/resume")]
pub async fn resume_webhook(
    req: HttpRequest,
    id: web::Path<i32>,
    db: web::Data<DatabaseConnection>,
    authenticator: web::Data<Authenticator>,
) -> Result<HttpResponse, HttpError> {
    let request = request_context(&req, &authenticator).await?;
    let hook = registry::resume(db.get_ref(), &request, *id).await?;
    Ok(HttpResponse::Ok().json(one_dto(&db, hook).await?))
}

/// Replaces the signing secret; the new one is in the answer, this once.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i32, Path, description = "The webhook's id", example = 1)),
    responses(
        (status = 200, description = "The new secret, shown this once", body = WebhookWithSecret),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook the caller may see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    req: HttpRequest,
    id: web::Path<i32>,
    db: web::Data<DatabaseConnection>,
    authenticator: web::Data<Authenticator>,
) -> Result<HttpResponse, HttpError> {
    let request = request_context(&req, &authenticator).await?;
    let (secret, hook) = registry::rotate_secret(db.get_ref(), &request, *id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(WebhookWithSecret {
            secret,
            webhook: one_dto(&db, hook).await?,
        }))
}
