//! JSON answers for unknown routes and for malformed path, query or JSON input, so no
//! client ever gets actix's plain-text errors.

use crate::error::{AppError, HttpError};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

/// The default service: 404 with a problem document naming the route.
pub async fn fallback(req: HttpRequest) -> HttpResponse {
    response(&format!("no route for {} {}", req.method(), req.path()))
}

/// A 404 problem document.
pub fn response(detail: &str) -> HttpResponse {
    HttpError(AppError::not_found(detail)).error_response()
}

/// Extractor configurations whose errors become 400 problem documents.
pub fn extractor_errors(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .error_handler(|err, _| HttpError(AppError::bad_input(err.to_string())).into()),
    )
    .app_data(
        web::QueryConfig::default()
            .error_handler(|err, _| HttpError(AppError::bad_input(err.to_string())).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|err, _| HttpError(AppError::bad_input(err.to_string())).into()),
    );
}
