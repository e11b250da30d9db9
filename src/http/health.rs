//! Liveness and readiness probes for load balancers and orchestrators.

use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde_json::json;

/// `GET /healthz`: the process is alive and serving HTTP. Never touches the database, so
/// a database outage does not get healthy replicas restarted.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Whether this replica takes traffic; turned off when shutdown begins.
#[derive(Debug, Clone)]
pub struct Readiness(pub std::sync::Arc<std::sync::atomic::AtomicBool>);

/// `GET /readyz`: the database answers and the replica is not shutting down; 503
/// otherwise, so the load balancer stops routing to this replica.
pub async fn readyz(
    db: web::Data<DatabaseConnection>,
    readiness: web::Data<Readiness>,
) -> HttpResponse {
    if !readiness.0.load(std::sync::atomic::Ordering::SeqCst) {
        return HttpResponse::ServiceUnavailable()
            .json(json!({ "status": "unavailable", "reason": "shutting down" }));
    }
    match db.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ready" })),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .json(json!({ "status": "unavailable", "reason": "database" }))
        }
    }
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
