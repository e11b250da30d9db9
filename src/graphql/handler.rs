//! GraphQL over HTTP, written against the GraphQL-over-HTTP specification rather than
//! the stock extractor, which reads bodies of any size and type and runs mutations sent
//! with GET.
//!
//! - POST takes `application/json` only (415 otherwise), under a size cap (413): one
//!   request object, or a batch (a JSON array) of at most the configured size.
//! - GET takes queries only: a mutation over GET is refused with 405 and `Allow: POST`.
//! - The response is `application/graphql-response+json` when the client accepts it, then
//!   request errors (unparsable, invalid or over a limit) answer 400; under
//!   `application/json` they answer 200 with `errors`. A request error has no `data`.
//! - A present but invalid token answers 401; it never falls back to anonymous.
//! - Every operation is checked against the limits before validation, runs under a
//!   timeout, and internal errors carry the request id and nothing else.

use crate::auth::identify::Authenticator;
use crate::graphql::documents::DocumentCache;
use crate::graphql::inputs;
use crate::graphql::limits::{self, QueryLimits};
use crate::graphql::loaders;
use crate::graphql::nulls;
use crate::graphql::operations::{self, LoginsInRequest};
use crate::graphql::order;
use crate::graphql::persisted::{PersistedQueries, Resolved};
use crate::graphql::schema::AppSchema;
use crate::graphql::shape::SchemaShape;
use crate::http::admission::{self, Admitted};
use crate::http::metrics::{OperationLabels, tag_errors};
use crate::http::rate_limit::{ClientAddress, cost};
use crate::services::writing::RequestContext;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::ExecutableDocument;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use std::time::Duration;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// What the GraphQL endpoint needs, built once at start-up.
pub struct GraphqlEndpoint {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub authenticator: Authenticator,
    pub max_body_bytes: usize,
    pub limits: QueryLimits,
    pub max_batch: usize,
    pub max_variables_bytes: usize,
    pub timeout: Duration,
    pub persisted: PersistedQueries,
    /// Parsed documents of recent query texts.
    pub documents: DocumentCache,
    /// The operation names metrics label; every other name is `other`.
    pub labels: OperationLabels,
    /// The schema's field and argument types, for the checks before and after execution.
    pub shape: SchemaShape,
    /// The register in memory, when enabled.
    pub read_model: Option<crate::readmodel::ReadModel>,
    /// Answers of public register queries, per snapshot.
    pub answers: crate::graphql::response_cache::ResponseCache,
    /// The WebSocket connections and subscriptions each client holds, and their limits.
    pub clients: std::sync::Arc<crate::graphql::subscription::clients::Clients>,
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

/// The body of an answer. An executed operation's response is serialised as it is, so
/// its `data` keeps the order of the query's fields (a JSON object value would sort them).
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Body {
    Json(Value),
    Executed(Box<async_graphql::Response>),
    /// An answer serialised before, sent as it is.
    Kept(KeptBody),
}

/// A kept answer's JSON text.
struct KeptBody(std::sync::Arc<serde_json::value::RawValue>);

impl serde::Serialize for KeptBody {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// An answer to one GraphQL request: a status, a body, the codes of its errors (for
/// metrics) and maybe an `Allow` or `Retry-After` header.
struct Answer {
    status: StatusCode,
    body: Body,
    codes: Vec<String>,
    allow: Option<&'static str>,
    retry_after: Option<u64>,
}

impl Answer {
    fn new(status: StatusCode, body: Value, codes: Vec<String>) -> Self {
        Self::with_body(status, Body::Json(body), codes)
    }

    fn with_body(status: StatusCode, body: Body, codes: Vec<String>) -> Self {
        Self {
            status,
            body,
            codes,
            allow: None,
            retry_after: None,
        }
    }

    fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self::new(
            status,
            json!({ "errors": [{ "message": message.into(), "extensions": { "code": code } }] }),
            vec![code.to_owned()],
        )
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::error(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    /// A GraphQL request error: no `data`, 400 under the GraphQL media type.
    fn request_error(media: Media, errors: Vec<Value>) -> Self {
        let status = match media {
            Media::GraphqlResponseJson => StatusCode::BAD_REQUEST,
            Media::Json => StatusCode::OK,
        };
        let codes = errors
            .iter()
            .map(|e| {
                e.pointer("/extensions/code")
                    .and_then(Value::as_str)
                    .unwrap_or("GRAPHQL_VALIDATION_FAILED")
                    .to_owned()
            })
            .collect();
        Self::new(status, json!({ "errors": errors }), codes)
    }

    fn coded(media: Media, code: &str, message: impl Into<String>) -> Self {
        Self::request_error(
            media,
            vec![json!({ "message": message.into(), "extensions": { "code": code } })],
        )
    }

    /// The caller's rate limit does not hold the request.
    fn rate_limited(wait_secs: u64) -> Self {
        let mut answer = Self::error(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            format!("too many requests; retry after {wait_secs} s"),
        );
        answer.retry_after = Some(wait_secs);
        answer
    }

    fn respond(self, media: Media) -> HttpResponse {
        let mut response = HttpResponse::build(self.status)
            .content_type(media.content_type())
            .json(self.body);
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        let retry_after = self.retry_after.or_else(|| {
            (self.status == StatusCode::SERVICE_UNAVAILABLE)
                .then_some(crate::error::RETRY_AFTER_SECS)
        });
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        tag_errors(&mut response, self.codes);
        response
    }
}

/// `POST /graphql`: one request object, or a batch.
pub async fn post(
    req: HttpRequest,
    payload: web::Payload,
    endpoint: web::Data<GraphqlEndpoint>,
) -> HttpResponse {
    let media = match negotiate(&req) {
        Ok(media) => media,
        Err(answer) => return answer.respond(Media::Json),
    };
    let content_type = crate::http::body::media_type(&req);
    if content_type != JSON {
        return Answer::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "POST bodies must be application/json",
        )
        .respond(media);
    }
    let body = match crate::http::body::read_capped(&req, payload, endpoint.max_body_bytes).await {
        Ok(body) => body,
        Err(e) => return Answer::error(e.status(), e.code(), e.message()).respond(media),
    };
    let value: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => {
            return Answer::bad_request(format!("the body is not valid JSON: {e}")).respond(media);
        }
    };
    let call = match identify(&req, &endpoint).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    match value {
        Value::Array(items) => {
            if items.is_empty() || items.len() > endpoint.max_batch {
                let message = format!(
                    "a batch holds 1 to {} operations, not {}",
                    endpoint.max_batch,
                    items.len()
                );
                return Answer::error(StatusCode::BAD_REQUEST, "BATCH_TOO_LARGE", message)
                    .respond(media);
            }
            let prepared: Vec<Result<Prepared, Answer>> = items
                .into_iter()
                .map(|item| {
                    to_graphql_request(item)
                        .and_then(|request| prepare(&endpoint, request, media, false, &call))
                })
                .collect();
            if let Err(answer) = admit_operations(&req, &prepared, media, true) {
                return answer.respond(media);
            }
            let mut bodies = Vec::with_capacity(prepared.len());
            let mut codes = Vec::new();
            for item in prepared {
                let answer = match item {
                    Ok(prepared) => run(&endpoint, &call, prepared, media).await,
                    Err(answer) => answer,
                };
                codes.extend(answer.codes);
                bodies.push(answer.body);
            }
            let mut response = HttpResponse::Ok()
                .content_type(media.content_type())
                .json(bodies);
            tag_errors(&mut response, codes);
            response
        }
        value => {
            let item = to_graphql_request(value)
                .and_then(|request| prepare(&endpoint, request, media, false, &call));
            if let Err(answer) = admit_operations(&req, std::slice::from_ref(&item), media, false) {
                return answer.respond(media);
            }
            match item {
                Ok(prepared) => run(&endpoint, &call, prepared, media).await.respond(media),
                Err(answer) => answer.respond(media),
            }
        }
    }
}

/// `GET /graphql`: queries only, parameters in the query string.
pub async fn get(req: HttpRequest, endpoint: web::Data<GraphqlEndpoint>) -> HttpResponse {
    let media = match negotiate(&req) {
        Ok(media) => media,
        Err(answer) => return answer.respond(Media::Json),
    };
    let request = match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(request) if request.query.trim().is_empty() && persisted_hash(&request).is_none() => {
            return Answer::bad_request("the `query` parameter is missing").respond(media);
        }
        Ok(request) => request,
        Err(e) => return Answer::bad_request(format!("invalid query string: {e}")).respond(media),
    };
    let call = match identify(&req, &endpoint).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    let item = prepare(&endpoint, request, media, true, &call);
    if let Err(answer) = admit_operations(&req, std::slice::from_ref(&item), media, false) {
        return answer.respond(media);
    }
    match item {
        Ok(prepared) => run(&endpoint, &call, prepared, media).await.respond(media),
        Err(answer) => answer.respond(media),
    }
}

/// What every operation of one HTTP request shares.
struct Call {
    context: RequestContext,
    address: ClientAddress,
    logins: LoginsInRequest,
}

/// The caller of the request (as admission identified it); a present but invalid token
/// is answered 401 here when admission did not run.
async fn identify(req: &HttpRequest, endpoint: &GraphqlEndpoint) -> Result<Call, HttpResponse> {
    let address = admission::admitted(req).map_or_else(
        || ClientAddress::of(req.headers(), req.peer_addr(), false),
        |a| a.address,
    );
    admission::request_context(req, &endpoint.authenticator)
        .await
        .map(|context| Call {
            context,
            address,
            logins: LoginsInRequest::default(),
        })
        .map_err(|err| {
            let mut response =
                admission::graphql_error(req, err.status(), err.code(), &err.message());
            if err.status() == StatusCode::UNAUTHORIZED {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
            }
            response
        })
}

/// The `sha256Hash` of an automatic persisted query, if the request names one.
fn persisted_hash(request: &async_graphql::Request) -> Option<String> {
    match request.extensions.get("persistedQuery")? {
        async_graphql::Value::Object(map) => match map.get("sha256Hash")? {
            async_graphql::Value::String(hash) => Some(hash.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// An operation that passed every check before execution.
struct Prepared {
    request: async_graphql::Request,
    /// The parsed document, to put the response's fields in the query's order.
    document: std::sync::Arc<ExecutableDocument>,
    /// The operation's name in the document, if it has one.
    name: Option<String>,
    logins: u32,
    cost: u32,
}

/// Checks an operation before anything runs: variables, persisted queries, parsing, GET
/// rules and the document limits; measures its logins and cost.
fn prepare(
    endpoint: &GraphqlEndpoint,
    mut request: async_graphql::Request,
    media: Media,
    via_get: bool,
    call: &Call,
) -> Result<Prepared, Answer> {
    let variables_size = serde_json::to_vec(&request.variables).map_or(0, |v| v.len());
    if variables_size > endpoint.max_variables_bytes {
        return Err(Answer::coded(
            media,
            "VARIABLES_TOO_LARGE",
            format!(
                "the variables take {variables_size} bytes; at most {}",
                endpoint.max_variables_bytes
            ),
        ));
    }
    match endpoint
        .persisted
        .resolve(&request.query, persisted_hash(&request).as_deref())
    {
        Resolved::Query(query) => request.query = query,
        Resolved::Refused(code, message) => return Err(Answer::coded(media, code, message)),
    }
    let document = endpoint
        .documents
        .parse(&request.query)
        .map_err(|e| Answer::coded(media, "GRAPHQL_PARSE_FAILED", e.to_string()))?;
    let requested = request.operation_name.as_deref();
    if via_get && operations::is_mutation(&document, requested) {
        let mut answer = Answer::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "mutations must be sent with POST",
        );
        answer.allow = Some("POST");
        return Err(answer);
    }
    inputs::check(
        &request.query,
        &document,
        requested,
        &request.variables,
        &endpoint.shape,
    )
    .map_err(|refusal| Answer::coded(media, refusal.code, refusal.message))?;
    // Where introspection is off, administrators still get it (GraphiQL's documentation
    // explorer); everyone else is refused before validation and again by the executor.
    let admin = call
        .context
        .caller
        .principal()
        .is_some_and(|p| p.role == crate::auth::Role::Admin);
    let limits = if admin && !endpoint.limits.introspection {
        std::borrow::Cow::Owned(QueryLimits {
            introspection: true,
            ..endpoint.limits.clone()
        })
    } else {
        if !endpoint.limits.introspection {
            request.introspection_mode = async_graphql::IntrospectionMode::Disabled;
        }
        std::borrow::Cow::Borrowed(&endpoint.limits)
    };
    let complexity = limits::check(&document, requested, &request.variables, &limits)
        .map_err(|exceeded| Answer::coded(media, exceeded.code, exceeded.message))?;
    let logins = operations::logins(&document, requested);
    let name = operations::name(&document, requested);
    // Execution takes this copy instead of parsing the text again.
    request.set_parsed_query(ExecutableDocument::clone(&document));
    Ok(Prepared {
        document,
        name,
        logins,
        cost: operations::cost(complexity, logins),
        request,
    })
}

/// Admits a request's operations together, before any runs: at most one login in the
/// whole request, and their cost from the caller's budget (the request's own unit was
/// taken at admission). Names the operations in the request's log span.
fn admit_operations(
    req: &HttpRequest,
    prepared: &[Result<Prepared, Answer>],
    media: Media,
    batch: bool,
) -> Result<(), Answer> {
    let names: Vec<&str> = prepared
        .iter()
        .map(|p| match p {
            Ok(p) => p.name.as_deref().unwrap_or("anonymous"),
            Err(_) => "invalid",
        })
        .collect();
    let logged: String = names.join(",").chars().take(200).collect();
    tracing::Span::current().record("operation", tracing::field::display(&logged));
    let logins: u32 = prepared.iter().flatten().map(|p| p.logins).sum();
    if logins > 1 {
        let message = format!(
            "a request may log in once; this one has {logins} `login` fields (aliases and batched operations count)"
        );
        return Err(if batch {
            Answer::error(StatusCode::BAD_REQUEST, "LOGIN_LIMIT_EXCEEDED", message)
        } else {
            Answer::coded(media, "LOGIN_LIMIT_EXCEEDED", message)
        });
    }
    let total = prepared
        .iter()
        .map(|p| p.as_ref().map_or(cost::OPERATION, |p| p.cost))
        .fold(0_u32, u32::saturating_add);
    let extra = total.saturating_sub(cost::REQUEST);
    if let Some(budget) = admission::admitted(req).and_then(|a: Admitted| a.budget)
        && let Err(wait) = budget.take(extra)
    {
        return Err(Answer::rate_limited(wait.secs()));
    }
    Ok(())
}

/// Executes a prepared operation under the timeout.
async fn run(endpoint: &GraphqlEndpoint, call: &Call, prepared: Prepared, media: Media) -> Answer {
    let context = &call.context;
    let label = endpoint.labels.label(prepared.name.as_deref()).to_owned();
    let (loaders, fetches) = loaders::for_request(endpoint.db.clone(), context.clone());
    let document = (
        prepared.request.query.clone(),
        prepared.request.operation_name.clone(),
    );
    // A mutation's payload must show its own write, which no snapshot taken before it
    // holds: only queries read the snapshot.
    let reads_only = prepared
        .document
        .operations
        .iter()
        .all(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Query);
    let current = endpoint
        .read_model
        .as_ref()
        .filter(|_| reads_only)
        .and_then(|m| m.current());
    let slot = current.as_ref().and_then(|current| {
        endpoint.answers.slot(
            &endpoint.shape,
            &prepared.document,
            prepared.request.operation_name.as_deref(),
            &prepared.request.query,
            &prepared.request.variables,
            media.content_type(),
            current.0.serial,
        )
    });
    if let Some(kept) = slot.as_ref().and_then(|slot| endpoint.answers.get(slot)) {
        crate::http::metrics::graphql_operation(&label, 0.0);
        return Answer::with_body(StatusCode::OK, Body::Kept(KeptBody(kept)), Vec::new());
    }
    let mut request = prepared
        .request
        .data(loaders)
        .data(context.clone())
        .data(call.address.clone())
        .data(call.logins.clone());
    if let Some(current) = current {
        request = request.data(current);
    }
    let started = std::time::Instant::now();
    let execution = fetches.run_beside(endpoint.schema.execute(request));
    let Ok(mut response) = tokio::time::timeout(endpoint.timeout, execution).await else {
        crate::http::metrics::graphql_operation(&label, started.elapsed().as_secs_f64());
        return Answer::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "TIMEOUT",
            format!(
                "the operation took longer than {} ms",
                endpoint.timeout.as_millis()
            ),
        );
    };
    crate::http::metrics::graphql_operation(&label, started.elapsed().as_secs_f64());
    let is_request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if is_request_error {
        let errors = response.errors.iter().map(with_validation_code).collect();
        return Answer::request_error(media, errors);
    }
    nulls::propagate(
        &mut response,
        &endpoint.shape,
        &document.0,
        document.1.as_deref(),
    );
    let codes = response
        .errors
        .iter()
        .map(
            |e| match e.extensions.as_ref().and_then(|x| x.get("code")) {
                Some(async_graphql::Value::String(code)) => code.clone(),
                _ => "GRAPHQL_VALIDATION_FAILED".to_owned(),
            },
        )
        .collect();
    let status = if database_unavailable(&response) {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let mut response = response;
    order::by_selection(
        &prepared.document,
        document.1.as_deref(),
        &mut response.data,
    );
    mark_internal_errors(&mut response, context.request_id.as_deref());
    if let Some(slot) = slot
        && status == StatusCode::OK
        && response.errors.is_empty()
        && let Ok(body) = serde_json::value::to_raw_value(&response)
    {
        let body: std::sync::Arc<serde_json::value::RawValue> = body.into();
        endpoint.answers.put(slot, body.clone());
        return Answer::with_body(status, Body::Kept(KeptBody(body)), codes);
    }
    Answer::with_body(status, Body::Executed(Box::new(response)), codes)
}

/// A response with no data because the database could not serve it (down, full,
/// read-only) answers 503, so clients and load balancers retry instead of taking the
/// `null` for an answer; partial data stays 200.
fn database_unavailable(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && response.errors.iter().any(|e| {
            matches!(
                e.extensions.as_ref().and_then(|x| x.get("code")),
                Some(async_graphql::Value::String(code))
                    if crate::error::UNAVAILABLE_CODES.contains(&code.as_str())
            )
        })
}

/// Internal errors show only their code and the request id, to find the cause in the log.
fn mark_internal_errors(response: &mut async_graphql::Response, request_id: Option<&str>) {
    for extensions in response
        .errors
        .iter_mut()
        .filter_map(|e| e.extensions.as_mut())
    {
        if matches!(extensions.get("code"),
            Some(async_graphql::Value::String(code)) if code == "INTERNAL_SERVER_ERROR")
        {
            let id = request_id.map_or(async_graphql::Value::Null, |id| {
                async_graphql::Value::String(id.to_owned())
            });
            extensions.set("requestId", id);
        }
    }
}

fn negotiate(req: &HttpRequest) -> Result<Media, Answer> {
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
        Answer::error(
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            format!("responses are {GRAPHQL_RESPONSE_JSON} or {JSON}"),
        )
    })
}

/// Checks the shape of a GraphQL-over-HTTP request body and converts it.
fn to_graphql_request(value: Value) -> Result<async_graphql::Request, Answer> {
    let Value::Object(map) = &value else {
        return Err(Answer::bad_request(
            "the body must be a JSON object with a `query`",
        ));
    };
    let persisted = map
        .get("extensions")
        .and_then(|e| e.get("persistedQuery"))
        .is_some();
    match map.get("query") {
        Some(Value::String(q)) if !q.trim().is_empty() => {}
        Some(Value::String(_)) | None | Some(Value::Null) if persisted => {}
        Some(Value::String(_)) | None => return Err(Answer::bad_request("`query` is missing")),
        Some(_) => return Err(Answer::bad_request("`query` must be a string")),
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
            return Err(Answer::bad_request(format!(
                "`{key}` must be {allowed} or null"
            )));
        }
    }
    let mut value = value;
    if let Value::Object(map) = &mut value
        && map.get("query").is_none_or(Value::is_null)
    {
        map.insert("query".into(), json!(""));
    }
    serde_json::from_value(value).map_err(|e| Answer::bad_request(format!("invalid request: {e}")))
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

/// Methods other than GET and POST on `/graphql`.
pub async fn other_method(method: Method) -> HttpResponse {
    let mut answer = Answer::error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("{method} is not supported; use GET for queries or POST"),
    );
    answer.allow = Some("GET, POST");
    answer.respond(Media::Json)
}
