//! A NUL byte (`%00`) in a path or query is refused at the edge with a 400: no code
//! means it, SQLite would store it and PostgreSQL refuses it in text (a 500 otherwise).

use crate::error::{AppError, HttpError};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};

/// The middleware.
pub async fn refuse_nul(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    // NUL has one percent-encoding; a literal one cannot reach a request line.
    let uri = req.uri().to_string();
    if uri.contains("%00") {
        let response =
            HttpError(AppError::bad_input("the URL contains a NUL byte (%00)")).error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}
