//! A panic in a handler never reaches a client: it is caught, logged with the request
//! id, and answered 500 with that id; the worker lives on.

use crate::http::request_log::RequestId;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse};
use async_graphql::futures_util::FutureExt;
use serde_json::json;
use std::panic::AssertUnwindSafe;

/// The middleware; it must run inside the request log, which assigns the request id.
pub async fn catch_panics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(result) => result.map(ServiceResponse::map_into_boxed_body),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            tracing::error!(request_id = ?request_id, panic = %message, "a handler panicked");
            let mut response = HttpResponse::InternalServerError()
                .content_type("application/problem+json")
                .json(json!({
                    "type": "urn:cemr-api:problem:internal-server-error",
                    "title": "Internal Server Error",
                    "status": 500,
                    "detail": "internal server error",
                    "code": "INTERNAL_SERVER_ERROR",
                    "request_id": request_id,
                }));
            crate::http::metrics::tag_errors(&mut response, ["INTERNAL_SERVER_ERROR".to_owned()]);
            // The request moved into the handler that panicked; the outer middlewares only
            // need the response (they captured method and path before).
            let request = actix_web::test::TestRequest::default().to_http_request();
            Ok(ServiceResponse::new(request, response))
        }
    }
}
