//! Response headers every answer carries, and CORS by configuration.

use actix_cors::Cors;
use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;

/// Security headers; a strict content security policy except on the two browser pages
/// (GraphiQL and the API docs), which load their own scripts and styles.
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let page = req.path().starts_with("/graphiql") || req.path().starts_with("/api/v1/docs");
    // The public pages load only their own stylesheet; no script runs on them.
    let public = req.path() == "/"
        || ["/counties/", "/organisations/", "/insights/"]
            .iter()
            .any(|p| req.path().starts_with(p));
    // Charts are made to be embedded in other sites' pages.
    let embeddable = req.path().starts_with("/charts/");
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    let set = |headers: &mut actix_web::http::header::HeaderMap,
               name: HeaderName,
               value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(
        headers,
        HeaderName::from_static("cross-origin-resource-policy"),
        if embeddable {
            "cross-origin"
        } else {
            "same-origin"
        },
    );
    let policy = if public {
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    } else if page {
        // GraphiQL's and Swagger UI's stylesheets embed their fonts as data: URLs.
        "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; frame-ancestors 'none'"
    } else {
        "default-src 'none'; frame-ancestors 'none'"
    };
    set(headers, header::CONTENT_SECURITY_POLICY, policy);
    Ok(response)
}

/// CORS for the configured origins only; none configured, no cross-origin access.
pub fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            HeaderName::from_static("x-request-id"),
            header::ETAG,
            header::RETRY_AFTER,
        ])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}
