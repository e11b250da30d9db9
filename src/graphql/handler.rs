//! GraphQL over HTTP, written against the GraphQL-over-HTTP specification rather than
//! the stock extractor, which reads bodies of any size and type and runs mutations sent
//! with GET.
//!
//! - POST takes `application/json` only (415 otherwise), under a size cap (413).
//! - GET takes queries only: a mutation over GET is refused with 405 and `Allow: POST`.
//! - The response is `application/graphql-response+json` when the client accepts it, then
//!   request errors (unparsable or invalid documents) answer 400; under
//!   `application/json` they answer 200 with `errors`. A request error has no `data`.

use crate::auth::identify::Authenticator;
use crate::graphql::loaders;
use crate::graphql::schema::AppSchema;
use crate::http::request_log::RequestId;
use crate::services::writing::RequestContext;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// What the GraphQL endpoint needs, built once at start-up.
pub struct GraphqlEndpoint {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub authenticator: Authenticator,
    pub max_body_bytes: usize,
}

/// The response media type chosen from the `Accept` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    GraphqlResponseJson,
    Json,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }
}

/// A request the endpoint refuses before execution.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }
}

/// `POST /graphql`.
pub async fn post(
    req: HttpRequest,
    payload: web::Payload,
    endpoint: web::Data<GraphqlEndpoint>,
) -> HttpResponse {
    let media = match negotiate(&req) {
        Ok(media) => media,
        Err(refusal) => return refuse(Media::Json, refusal),
    };
    let outcome = async {
        require_json_body(&req)?;
        let body = crate::http::body::read_capped(&req, payload, endpoint.max_body_bytes)
            .await
            .map_err(|e| Refusal::new(e.status(), e.code(), e.message()))?;
        let value: Value = serde_json::from_slice(&body)
            .map_err(|e| Refusal::bad_request(format!("the body is not valid JSON: {e}")))?;
        to_graphql_request(value)
    }
    .await;
    match outcome {
        Ok(request) => execute(&req, &endpoint, request, media, false).await,
        Err(refusal) => refuse(media, refusal),
    }
}

/// `GET /graphql`: queries only, parameters in the query string.
pub async fn get(req: HttpRequest, endpoint: web::Data<GraphqlEndpoint>) -> HttpResponse {
    let media = match negotiate(&req) {
        Ok(media) => media,
        Err(refusal) => return refuse(Media::Json, refusal),
    };
    match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(request) if request.query.trim().is_empty() => refuse(
            media,
            Refusal::bad_request("the `query` parameter is missing"),
        ),
        Ok(request) => execute(&req, &endpoint, request, media, true).await,
        Err(e) => refuse(
            media,
            Refusal::bad_request(format!("invalid query string: {e}")),
        ),
    }
}

async fn execute(
    req: &HttpRequest,
    endpoint: &GraphqlEndpoint,
    request: async_graphql::Request,
    media: Media,
    via_get: bool,
) -> HttpResponse {
    let document = match async_graphql::parser::parse_query(&request.query) {
        Ok(document) => document,
        Err(e) => {
            return request_error(
                media,
                vec![
                    json!({ "message": e.to_string(), "extensions": { "code": "GRAPHQL_PARSE_FAILED" } }),
                ],
            );
        }
    };
    if via_get && is_mutation(&document.operations, request.operation_name.as_deref()) {
        let mut response = refuse(
            media,
            Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                "mutations must be sent with POST",
            ),
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    // A token that is present but does not verify is refused, never read as anonymous.
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let caller = match endpoint.authenticator.identify(authorization).await {
        Ok(caller) => caller,
        Err(err) => {
            let mut response = refuse(media, Refusal::new(err.status(), err.code(), err.message()));
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            return response;
        }
    };
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    let context = RequestContext::new(caller, request_id);
    let request = request
        .data(loaders::for_request(endpoint.db.clone(), context.clone()))
        .data(context);
    let response = endpoint.schema.execute(request).await;
    let is_request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if is_request_error {
        let errors = response.errors.iter().map(with_validation_code).collect();
        return request_error(media, errors);
    }
    HttpResponse::Ok()
        .content_type(media.content_type())
        .json(&response)
}

/// Whether the operation that would run is a mutation (or a subscription, which is not
/// served over GET either).
fn is_mutation(operations: &DocumentOperations, name: Option<&str>) -> bool {
    let ty = match operations {
        DocumentOperations::Single(op) => Some(op.node.ty),
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops
                .iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, op)| op.node.ty),
            None if ops.len() == 1 => ops.values().next().map(|op| op.node.ty),
            None => None,
        },
    };
    matches!(
        ty,
        Some(OperationType::Mutation | OperationType::Subscription)
    )
}

fn negotiate(req: &HttpRequest) -> Result<Media, Refusal> {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(Media::Json);
    };
    let mut best: Option<(f32, u8, Media)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let range = parts.next().unwrap_or_default().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        // The explicit GraphQL media type wins ties; wildcards get the legacy JSON type.
        let candidate = match range.as_str() {
            GRAPHQL_RESPONSE_JSON => (2, Media::GraphqlResponseJson),
            JSON => (1, Media::Json),
            "application/*" | "*/*" => (0, Media::Json),
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(bq, bp, _)| q > bq || (q == bq && candidate.0 > bp)) {
            best = Some((q, candidate.0, candidate.1));
        }
    }
    best.map(|(_, _, media)| media).ok_or_else(|| {
        Refusal::new(
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            format!("responses are {GRAPHQL_RESPONSE_JSON} or {JSON}"),
        )
    })
}

fn require_json_body(req: &HttpRequest) -> Result<(), Refusal> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == JSON {
        Ok(())
    } else {
        Err(Refusal::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "POST bodies must be application/json",
        ))
    }
}

/// Checks the shape of a GraphQL-over-HTTP request body and converts it.
fn to_graphql_request(value: Value) -> Result<async_graphql::Request, Refusal> {
    let Value::Object(map) = &value else {
        return Err(Refusal::bad_request(
            "the body must be a JSON object with a `query`",
        ));
    };
    match map.get("query") {
        Some(Value::String(q)) if !q.trim().is_empty() => {}
        Some(Value::String(_)) | None => return Err(Refusal::bad_request("`query` is missing")),
        Some(_) => return Err(Refusal::bad_request("`query` must be a string")),
    }
    for (key, allowed) in [
        ("operationName", "a string"),
        ("variables", "an object"),
        ("extensions", "an object"),
    ] {
        let ok = matches!(
            (key, map.get(key)),
            (_, None | Some(Value::Null))
                | ("operationName", Some(Value::String(_)))
                | ("variables" | "extensions", Some(Value::Object(_)))
        );
        if !ok {
            return Err(Refusal::bad_request(format!(
                "`{key}` must be {allowed} or null"
            )));
        }
    }
    serde_json::from_value(value).map_err(|e| Refusal::bad_request(format!("invalid request: {e}")))
}

/// A request error as JSON, coded `GRAPHQL_VALIDATION_FAILED` unless it carries a code.
fn with_validation_code(error: &async_graphql::ServerError) -> Value {
    let mut value = serde_json::to_value(error).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        let extensions = map.entry("extensions").or_insert_with(|| json!({}));
        if let Value::Object(ext) = extensions {
            ext.entry("code")
                .or_insert_with(|| json!("GRAPHQL_VALIDATION_FAILED"));
        }
    }
    value
}

/// A GraphQL request error: no `data`, 400 under the GraphQL media type.
fn request_error(media: Media, errors: Vec<Value>) -> HttpResponse {
    let status = match media {
        Media::GraphqlResponseJson => StatusCode::BAD_REQUEST,
        Media::Json => StatusCode::OK,
    };
    HttpResponse::build(status)
        .content_type(media.content_type())
        .json(json!({ "errors": errors }))
}

/// A request refused at the HTTP level, answered with a GraphQL-shaped error body.
fn refuse(media: Media, refusal: Refusal) -> HttpResponse {
    HttpResponse::build(refusal.status)
        .content_type(media.content_type())
        .json(json!({ "errors": [{ "message": refusal.message, "extensions": { "code": refusal.code } }] }))
}

/// Methods other than GET and POST on `/graphql`.
pub async fn other_method(method: Method) -> HttpResponse {
    let mut response = refuse(
        Media::Json,
        Refusal::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            format!("{method} is not supported; use GET for queries or POST"),
        ),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}
