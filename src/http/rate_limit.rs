//! Rate limiting per token and per client address, answering 429 with `Retry-After`.
//! Each replica counts its own requests (in memory), so the effective limit behind a load
//! balancer is the configured rate times the number of replicas; health, readiness and
//! metrics are never limited.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::num::NonZeroU32;

/// The limiter, shared by the workers of a process.
pub struct Limiter {
    limiter: DefaultKeyedRateLimiter<String>,
    trust_forwarded: bool,
}

impl Limiter {
    /// `per_minute` requests a minute per key, with bursts up to a fifth of it.
    pub fn new(per_minute: u32, trust_forwarded: bool) -> Option<Self> {
        let rate = NonZeroU32::new(per_minute)?;
        let burst = NonZeroU32::new((per_minute / 5).max(10)).unwrap_or(rate);
        Some(Self {
            limiter: RateLimiter::keyed(Quota::per_minute(rate).allow_burst(burst)),
            trust_forwarded,
        })
    }

    fn key(&self, req: &ServiceRequest) -> String {
        if let Some(credential) = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        {
            let digest: String = Sha256::digest(credential.as_bytes())
                .iter()
                .take(12)
                .map(|b| format!("{b:02x}"))
                .collect();
            return format!("token:{digest}");
        }
        let address = if self.trust_forwarded {
            req.connection_info()
                .realip_remote_addr()
                .map(str::to_owned)
        } else {
            req.peer_addr().map(|a| a.ip().to_string())
        };
        format!("address:{}", address.unwrap_or_default())
    }
}

/// The middleware.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let exempt = matches!(req.path(), "/healthz" | "/readyz" | "/metrics");
    let limiter = req.app_data::<web::Data<Limiter>>().cloned();
    if let (false, Some(limiter)) = (exempt, limiter) {
        let key = limiter.key(&req);
        if let Err(not_until) = limiter.limiter.check_key(&key) {
            let wait = not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1);
            metrics::counter!("errors_total", "code" => "RATE_LIMITED").increment(1);
            let response = HttpResponse::TooManyRequests()
                .insert_header((header::RETRY_AFTER, wait.to_string()))
                .content_type("application/problem+json")
                .json(json!({
                    "type": "urn:cemr-api:problem:rate-limited",
                    "title": "Too Many Requests",
                    "status": 429,
                    "detail": format!("too many requests; retry after {wait} s"),
                    "code": "RATE_LIMITED",
                }));
            return Ok(req.into_response(response).map_into_right_body());
        }
        if limiter.limiter.len() > 100_000 {
            limiter.limiter.retain_recent();
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}
