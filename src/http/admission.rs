//! Admission of every request but the probes and `/metrics`: who is calling (a present
//! credential that does not verify answers 401 on every route, public reads included),
//! and whether the caller's budget holds the request (429 with `Retry-After`).
//!
//! The order matters against abuse: a credential's form and a JWT's signature are
//! checked first, without the database; a failure is charged to the client address, so
//! invented tokens share the address's bucket; an API token this replica has not seen
//! verify must find room in that bucket before it costs a lookup. Only then is the
//! request charged to the verified identity. Handlers read the outcome (`Admitted`).

use crate::auth::Caller;
use crate::auth::identify::{Authenticator, Presented};
use crate::error::{AppError, AppResult, HttpError};
use crate::http::metrics::tag_errors;
use crate::http::rate_limit::buckets::Wait;
use crate::http::rate_limit::{self, Budget, ClientAddress, Limiter, cost};
use crate::http::request_log::RequestId;
use crate::services::writing::RequestContext;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use serde_json::json;

/// What admission needs, built once at start-up.
pub struct Admission {
    pub authenticator: Authenticator,
    /// None when rate limiting is off.
    pub limiter: Option<web::Data<Limiter>>,
    /// Take the client address from the proxy's forwarding headers.
    pub trust_forwarded: bool,
}

/// What admission learned about a request, for its handler.
#[derive(Clone)]
pub struct Admitted {
    pub caller: Caller,
    pub address: ClientAddress,
    /// The caller's budget, to take what the request costs beyond its first unit.
    pub budget: Option<Budget>,
}

/// The admission of a request, if it went through admission.
pub fn admitted(req: &HttpRequest) -> Option<Admitted> {
    req.extensions().get::<Admitted>().cloned()
}

/// The caller and request id of a request (identified here if admission did not run).
pub async fn request_context(
    req: &HttpRequest,
    authenticator: &Authenticator,
) -> AppResult<RequestContext> {
    let caller = match admitted(req) {
        Some(admitted) => admitted.caller,
        None => authenticator.identify(authorization(req.headers())).await?,
    };
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    Ok(RequestContext::new(caller, request_id))
}

/// The `Authorization` header; one that is not text counts as present and invalid.
fn authorization(headers: &header::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}"))
}

/// Why a request was not admitted.
enum Refusal {
    Unauthenticated(String),
    Limited(Wait),
    Failed(AppError),
}

/// The middleware.
pub async fn admit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let exempt = matches!(req.path(), "/healthz" | "/readyz" | "/metrics");
    let admission = req.app_data::<web::Data<Admission>>().cloned();
    let Some(admission) = admission.filter(|_| !exempt) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let address = ClientAddress::of(req.headers(), req.peer_addr(), admission.trust_forwarded);
    let address_key = rate_limit::address_key(&address);
    let limiter = admission.limiter.as_ref().map(|l| l.get_ref());
    let outcome = identify(
        &admission,
        limiter,
        authorization(req.headers()),
        &address_key,
    )
    .await;
    let caller = match outcome {
        Ok(caller) => caller,
        Err(refusal) => {
            let response = refuse(req.request(), refusal);
            return Ok(req.into_response(response).map_into_right_body());
        }
    };
    let budget = admission.limiter.clone().map(|limiter| {
        let key = caller
            .principal()
            .map_or(address_key, rate_limit::identity_key);
        Budget::new(limiter, key)
    });
    if let Some(budget) = &budget
        && let Err(wait) = budget.take(route_cost(&req))
    {
        let response = refuse(req.request(), Refusal::Limited(wait));
        return Ok(req.into_response(response).map_into_right_body());
    }
    req.extensions_mut().insert(Admitted {
        caller,
        address,
        budget,
    });
    Ok(next.call(req).await?.map_into_left_body())
}

/// What a request costs before its handler looks inside it.
fn route_cost(req: &ServiceRequest) -> u32 {
    if req.method() == Method::POST && req.path().starts_with("/api/v1/imports/") {
        cost::IMPORT
    } else {
        cost::REQUEST
    }
}

async fn identify(
    admission: &Admission,
    limiter: Option<&Limiter>,
    header: Option<&str>,
    address_key: &str,
) -> Result<Caller, Refusal> {
    let Some(header) = header else {
        return Ok(Caller::Anonymous);
    };
    // A credential that fails costs its address; an address out of room is told to wait.
    let failed = |err: AppError| match err {
        AppError::Unauthenticated(message) => {
            match limiter.map(|l| l.buckets().take(address_key, cost::BAD_CREDENTIAL)) {
                Some(Err(wait)) => Refusal::Limited(wait),
                _ => Refusal::Unauthenticated(message),
            }
        }
        other => Refusal::Failed(other),
    };
    let presented = admission.authenticator.present(header).map_err(failed)?;
    let digest = match &presented {
        Presented::ApiToken { digest } => Some(digest.clone()),
        Presented::Jwt(_) => None,
    };
    if let (Some(digest), Some(limiter)) = (&digest, limiter)
        && !limiter.is_known_token(digest)
    {
        limiter
            .buckets()
            .peek(address_key, cost::BAD_CREDENTIAL)
            .map_err(Refusal::Limited)?;
    }
    let resolved = admission.authenticator.resolve(presented).await;
    if let (Some(digest), Some(limiter)) = (&digest, limiter) {
        limiter.note_token(digest, resolved.is_ok());
    }
    resolved.map(Caller::Authenticated).map_err(failed)
}

/// The answer to a refused request: GraphQL's error shape on `/graphql`, a problem
/// document elsewhere.
fn refuse(req: &HttpRequest, refusal: Refusal) -> HttpResponse {
    let retry_after = match &refusal {
        Refusal::Limited(wait) => Some(wait.secs()),
        _ => None,
    };
    let (status, code, message) = match &refusal {
        Refusal::Unauthenticated(message) => {
            (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message.clone())
        }
        Refusal::Limited(wait) => (
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            format!("too many requests; retry after {} s", wait.secs()),
        ),
        Refusal::Failed(err) => (err.status(), err.code(), err.message()),
    };
    let mut response = if req.path() == "/graphql" {
        if let Refusal::Failed(AppError::Internal(cause)) = &refusal {
            tracing::error!(error = ?cause, "internal error");
        }
        graphql_error(req, status, code, &message)
    } else {
        match refusal {
            Refusal::Failed(err) => HttpError(err).error_response(),
            Refusal::Unauthenticated(message) => {
                HttpError(AppError::Unauthenticated(message)).error_response()
            }
            Refusal::Limited(_) => {
                let mut response = HttpResponse::TooManyRequests()
                    .content_type("application/problem+json")
                    .json(json!({
                        "type": "urn:cemr-api:problem:rate-limited",
                        "title": "Too Many Requests",
                        "status": 429,
                        "detail": message,
                        "code": code,
                        "errors": [],
                    }));
                tag_errors(&mut response, [code.to_owned()]);
                response
            }
        }
    };
    let headers = response.headers_mut();
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    if let Some(secs) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// A GraphQL-shaped error response, in the media type the client accepts.
pub fn graphql_error(
    req: &HttpRequest,
    status: StatusCode,
    code: &str,
    message: &str,
) -> HttpResponse {
    let accepts_graphql = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/graphql-response+json"));
    let content_type = if accepts_graphql {
        "application/graphql-response+json; charset=utf-8"
    } else {
        "application/json; charset=utf-8"
    };
    let mut response = HttpResponse::build(status)
        .content_type(content_type)
        .json(json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }));
    tag_errors(&mut response, [code.to_owned()]);
    response
}
