//! GraphQL over WebSocket on `/graphql`: the `graphql-transport-ws` protocol.
//!
//! Browsers cannot set headers on a WebSocket, so the bearer token comes in
//! `connection_init`'s payload (`{"Authorization": "Bearer …"}`) and is checked as HTTP
//! checks it; it is checked again every `RECHECK`, and a token that stopped verifying
//! (expired, revoked, its account disabled) closes the socket with 4403. Every operation
//! passes the same document limits as over HTTP. Limits: subscriptions per connection
//! and per client, connections per client (see `clients`; a client over it is closed
//! with 1013, try again later), message size (1009 above it), an idle timeout (the
//! server pings every `RECHECK`; a client that answers nothing for `IDLE_TIMEOUT` is
//! closed), the protocol's ping/pong, a client that stops reading what it is sent
//! (closed with 1008 once a message waited `SEND_TIMEOUT`); on shutdown the socket
//! closes with 1001 (going away).

use super::clients::{Clients, Lease};
use crate::auth::identify::Authenticator;
use crate::feed::{Feed, scope};
use crate::graphql::handler::GraphqlEndpoint;
use crate::graphql::limits;
use crate::graphql::loaders::{self, Fetches};
use crate::http::admission;
use crate::http::rate_limit::{self, ClientAddress};
use crate::services::writing::RequestContext;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason};
use async_graphql::http::{WebSocket, WsMessage};
use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, stream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::mpsc::error::TrySendError;

/// The sub-protocol spoken.
const PROTOCOL: &str = "graphql-transport-ws";
/// The largest message accepted, in bytes.
const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// A connection that sends nothing (not even a ping) for this long is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a client has to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a connection's token is verified again.
const RECHECK: Duration = Duration::from_secs(30);
/// Client messages read ahead of the protocol handler.
const INBOX: usize = 16;
/// How long one outgoing message may wait for a client that does not read what it is
/// sent (its socket's buffers full) before the connection is given up: waiting without
/// end would stop this connection's loop, its token checks and its shutdown with it.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// `GET /graphql` with `Upgrade: websocket`.
pub async fn upgrade(
    req: HttpRequest,
    body: web::Payload,
    endpoint: web::Data<GraphqlEndpoint>,
    feed: web::Data<Feed>,
) -> actix_web::Result<HttpResponse> {
    let offered = req
        .headers()
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|p| p.trim() == PROTOCOL));
    if !offered {
        return Ok(HttpResponse::BadRequest().json(serde_json::json!({
            "errors": [{ "message": "WebSocket clients must offer the graphql-transport-ws sub-protocol",
                         "extensions": { "code": "BAD_REQUEST" } }]
        })));
    }
    let (mut response, session, messages) = actix_ws::handle(&req, body)?;
    response.headers_mut().insert(
        HeaderName::from_static("sec-websocket-protocol"),
        HeaderValue::from_static(PROTOCOL),
    );
    let messages = messages
        .max_frame_size(MAX_MESSAGE_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_MESSAGE_BYTES);
    let endpoint = endpoint.into_inner();
    // Until `connection_init` tells who it is, the socket is pending at its address.
    let address = admission::admitted(&req).map_or_else(
        || ClientAddress::of(req.headers(), req.peer_addr(), false),
        |a| a.address,
    );
    let address = rate_limit::address_key(&address);
    let Some(pending) = endpoint.clients.pending(&address) else {
        let refusal = too_many_sockets(&endpoint.clients);
        actix_web::rt::spawn(async move {
            let _ = session.close(Some(refusal)).await;
        });
        return Ok(response);
    };
    let feed = feed.get_ref().clone();
    actix_web::rt::spawn(scope::within(
        feed.clone(),
        serve(session, messages, endpoint, feed, address, pending),
    ));
    Ok(response)
}

fn too_many_sockets(clients: &Clients) -> CloseReason {
    CloseReason {
        code: CloseCode::Again,
        description: Some(format!(
            "too many connections: a client may hold {} at once on this replica",
            clients.limits.sockets_per_client
        )),
    }
}

/// What the connection learnt at `connection_init`.
struct Identity {
    initialised: bool,
    authorization: Option<String>,
    /// The client address's key, which anonymous clients are counted by.
    address: String,
    /// The socket's place among its client's (pending until initialised); its key
    /// counts the subscriptions too. Given back before the close is sent, so a client
    /// that saw the close can connect again at once.
    socket: Option<Lease>,
    /// Why `connection_init` was refused, to close with instead of the library's 1002.
    refusal: Option<CloseReason>,
}

async fn serve(
    mut session: actix_ws::Session,
    mut messages: actix_ws::AggregatedMessageStream,
    endpoint: Arc<GraphqlEndpoint>,
    feed: Feed,
    address: String,
    pending: Lease,
) {
    let fetches = Fetches::default();
    let identity = Arc::new(Mutex::new(Identity {
        initialised: false,
        authorization: None,
        address,
        socket: Some(pending),
        refusal: None,
    }));
    let executor = Limited {
        endpoint: endpoint.clone(),
        active: Arc::new(AtomicUsize::new(0)),
        identity: identity.clone(),
    };
    // Bounded, so a client that sends faster than its operations are handled is read no
    // further (TCP pushes back) rather than queued without end.
    let (inbox, received) = tokio::sync::mpsc::channel::<String>(INBOX);
    let init = {
        let (endpoint, fetches, identity) = (endpoint.clone(), fetches.clone(), identity.clone());
        move |payload: serde_json::Value| {
            let (endpoint, fetches, identity) =
                (endpoint.clone(), fetches.clone(), identity.clone());
            async move {
                let authorization = bearer(&payload);
                let caller = match endpoint
                    .authenticator
                    .identify(authorization.as_deref())
                    .await
                {
                    Ok(caller) => caller,
                    Err(e) => {
                        let message = e.message();
                        refuse_init(&identity, close(4403, &message));
                        return Err(async_graphql::Error::new(message));
                    }
                };
                // A verified client is counted as itself, wherever it connects from.
                let key = caller.principal().map_or_else(
                    || {
                        identity
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .address
                            .clone()
                    },
                    rate_limit::identity_key,
                );
                let Some(socket) = endpoint.clients.socket(&key) else {
                    let refusal = too_many_sockets(&endpoint.clients);
                    let message = refusal.description.clone().unwrap_or_default();
                    refuse_init(&identity, refusal);
                    return Err(async_graphql::Error::new(message));
                };
                let mut known = identity.lock().unwrap_or_else(PoisonError::into_inner);
                known.initialised = true;
                known.authorization = authorization;
                known.socket = Some(socket);
                drop(known);
                let context = RequestContext::new(caller, None);
                let loaders =
                    loaders::for_connection(endpoint.db.clone(), context.clone(), &fetches);
                let mut data = Data::default();
                data.insert(context);
                data.insert(loaders);
                Ok(data)
            }
        }
    };
    let incoming = stream::unfold(received, |mut received| async move {
        received.recv().await.map(|message| (message, received))
    })
    .boxed();
    let mut graphql = WebSocket::new(
        executor,
        incoming,
        async_graphql::http::WebSocketProtocols::GraphQLWS,
    )
    .on_connection_init(init)
    .keepalive_timeout(None);
    let stopping = feed.stopping();
    tokio::pin!(stopping);
    let mut recheck = tokio::time::interval(RECHECK);
    recheck.tick().await;
    let mut init_deadline = Box::pin(tokio::time::sleep(INIT_TIMEOUT));
    let mut idle = Box::pin(tokio::time::sleep(IDLE_TIMEOUT));
    let authenticator: Authenticator = endpoint.authenticator.clone();
    // A message the full inbox could not take yet. Only the `graphql` branch below empties
    // the inbox, so waiting for room inside a branch would stop this loop from ever
    // polling it: a burst of messages (a client resubscribing everything at once after a
    // reconnect) would hang the connection for good. Room is awaited as a branch of its
    // own instead, and the socket is not read meanwhile.
    let mut unsent: Option<String> = None;
    let connection = async {
        loop {
            tokio::select! {
                message = messages.next(), if unsent.is_none() => match message {
                    Some(Ok(AggregatedMessage::Text(text))) => {
                        idle.as_mut().reset(tokio::time::Instant::now() + IDLE_TIMEOUT);
                        match inbox.try_send(text.to_string()) {
                            Ok(()) => {}
                            Err(TrySendError::Full(text)) => unsent = Some(text),
                            Err(TrySendError::Closed(_)) => return None,
                        }
                    }
                    Some(Ok(AggregatedMessage::Ping(bytes))) => {
                        idle.as_mut().reset(tokio::time::Instant::now() + IDLE_TIMEOUT);
                        if let Err(end) = sent(session.pong(&bytes)).await {
                            return end;
                        }
                    }
                    Some(Ok(AggregatedMessage::Pong(_))) => {
                        idle.as_mut().reset(tokio::time::Instant::now() + IDLE_TIMEOUT);
                    }
                    Some(Ok(AggregatedMessage::Binary(_))) => {
                        return Some(close(4400, "messages are JSON text"));
                    }
                    Some(Ok(AggregatedMessage::Close(_))) | None => return None,
                    Some(Err(e)) => {
                        tracing::debug!(error = %e, "WebSocket protocol error");
                        return Some(CloseReason {
                            code: CloseCode::Size,
                            description: Some(format!("messages are at most {MAX_MESSAGE_BYTES} bytes")),
                        });
                    }
                },
                room = inbox.reserve(), if unsent.is_some() => match (room, unsent.take()) {
                    (Ok(permit), Some(text)) => permit.send(text),
                    (Ok(_), None) => {}
                    (Err(_), _) => return None,
                },
                out = graphql.next() => match out {
                    Some(WsMessage::Text(text)) => {
                        if let Err(end) = sent(session.text(text)).await {
                            return end;
                        }
                    }
                    Some(WsMessage::Close(code, reason)) => {
                        let refusal = identity.lock().unwrap_or_else(PoisonError::into_inner).refusal.take();
                        return Some(refusal.unwrap_or_else(|| close(code, &reason)));
                    }
                    None => return None,
                },
                _ = recheck.tick() => {
                    // A live client answers (browsers do by themselves): a silent one is
                    // closed by the idle timeout.
                    if let Err(end) = sent(session.ping(b"")).await {
                        return end;
                    }
                    let authorization = identity.lock().unwrap_or_else(PoisonError::into_inner).authorization.clone();
                    if authorization.is_some() && authenticator.identify(authorization.as_deref()).await.is_err() {
                        return Some(close(4403, "the token no longer verifies"));
                    }
                }
                _ = &mut init_deadline => {
                    if !identity.lock().unwrap_or_else(PoisonError::into_inner).initialised {
                        return Some(close(4408, "connection initialisation timeout"));
                    }
                    init_deadline.as_mut().reset(tokio::time::Instant::now() + IDLE_TIMEOUT * 1000);
                }
                _ = &mut idle => return Some(close(4408, "idle for too long")),
                _ = &mut stopping => {
                    return Some(CloseReason { code: CloseCode::Away, description: Some("the server is shutting down".to_owned()) });
                }
            }
        }
    };
    let reason = fetches.run_beside(connection).await;
    drop(graphql);
    identity
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .socket
        .take();
    // A client that reads nothing has no room for the close frame either.
    let _ = tokio::time::timeout(SEND_TIMEOUT, session.close(reason)).await;
}

/// Sends one message within `SEND_TIMEOUT`; how the connection ends when it cannot: at
/// once when the client is gone, with a policy close when it stopped reading.
async fn sent(
    sending: impl Future<Output = Result<(), actix_ws::Closed>>,
) -> Result<(), Option<CloseReason>> {
    sent_within(SEND_TIMEOUT, sending).await
}

async fn sent_within(
    limit: Duration,
    sending: impl Future<Output = Result<(), actix_ws::Closed>>,
) -> Result<(), Option<CloseReason>> {
    match tokio::time::timeout(limit, sending).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(None),
        Err(_) => Err(Some(CloseReason {
            code: CloseCode::Policy,
            description: Some("the client does not read what it is sent".to_owned()),
        })),
    }
}

fn close(code: u16, reason: &str) -> CloseReason {
    CloseReason {
        code: CloseCode::from(code),
        description: Some(reason.to_owned()),
    }
}

fn refuse_init(identity: &Mutex<Identity>, refusal: CloseReason) {
    identity
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .refusal = Some(refusal);
}

/// The bearer token of a `connection_init` payload: `Authorization` (any case) or
/// `token`.
fn bearer(payload: &serde_json::Value) -> Option<String> {
    let object = payload.as_object()?;
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.as_str().map(str::to_owned))
        .or_else(|| {
            object
                .get("token")
                .and_then(|v| v.as_str())
                .map(|t| format!("Bearer {t}"))
        })
}

/// The schema behind the document limits and the subscription caps of the connection
/// and of its client.
#[derive(Clone)]
struct Limited {
    endpoint: Arc<GraphqlEndpoint>,
    active: Arc<AtomicUsize>,
    identity: Arc<Mutex<Identity>>,
}

fn refused(code: &str, message: String) -> BoxStream<'static, Response> {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    stream::once(async move { Response::from_errors(vec![error]) }).boxed()
}

/// Gives a slot back when its subscription ends (the client's lease with it).
struct Slot {
    active: Arc<AtomicUsize>,
    _client: Lease,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.active.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Executor for Limited {
    async fn execute(&self, request: Request) -> Response {
        self.endpoint.schema.execute(request).await
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let document = match async_graphql::parser::parse_query(&request.query) {
            Ok(document) => document,
            Err(e) => return refused("GRAPHQL_PARSE_FAILED", e.to_string()),
        };
        if let Err(exceeded) = limits::check(
            &document,
            request.operation_name.as_deref(),
            &request.variables,
            &self.endpoint.limits,
        ) {
            return refused(exceeded.code, exceeded.message);
        }
        let limits = self.endpoint.clients.limits;
        if self.active.fetch_add(1, Ordering::SeqCst) >= limits.subscriptions_per_connection {
            self.active.fetch_sub(1, Ordering::SeqCst);
            return refused(
                "SUBSCRIPTION_LIMIT_EXCEEDED",
                format!(
                    "a connection holds at most {} subscriptions",
                    limits.subscriptions_per_connection
                ),
            );
        }
        let key = self
            .identity
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .socket
            .as_ref()
            .map(|socket| socket.key().to_owned());
        let Some(lease) = key.and_then(|key| self.endpoint.clients.subscription(&key)) else {
            self.active.fetch_sub(1, Ordering::SeqCst);
            return refused(
                "SUBSCRIPTION_LIMIT_EXCEEDED",
                format!(
                    "too many subscriptions: a client may hold {} at once on this replica",
                    limits.subscriptions_per_client
                ),
            );
        };
        let slot = Slot {
            active: self.active.clone(),
            _client: lease,
        };
        self.endpoint
            .schema
            .execute_stream_with_session_data(request, session_data.unwrap_or_default())
            .map(move |response| {
                let _ = &slot;
                response
            })
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_client_that_stops_reading_is_given_up_with_a_policy_close() {
        let limit = Duration::from_millis(20);
        let stuck = sent_within(limit, std::future::pending()).await;
        let Err(Some(reason)) = stuck else {
            panic!("a send that never gets room ends the connection: {stuck:?}");
        };
        assert_eq!(reason.code, CloseCode::Policy);
        assert_eq!(
            sent_within(limit, async { Err(actix_ws::Closed) }).await,
            Err(None),
            "a client that is gone is left without a close frame"
        );
        assert_eq!(sent_within(limit, async { Ok(()) }).await, Ok(()));
    }
}
