//! Liveness and readiness probes for load balancers and orchestrators, and the gate that
//! turns API requests away at once while the database is down.

use crate::db::health::{Availability, DatabaseHealth, PROBE_TIMEOUT};
use crate::error::{AppError, HttpError, RETRY_AFTER_SECS};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError, web};
use serde_json::json;

/// `GET /healthz`: the process is alive and serving HTTP. Never touches the database, so
/// a database outage does not get healthy replicas restarted.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Whether this replica takes traffic; turned off when shutdown begins.
#[derive(Debug, Clone)]
pub struct Readiness(pub std::sync::Arc<std::sync::atomic::AtomicBool>);

/// `GET /readyz`: 200 when the replica is not shutting down and the database answers and
/// takes writes; 503 otherwise, within a second (the probe's own timeout, on a connection
/// outside the pool), so the load balancer stops routing to this replica. A read-only
/// database is not ready: the replica could not take writes.
pub async fn readyz(
    health: web::Data<DatabaseHealth>,
    readiness: web::Data<Readiness>,
) -> HttpResponse {
    if !readiness.0.load(std::sync::atomic::Ordering::SeqCst) {
        return unavailable("shutting down");
    }
    match health.check(PROBE_TIMEOUT).await {
        Availability::Ready => HttpResponse::Ok().json(json!({ "status": "ready" })),
        Availability::ReadOnly => unavailable("database read-only"),
        Availability::Unavailable => unavailable("database unavailable"),
    }
}

fn unavailable(reason: &str) -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS.to_string()))
        .json(json!({ "status": "unavailable", "reason": reason }))
}

/// Turns API requests away at once with 503 `DATABASE_UNAVAILABLE` while the database
/// monitor finds the database down, instead of letting each wait for a connection. Probes,
/// metrics, the OpenAPI document and GraphiQL need no database and pass.
pub async fn gate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let path = req.path();
    let needs_database = (path == "/graphql" || path.starts_with("/api/v1/"))
        && path != "/api/v1/openapi.json"
        && !path.starts_with("/api/v1/docs");
    let down = req
        .app_data::<web::Data<DatabaseHealth>>()
        .is_some_and(|health| health.last() == Availability::Unavailable);
    if needs_database && down {
        let message = "the database is not available at the moment; retry shortly";
        let response = if path == "/graphql" {
            HttpResponse::ServiceUnavailable()
                .insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS.to_string()))
                .content_type("application/json")
                .json(json!({
                    "errors": [{ "message": message, "extensions": { "code": "DATABASE_UNAVAILABLE" } }]
                }))
        } else {
            HttpError(AppError::Unavailable(message.into())).error_response()
        };
        metrics::counter!("errors_total", "code" => "DATABASE_UNAVAILABLE").increment(1);
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Asks a running service's `/healthz` over plain HTTP/1.0; errors unless it answers 200.
pub fn probe(bind: &str) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpStream};
    use std::time::Duration;
    let mut addr: SocketAddr = bind.parse()?;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(3))?;
    stream.set_read_timeout(Some(Duration::from_secs(3)))?;
    stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let status_line = answer.lines().next().unwrap_or_default();
    anyhow::ensure!(status_line.contains(" 200 "), "unhealthy: {status_line}");
    Ok(())
}
