//! What the OpenAPI document says of every operation alike, and the document as the
//! committed `openapi.json` holds it (`cemr-api export-openapi`).

use utoipa::Modify;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{
    Content, ObjectBuilder, Ref, RefOr, Required, Response, ResponseBuilder, Type,
};

/// Adds what the edge answers before a handler runs and handlers do not declare: 400
/// for a NUL byte in the URL on every operation, and the `If-None-Match` header where a
/// 304 is documented (401 and 429 are admission's, added beside this).
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
            }
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
