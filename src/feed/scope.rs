//! Read-your-writes across replicas.
//!
//! A request that committed changes answers with `Feed-Position: N` (its last change),
//! after this replica has applied N, so what the client does next here (a subscription,
//! a read) already includes its write. A client that goes to another replica sends
//! `Min-Position: N` (or `Feed-Position: N`): the request waits until that replica has
//! applied N, at most `WAIT_LIMIT`, then answers 503 `FEED_BEHIND` (retry); a position
//! no commit has reached yet answers 412 `POSITION_NOT_COMMITTED` at once. A write also
//! waits for its replica's read model to include it, so the reads that follow it are
//! served from memory.

use crate::error::{AppError, HttpError, RETRY_AFTER_SECS};
use crate::feed::{Feed, Position, event};
use crate::readmodel::ReadModel;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError, web};
use serde_json::json;
use std::cell::Cell;
use std::time::Duration;

/// The response header with the request's last committed position.
pub const FEED_POSITION: &str = "feed-position";
/// The request header asking for at least a position.
pub const MIN_POSITION: &str = "min-position";
/// How long a request waits for this replica to reach a position.
pub const WAIT_LIMIT: Duration = Duration::from_secs(5);

struct RequestScope {
    feed: Feed,
    committed: Cell<Option<Position>>,
}

tokio::task_local! {
    static SCOPE: RequestScope;
}

/// Called after a commit that sealed changes: remembers the request's last position and
/// wakes the follower (which also learns of it by notification or poll, so a commit
/// outside any request loses nothing).
pub fn committed(position: Position) {
    let _ = SCOPE.try_with(|scope| {
        let last = scope.committed.get().max(Some(position));
        scope.committed.set(last);
        scope.feed.wake();
    });
}

/// The last position the current request has committed so far, if any.
pub fn committed_so_far() -> Option<Position> {
    SCOPE.try_with(|scope| scope.committed.get()).ok().flatten()
}

/// Runs `work` in a scope that collects its commits (for work outside a request's
/// middleware, such as a WebSocket connection), waking `feed` after each.
pub async fn within<T>(feed: Feed, work: impl Future<Output = T>) -> T {
    let scope = RequestScope {
        feed,
        committed: Cell::new(None),
    };
    SCOPE.scope(scope, work).await
}

/// The middleware.
pub async fn read_your_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let Some(feed) = req
        .app_data::<web::Data<Feed>>()
        .map(|f| f.get_ref().clone())
    else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let read_model = req
        .app_data::<web::Data<Option<ReadModel>>>()
        .and_then(|m| m.get_ref().clone());
    if let Some(refusal) = wait_for_requested(&req, &feed).await {
        return Ok(req.into_response(refusal).map_into_right_body());
    }
    let scope = RequestScope {
        feed: feed.clone(),
        committed: Cell::new(None),
    };
    let (result, committed) = SCOPE
        .scope(scope, async {
            let result = next.call(req).await;
            (result, SCOPE.with(|s| s.committed.get()))
        })
        .await;
    let mut response = result?;
    if let Some(position) = committed {
        if !feed.wait_for(position, WAIT_LIMIT).await {
            tracing::warn!(%position, "the feed did not reach this request's commit in time");
        } else if let Some(model) = read_model
            && !model.wait_for(position, WAIT_LIMIT).await
        {
            // Reads stay correct (they run SQL until it does), only slower.
            tracing::warn!(%position, "the read model did not reach this request's commit in time");
        }
        response.headers_mut().insert(
            HeaderName::from_static(FEED_POSITION),
            HeaderValue::from(position.0),
        );
    }
    Ok(response.map_into_left_body())
}

/// Waits for the position the request asks for; the refusal when it cannot.
async fn wait_for_requested(req: &ServiceRequest, feed: &Feed) -> Option<HttpResponse> {
    let header = req
        .headers()
        .get(MIN_POSITION)
        .or_else(|| req.headers().get(FEED_POSITION))?;
    let Some(wanted) = header.to_str().ok().and_then(Position::parse) else {
        return Some(
            HttpError(AppError::bad_input(
                "Min-Position must be a feed position: a whole number, not negative",
            ))
            .error_response(),
        );
    };
    if feed.applied() >= wanted {
        return None;
    }
    match event::last_position(feed.db()).await {
        Ok(last) if last < wanted => {
            return Some(refusal(
                StatusCode::PRECONDITION_FAILED,
                "POSITION_NOT_COMMITTED",
                format!("no change has reached position {wanted} (the last is {last})"),
            ));
        }
        Ok(_) => {}
        Err(e) => return Some(HttpError(e).error_response()),
    }
    if feed.wait_for(wanted, WAIT_LIMIT).await {
        return None;
    }
    let mut response = refusal(
        StatusCode::SERVICE_UNAVAILABLE,
        "FEED_BEHIND",
        format!("this replica has not reached position {wanted} yet; retry"),
    );
    response.headers_mut().insert(
        actix_web::http::header::RETRY_AFTER,
        HeaderValue::from(RETRY_AFTER_SECS),
    );
    Some(response)
}

fn refusal(status: StatusCode, code: &str, detail: String) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .content_type("application/problem+json")
        .json(json!({
            "type": format!("urn:cemr-api:problem:{}", code.to_lowercase().replace('_', "-")),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": detail,
            "code": code,
            "errors": [],
        }));
    crate::http::metrics::tag_errors(&mut response, [code.to_owned()]);
    response
}
