//! One delivery over HTTP/1.1: a connection the service opens itself to an address
//! `targets` checked (so no resolver runs between the check and the connection), TLS
//! verified against the Web PKI roots for the URL's host name, no proxy, no redirect
//! followed, everything within one timeout, and at most a few KiB of the answer read.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, USER_AGENT};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use url::{Host, Url};

/// The most of a response body read (it is only kept, shortened, as the last error).
const MAX_RESPONSE_BYTES: usize = 4096;

/// What an endpoint answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// The start of the body, for the endpoint's `lastError` when it failed.
    pub excerpt: String,
}

/// One request to send.
pub struct Delivery<'a> {
    pub url: &'a Url,
    pub addresses: &'a [SocketAddr],
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
    pub timeout: Duration,
}

/// Sends the POST; an error says why no answer came (for `lastError`).
pub async fn post(delivery: Delivery<'_>) -> Result<Answer, String> {
    let timeout = delivery.timeout;
    match tokio::time::timeout(timeout, exchange(delivery)).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer within {} ms", timeout.as_millis())),
    }
}

async fn exchange(delivery: Delivery<'_>) -> Result<Answer, String> {
    let mut last_error = "no address to connect to".to_owned();
    let mut stream = None;
    for address in delivery.addresses {
        match TcpStream::connect(address).await {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last_error = format!("could not connect to {address}: {e}"),
        }
    }
    let stream = stream.ok_or(last_error)?;
    let _ = stream.set_nodelay(true);
    if delivery.url.scheme() == "https" {
        let name = server_name(delivery.url)?;
        let tls = TlsConnector::from(tls_config())
            .connect(name, stream)
            .await
            .map_err(|e| format!("TLS: {e}"))?;
        request(tls, &delivery).await
    } else {
        request(stream, &delivery).await
    }
}

async fn request<S>(stream: S, delivery: &Delivery<'_>) -> Result<Answer, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let url = delivery.url;
    let mut target = url.path().to_owned();
    if let Some(query) = url.query() {
        target.push('?');
        target.push_str(query);
    }
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => return Err("the URL has no host".to_owned()),
    };
    let mut builder = Request::post(target)
        .header(HOST, host)
        .header(CONTENT_TYPE, "application/json")
        .header(CONTENT_LENGTH, delivery.body.len())
        .header(
            USER_AGENT,
            concat!("cemr-api-webhooks/", env!("CARGO_PKG_VERSION")),
        );
    for (name, value) in &delivery.headers {
        builder = builder.header(*name, value.as_str());
    }
    let request = builder
        .body(Full::new(delivery.body.clone()))
        .map_err(|e| format!("request: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    let status = response.status().as_u16();
    let mut body = response.into_body();
    let mut excerpt = Vec::new();
    while excerpt.len() < MAX_RESPONSE_BYTES {
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    let room = MAX_RESPONSE_BYTES - excerpt.len();
                    excerpt.extend_from_slice(&data[..data.len().min(room)]);
                }
            }
            // A body cut short still carried its status, which is what counts.
            Some(Err(_)) | None => break,
        }
    }
    // Whatever else the endpoint sends is not read: the connection is dropped.
    driver.abort();
    Ok(Answer {
        status,
        excerpt: String::from_utf8_lossy(&excerpt).into_owned(),
    })
}

fn server_name(url: &Url) -> Result<rustls::pki_types::ServerName<'static>, String> {
    match url.host() {
        Some(Host::Domain(name)) => rustls::pki_types::ServerName::try_from(name.to_owned())
            .map_err(|e| format!("{name} is not a TLS server name: {e}")),
        Some(Host::Ipv4(ip)) => Ok(rustls::pki_types::ServerName::IpAddress(
            std::net::IpAddr::V4(ip).into(),
        )),
        Some(Host::Ipv6(ip)) => Ok(rustls::pki_types::ServerName::IpAddress(
            std::net::IpAddr::V6(ip).into(),
        )),
        None => Err("the URL has no host".to_owned()),
    }
}

/// TLS with the ring provider the database driver already uses, and the Web PKI roots
/// compiled in (the container image carries no others the service would trust).
fn tls_config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = match rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
            {
                Ok(builder) => builder.with_root_certificates(roots).with_no_client_auth(),
                // The ring provider supports the default versions; should that change,
                // the process default (also ring, the only provider compiled in) serves.
                Err(_) => rustls::ClientConfig::builder()
                    .with_root_certificates(roots)
                    .with_no_client_auth(),
            };
            Arc::new(config)
        })
        .clone()
}
