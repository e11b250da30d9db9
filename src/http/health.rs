//! Liveness and readiness probes for load balancers and orchestrators.

use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde_json::json;

/// `GET /healthz`: the process is alive and serving HTTP. Never touches the database, so
/// a database outage does not get healthy replicas restarted.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database answers; 503 otherwise, so the load balancer stops
/// routing to this replica.
pub async fn readyz(db: web::Data<DatabaseConnection>) -> HttpResponse {
    match db.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ready" })),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .json(json!({ "status": "unavailable", "reason": "database" }))
        }
    }
}
