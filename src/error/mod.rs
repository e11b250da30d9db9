//! `AppError`: the one error type of the service. Each variant knows its HTTP status and
//! its stable machine-readable code, which GraphQL puts in `extensions.code` and REST
//! in the problem document's `code`. How database errors map onto it lives in
//! `database`.

mod database;

pub use database::is_unique_violation;

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
    /// 400 `BAD_USER_INPUT` with one error per invalid field; GraphQL mutations return
    /// these as `userErrors` in their payload.
    Invalid(Vec<FieldError>),
    /// 401 `UNAUTHENTICATED`: no identity, or a token that does not verify.
    Unauthenticated(String),
    /// 403 `FORBIDDEN`: authenticated, but not allowed to do this.
    Forbidden(String),
    /// 409 `CONFLICT`: the record changed since it was read (stale `version`), or the
    /// write collides with existing data.
    Conflict(String),
    /// 409 `CONFLICT`: the database refused the write because a concurrent one got there
    /// first (a unique key taken meanwhile, a serialization failure or deadlock). Nothing
    /// was written; the same request can be retried. Unlike `Conflict`, it means the
    /// transaction is spent: nothing more can run in it.
    Contention(String),
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
    /// 503 `DATABASE_UNAVAILABLE`: the database does not answer (down, unreachable, no
    /// connection free in time, or its storage fails). Retrying later can succeed.
    Unavailable(String),
    /// 503 `STORAGE_FULL`: the database's disk (or its configured size cap) is full;
    /// nothing was written. Reads go on; writes succeed again once space returns.
    StorageFull(String),
    /// 503 `DATABASE_READ_ONLY`: the database accepts reads only (a read-only file or
    /// a standby server); nothing was written.
    ReadOnly(String),
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

    pub fn unauthenticated() -> Self {
        Self::Unauthenticated(
            "authentication is required: send `Authorization: Bearer <token>`".into(),
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    pub fn stale(record: &str) -> Self {
        Self::Conflict(format!(
            "the {record} was changed by someone else; read it again and retry with its current version"
        ))
    }

    /// A single invalid field.
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, message)])
    }

    /// The message shown to the client.
    pub fn message(&self) -> String {
        match self {
            Self::Invalid(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field.join("."), e.message))
                .collect::<Vec<_>>()
                .join("; "),
            Self::BadInput(m)
            | Self::Unauthenticated(m)
            | Self::Forbidden(m)
            | Self::Conflict(m)
            | Self::Contention(m)
            | Self::NotFound(m)
            | Self::MethodNotAllowed(m)
            | Self::NotAcceptable(m)
            | Self::PayloadTooLarge(m)
            | Self::UnsupportedMediaType(m)
            | Self::Unavailable(m)
            | Self::StorageFull(m)
            | Self::ReadOnly(m) => m.clone(),
            Self::Internal(_) => "internal server error".to_owned(),
        }
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput(_) | Self::Invalid(_) => "BAD_USER_INPUT",
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Conflict(_) | Self::Contention(_) => "CONFLICT",
            Self::NotFound(_) => "NOT_FOUND",
            Self::MethodNotAllowed(_) => "METHOD_NOT_ALLOWED",
            Self::NotAcceptable(_) => "NOT_ACCEPTABLE",
            Self::PayloadTooLarge(_) => "PAYLOAD_TOO_LARGE",
            Self::UnsupportedMediaType(_) => "UNSUPPORTED_MEDIA_TYPE",
            Self::Unavailable(_) => "DATABASE_UNAVAILABLE",
            Self::StorageFull(_) => "STORAGE_FULL",
            Self::ReadOnly(_) => "DATABASE_READ_ONLY",
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadInput(_) | Self::Invalid(_) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict(_) | Self::Contention(_) => StatusCode::CONFLICT,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable(_) | Self::StorageFull(_) | Self::ReadOnly(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
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

/// The codes of errors that say the database cannot serve the request now (503): the
/// GraphQL handler answers 503 when one of them leaves no data.
pub const UNAVAILABLE_CODES: [&str; 3] =
    ["DATABASE_UNAVAILABLE", "STORAGE_FULL", "DATABASE_READ_ONLY"];

/// How long a client should wait before retrying a 503, in seconds (`Retry-After`).
pub const RETRY_AFTER_SECS: u64 = 2;

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        database::to_app_error(err)
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        Self::Internal(err)
    }
}

/// For the command line and start-up, which report errors through `anyhow`.
impl From<AppError> for anyhow::Error {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Internal(cause) => cause,
            other => anyhow::anyhow!("{}: {}", other.code(), other.message()),
        }
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
        let mut builder = HttpResponse::build(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            builder.insert_header(("retry-after", RETRY_AFTER_SECS.to_string()));
        }
        let mut response = builder
            .content_type("application/problem+json")
            .json(json!({
                "type": format!("urn:cemr-api:problem:{}", err.code().to_lowercase().replace('_', "-")),
                "title": status.canonical_reason().unwrap_or("Error"),
                "status": status.as_u16(),
                "detail": err.message(),
                "code": err.code(),
                "errors": match err { AppError::Invalid(errors) => json!(errors), _ => json!([]) },
            }));
        crate::http::metrics::tag_errors(&mut response, [err.code().to_owned()]);
        response
    }
}

/// One invalid input field, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The path of the field in the input, e.g. `["input", "signedOn"]`.
    pub field: Vec<String>,
    pub message: String,
    /// `REQUIRED`, `INVALID`, `IN_FUTURE`, `BEFORE_CHARTER`, `OUT_OF_RANGE`, `NOT_FOUND`,
    /// `DUPLICATE`, `ORDER`.
    pub code: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.split('.').map(str::to_owned).collect(),
            message: message.into(),
            code: code.to_owned(),
        }
    }
}

/// Result of a service operation.
pub type AppResult<T> = Result<T, AppError>;
