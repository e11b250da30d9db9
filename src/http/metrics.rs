//! Prometheus metrics at `/metrics`: requests by route and status, latency histograms,
//! GraphQL operations by name, errors by code, logins by outcome, and database pool use.
//!
//! Every label set is bounded whatever clients send: routes are templates, operation
//! names are labelled only when registered (`OperationLabels`), and error codes come from
//! the service's own responses. Any response can carry its codes (`tag_errors`); this
//! middleware counts them, and an error status without codes by the status's name.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::DatabaseConnection;
use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::Instant;

const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's recorder, installed once (every application in the process shares it).
pub fn handle() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("duration_seconds".into()), BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            Some(handle)
        })
        .clone()
}

/// The error codes a response carries, counted in `errors_total`.
#[derive(Debug, Clone, Default)]
pub struct ErrorCodes(pub Vec<String>);

/// Marks a response with the codes of its errors (one per error, repeats counted).
pub fn tag_errors<B>(response: &mut HttpResponse<B>, codes: impl IntoIterator<Item = String>) {
    let mut extensions = response.extensions_mut();
    let mut tagged = extensions.remove::<ErrorCodes>().unwrap_or_default();
    tagged.0.extend(codes);
    extensions.insert(tagged);
}

/// A code as a label: the service's codes are upper-case words; anything else is
/// counted as `OTHER` so no text can grow the label set.
fn code_label(code: &str) -> String {
    let valid = !code.is_empty()
        && code.len() <= 48
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if valid {
        code.to_owned()
    } else {
        "OTHER".to_owned()
    }
}

/// The code of an error status whose response named none.
fn status_code_label(status: StatusCode) -> String {
    match status.as_u16() {
        400 => "BAD_REQUEST".into(),
        401 => "UNAUTHENTICATED".into(),
        403 => "FORBIDDEN".into(),
        404 => "NOT_FOUND".into(),
        405 => "METHOD_NOT_ALLOWED".into(),
        413 => "PAYLOAD_TOO_LARGE".into(),
        415 => "UNSUPPORTED_MEDIA_TYPE".into(),
        429 => "RATE_LIMITED".into(),
        500 => "INTERNAL_SERVER_ERROR".into(),
        503 => "UNAVAILABLE".into(),
        other => format!("HTTP_{other}"),
    }
}

/// Records every request's route, status, latency and error codes.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let response = next.call(req).await?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = response.status();
    let tagged = response
        .response()
        .extensions()
        .get::<ErrorCodes>()
        .cloned();
    let codes = match tagged {
        Some(ErrorCodes(codes)) => codes.iter().map(|c| code_label(c)).collect(),
        None if status.is_client_error() || status.is_server_error() => {
            vec![status_code_label(status)]
        }
        None => Vec::new(),
    };
    for code in codes {
        metrics::counter!("errors_total", "code" => code).increment(1);
    }
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status.as_u16().to_string()).increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    Ok(response)
}

/// The operation names that get a label of their own; every other is `other`, and an
/// operation without a name `anonymous`.
#[derive(Debug, Clone, Default)]
pub struct OperationLabels(HashSet<String>);

impl OperationLabels {
    pub fn new(names: impl IntoIterator<Item = String>) -> Self {
        Self(
            names
                .into_iter()
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .collect(),
        )
    }

    /// The label of an operation name.
    pub fn label<'a>(&'a self, name: Option<&str>) -> &'a str {
        match name {
            None => "anonymous",
            Some(name) => self.0.get(name).map_or("other", String::as_str),
        }
    }
}

/// Records one GraphQL operation under its (bounded) label.
pub fn graphql_operation(label: &str, seconds: f64) {
    metrics::counter!("graphql_operations_total", "operation" => label.to_owned()).increment(1);
    metrics::histogram!("graphql_operation_duration_seconds", "operation" => label.to_owned())
        .record(seconds);
}

fn pool_use(db: &DatabaseConnection) -> (u32, usize) {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    }
}

/// Reads one of the allocator's statistics, in bytes.
type StatRead = fn() -> tikv_jemalloc_ctl::Result<usize>;

/// The allocator's own account of the heap (jemalloc), read when scraped: `allocated` is
/// what the service's allocations hold, `active` the pages they occupy, `resident` what
/// the allocator has in memory (free pages not yet returned and its own `metadata`
/// included), `retained` address space kept unmapped for reuse. Resident memory well
/// above `allocated` after a load is the allocator's keeping, not the service's data.
fn allocator_use() {
    use tikv_jemalloc_ctl::{epoch, stats};
    // Most statistics are cached until the epoch advances.
    if epoch::advance().is_err() {
        return;
    }
    let reads: [(&'static str, StatRead); 5] = [
        ("allocated", stats::allocated::read),
        ("active", stats::active::read),
        ("resident", stats::resident::read),
        ("metadata", stats::metadata::read),
        ("retained", stats::retained::read),
    ];
    for (state, read) in reads {
        if let Ok(bytes) = read() {
            metrics::gauge!("allocator_bytes", "state" => state).set(bytes as f64);
        }
    }
}

/// `GET /metrics`.
pub async fn render(db: web::Data<DatabaseConnection>) -> HttpResponse {
    let (size, idle) = pool_use(&db);
    metrics::gauge!("db_pool_connections", "state" => "open").set(f64::from(size));
    metrics::gauge!("db_pool_connections", "state" => "idle").set(idle as f64);
    allocator_use();
    match handle() {
        Some(handle) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4")
            .body(handle.render()),
        None => HttpResponse::ServiceUnavailable().finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_registered_names_get_their_own_label() {
        let labels = OperationLabels::new(["FirstLook".to_owned(), " Map ".to_owned()]);
        assert_eq!(labels.label(Some("FirstLook")), "FirstLook");
        assert_eq!(labels.label(Some("Map")), "Map");
        assert_eq!(labels.label(Some("x9f3k")), "other");
        assert_eq!(labels.label(None), "anonymous");
    }

    #[test]
    fn codes_that_are_not_the_services_own_become_other() {
        assert_eq!(code_label("RATE_LIMITED"), "RATE_LIMITED");
        assert_eq!(code_label("rate limited\n"), "OTHER");
        assert_eq!(code_label(&"A".repeat(49)), "OTHER");
    }
}
