//! `AppError`: the one error type of the service. Each variant knows its HTTP status and
//! its stable machine-readable code, which GraphQL puts in `extensions.code` and REST
//! in the problem document's `code`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use sea_orm::DbErr;
use serde_json::json;

/// The service's error. Messages of the client-facing variants are safe to show; the
/// internal variant shows a generic message and logs its cause.
///
/// Deliberately not `Display`: async-graphql converts any `Display` error with `?` into
/// a message without `extensions.code`. Without it, the only conversion is the one
/// below, which keeps the code.
#[derive(Debug)]
pub enum AppError {
    /// 400 `BAD_USER_INPUT`: an argument or body the client must correct.
    BadInput(String),
    /// 404 `NOT_FOUND`: the addressed record or route does not exist.
    NotFound(String),
    /// 405 `METHOD_NOT_ALLOWED`: e.g. a mutation sent with GET.
    MethodNotAllowed(String),
    /// 406 `NOT_ACCEPTABLE`: no response media type the client accepts.
    NotAcceptable(String),
    /// 413 `PAYLOAD_TOO_LARGE`: the body exceeds the configured limit.
    PayloadTooLarge(String),
    /// 415 `UNSUPPORTED_MEDIA_TYPE`: a body in a content type the endpoint does not take.
    UnsupportedMediaType(String),
    /// 503 `UNAVAILABLE`: a dependency (the database) does not answer.
    Unavailable(String),
    /// 500 `INTERNAL_SERVER_ERROR`: a fault of the service; details go to the log only.
    Internal(anyhow::Error),
}

impl AppError {
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::BadInput(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }

    /// The message shown to the client.
    pub fn message(&self) -> String {
        match self {
            Self::BadInput(m)
            | Self::NotFound(m)
            | Self::MethodNotAllowed(m)
            | Self::NotAcceptable(m)
            | Self::PayloadTooLarge(m)
            | Self::UnsupportedMediaType(m)
            | Self::Unavailable(m) => m.clone(),
            Self::Internal(_) => "internal server error".to_owned(),
        }
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput(_) => "BAD_USER_INPUT",
            Self::NotFound(_) => "NOT_FOUND",
            Self::MethodNotAllowed(_) => "METHOD_NOT_ALLOWED",
            Self::NotAcceptable(_) => "NOT_ACCEPTABLE",
            Self::PayloadTooLarge(_) => "PAYLOAD_TOO_LARGE",
            Self::UnsupportedMediaType(_) => "UNSUPPORTED_MEDIA_TYPE",
            Self::Unavailable(_) => "UNAVAILABLE",
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadInput(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Logs an internal cause once, where it is turned into a client answer.
    fn log_if_internal(&self) {
        if let Self::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        Self::Internal(err.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        Self::Internal(err)
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        use async_graphql::ErrorExtensions;
        err.log_if_internal();
        async_graphql::Error::new(err.message()).extend_with(|_, ext| ext.set("code", err.code()))
    }
}

/// `AppError` at the HTTP layer: REST handlers return `Result<_, HttpError>` and use `?`
/// on service results.
#[derive(Debug)]
pub struct HttpError(pub AppError);

impl From<AppError> for HttpError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message())
    }
}

/// REST and plain HTTP errors are RFC 9457 problem documents with a stable `type`.
impl ResponseError for HttpError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        let err = &self.0;
        err.log_if_internal();
        let status = err.status();
        HttpResponse::build(status)
            .content_type("application/problem+json")
            .json(json!({
                "type": format!("urn:cemr-api:problem:{}", err.code().to_lowercase().replace('_', "-")),
                "title": status.canonical_reason().unwrap_or("Error"),
                "status": status.as_u16(),
                "detail": err.message(),
                "code": err.code(),
            }))
    }
}

/// Result of a service operation.
pub type AppResult<T> = Result<T, AppError>;
