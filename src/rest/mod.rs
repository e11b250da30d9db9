//! The REST integration API for regional systems, under `/api/v1`: the register as paged
//! JSON (a `next` link per page, conditional GET) and CSV, bulk imports, and the OpenAPI
//! document generated from these handlers. Errors are RFC 9457 problem documents.

pub mod action_plans;
pub mod counties;
pub mod dto;
pub mod imports;
pub mod listing;
mod openapi;
pub mod organisations;
pub mod programmes;
pub mod webhooks;

use openapi::CommonAnswers;
pub use openapi::openapi_json;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;

/// The OpenAPI document's frame; paths and schemas are collected from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "cemr-api REST integration API",
        description = "The register of the CEMR European Charter for Equality of Women and Men in Local Life in Sweden, \
for regional systems: organisations by SCB code, signatories, action plans and programmes as paged JSON and CSV, and \
bulk imports. Reads are public; imports need `Authorization: Bearer <token>`, and a token that is sent must be valid \
on every route (401 otherwise). Requests are rate-limited by cost per token or client address (429 with `Retry-After`). \
Errors are RFC 9457 problem documents.",
        version = "1"
    ),
    tags(
        (name = "reference", description = "Counties and support programmes"),
        (name = "register", description = "Organisations, signatories and action plans"),
        (name = "imports", description = "Bulk upserts, all or nothing"),
        (name = "webhooks", description = "Endpoints the register's changes are POSTed to, signed"),
    ),
    components(schemas(listing::Problem, crate::services::imports::source::RowError)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// Registers every handler under `/api/v1` on a service config, in order: CSV paths come
/// before the `{code}` paths they resemble. One list for the served routes and for the
/// document, so neither can miss a handler the other has.
macro_rules! register_handlers {
    ($cfg:expr) => {
        $cfg.service(counties::counties_csv)
            .service(counties::list_counties)
            .service(counties::get_county)
            .service(organisations::organisations_csv)
            .service(organisations::list_organisations)
            .service(organisations::get_organisation)
            .service(organisations::signatories_csv)
            .service(organisations::list_signatories)
            .service(organisations::get_signatory)
            .service(action_plans::action_plans_csv)
            .service(action_plans::list_action_plans)
            .service(action_plans::get_action_plan)
            .service(programmes::programmes_csv)
            .service(programmes::list_programmes)
            .service(programmes::get_programme)
            .service(imports::import)
            .service(webhooks::list_webhooks)
            .service(webhooks::create_webhook)
            .service(webhooks::get_webhook)
            .service(webhooks::update_webhook)
            .service(webhooks::delete_webhook)
            .service(webhooks::resume_webhook)
            .service(webhooks::rotate_webhook_secret)
    };
}

/// The routes under `/api/v1` as the server runs them. Plain actix routes: collecting the
/// OpenAPI paths again in every worker's app kept a copy of the document per worker for
/// nothing (about 1.6 MiB each); the document is built once, by `document`.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    register_handlers!(cfg);
}

/// The routes as the OpenAPI document collects them.
fn documented_routes(cfg: &mut ServiceConfig) {
    register_handlers!(cfg);
}

/// The OpenAPI document of the routes, built from the handlers themselves.
pub fn document() -> utoipa::openapi::OpenApi {
    use utoipa_actix_web::AppExt;
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(documented_routes))
        .split_for_parts();
    let mut api = with_unavailable_responses(with_admission_responses(api));
    // After the paths are collected: `modifiers(…)` above runs before there are any.
    CommonAnswers.modify(&mut api);
    api
}

/// Adds the 503 every operation can answer when the database cannot serve it.
fn with_unavailable_responses(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let unavailable = ResponseBuilder::new()
        .description(
            "The database cannot serve the request now: `DATABASE_UNAVAILABLE` (down, \
             unreachable, or no connection free in time), `STORAGE_FULL` (no space left; \
             nothing was written) or `DATABASE_READ_ONLY`; `Retry-After` says when to retry",
        )
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build();
    for item in api.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            operation
                .responses
                .responses
                .entry("503".into())
                .or_insert_with(|| unavailable.clone().into());
        }
    }
    api
}

/// Adds what admission answers before any handler runs, on every operation: 401 for a
/// credential that does not verify (public reads included) and 429 over the rate limit.
fn with_admission_responses(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build()
    };
    for item in api.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let responses = &mut operation.responses.responses;
            responses.entry("401".into()).or_insert_with(|| {
                problem("A token was sent but is invalid, revoked, expired or suspended").into()
            });
            responses.entry("429".into()).or_insert_with(|| {
                problem("Over the rate limit; `Retry-After` says when to retry").into()
            });
        }
    }
    api
}
