//! What the OpenAPI document says of every operation alike, and the document as the
//! committed `openapi.json` holds it (`cemr-api export-openapi`).

use utoipa::Modify;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{
    Content, ObjectBuilder, Ref, RefOr, Required, Response, ResponseBuilder, Type,
};

/// Adds what the edge answers before a handler runs and handlers do not declare: 400
/// for a NUL byte in the URL on every operation, the `If-None-Match` header where a
/// 304 is documented, and read-your-writes (`Min-Position` on every operation, with its
/// 412 and 503; `Feed-Position` on the successes of writes). 401 and 429 are
/// admission's, added beside this.
pub struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                operation
                    .responses
                    .responses
                    .entry("400".into())
                    .or_insert_with(|| {
                        RefOr::T(problem(
                            "Invalid parameters, or a NUL byte (%00) in the URL",
                        ))
                    });
                if operation.responses.responses.contains_key("304") {
                    operation
                        .parameters
                        .get_or_insert_with(Vec::new)
                        .push(RefOr::T(if_none_match()));
                }
                read_your_writes(operation);
            }
            // Only writes commit changes, so only their answers carry a position.
            for operation in [&mut item.post, &mut item.put, &mut item.delete]
                .into_iter()
                .flatten()
            {
                feed_position(operation);
            }
        }
    }
}

/// `Min-Position` and what it can answer: the feed middleware serves every route.
fn read_your_writes(operation: &mut Operation) {
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::T(
            ParameterBuilder::new()
                .name("Min-Position")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Read your writes on any replica: the `Feed-Position` a write answered. \
                     The request waits (up to 5 s) until this replica has applied that \
                     position. A whole number, not negative (400 otherwise); \
                     `Feed-Position` is accepted in its place",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some("^[0-9]+$")),
                ))
                .example(Some(serde_json::json!("0")))
                .build(),
        ));
    let responses = &mut operation.responses.responses;
    responses.entry("412".into()).or_insert_with(|| {
        RefOr::T(problem(
            "`POSITION_NOT_COMMITTED`: no change has reached the `Min-Position` asked for",
        ))
    });
    let behind = "`FEED_BEHIND`: this replica has not applied the `Min-Position` asked for \
                  within 5 s; `Retry-After` says when to retry";
    match responses.get_mut("503") {
        Some(RefOr::T(unavailable)) => {
            unavailable.description = format!("{}; or {behind}", unavailable.description);
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            responses.insert("503".into(), RefOr::T(problem(behind)));
        }
    }
}

/// The `Feed-Position` header on every success of a write.
fn feed_position(operation: &mut Operation) {
    let header = HeaderBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[0-9]+$")),
        ))
        .description(Some(
            "Present when the request committed changes: the change feed position of its \
             last change, already applied on this replica. Send it as `Min-Position` to \
             read this write on another replica",
        ))
        .build();
    for (status, response) in operation.responses.responses.iter_mut() {
        if let (true, RefOr::T(response)) = (status.starts_with('2'), response) {
            response
                .headers
                .insert("Feed-Position".into(), RefOr::T(header.clone()));
        }
    }
}

/// A response whose body is a problem document.
fn problem(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
}

fn if_none_match() -> Parameter {
    ParameterBuilder::new()
        .name("If-None-Match")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "The ETag of a copy the client holds: 304 without a body when it is current",
        ))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

/// The document as `export-openapi` prints it and `openapi.json` holds it.
pub fn openapi_json() -> Result<String, serde_json::Error> {
    let mut text = super::document().to_pretty_json()?;
    text.push('\n');
    Ok(text)
}
