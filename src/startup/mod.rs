//! Building the application: the only way to make a server, used by `main` and by the
//! tests alike. Everything shared (pool, schema) is built once before `HttpServer::new`,
//! whose closure runs once per worker. Preparing the database first is `database`'s.

mod database;
pub mod resident;

pub use database::{migrate_database, prepare_database};

use crate::auth::identify::Authenticator;
use crate::auth::keys::Keys;
use crate::config::Settings;
use crate::db::health::DatabaseHealth;
use crate::feed::{self, Feed};
use crate::graphql::handler;
use crate::graphql::{self, graphiql};
use crate::http::admission::{self, Admission};
use crate::http::health::{self, Readiness};
use crate::http::{metrics, not_found, panics, rate_limit, request_log, security, uri};
use crate::insights;
use crate::rest::{self, imports::ImportLimits};
use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use utoipa_swagger_ui::SwaggerUi;

/// Where the OpenAPI document is served, and the documentation page reads it.
const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// The OpenAPI document, serialised once at start-up.
async fn openapi_document(document: web::Bytes) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(document)
}

/// A built, bound, not yet running service.
pub struct Application {
    port: u16,
    server: Server,
    shutdown: ShutdownHandle,
    read_model: Option<crate::readmodel::ReadModel>,
}

/// Stops the service gracefully: readiness off first, so the load balancer drains the
/// replica; then no new connections; in-flight requests finish.
#[derive(Clone)]
pub struct ShutdownHandle {
    readiness: Readiness,
    feed: Feed,
    server: actix_web::dev::ServerHandle,
    drain: Duration,
}

impl ShutdownHandle {
    /// Begins the shutdown and returns when the server has stopped.
    pub async fn begin(&self) {
        tracing::info!(
            drain_secs = self.drain.as_secs(),
            "shutting down: readiness off"
        );
        self.readiness
            .0
            .store(false, std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(self.drain).await;
        // Long-lived connections (subscriptions) close first, or they would hold the
        // server's stop until its timeout; then the feed's own tasks end.
        self.feed.stop();
        self.server.stop(true).await;
    }
}

async fn termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

impl Application {
    /// Prepares the database and binds the HTTP server.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = prepare_database(&settings.database, settings.demo).await?;
        Self::build_with_database(settings, db).await
    }

    /// Binds the HTTP server over an already prepared database.
    pub async fn build_with_database(
        settings: Settings,
        db: DatabaseConnection,
    ) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.http.bind)
            .with_context(|| format!("could not listen on {}", settings.http.bind))?;
        let port = listener.local_addr()?.port();
        let keys = Arc::new(Keys::from_settings(&settings.auth)?);
        let graphiql_enabled = settings.graphql.graphiql;

        let authenticator = Authenticator::new(keys.clone(), db.clone());
        let import_limits = web::Data::new(ImportLimits {
            max_body_bytes: settings.http.import_max_body_bytes,
            max_rows: settings.http.import_max_rows,
        });
        // The follower's own connection: read-your-writes waits for it, so it never queues
        // behind webhook deliveries (two connections for up to eight endpoints at a time).
        let feed = Feed::open(
            db.clone(),
            crate::db::connect_background(&settings.database, 1).await?,
            &settings.database.database_url,
            settings.feed.poll_interval(),
        );
        let feed_data = web::Data::new(feed.clone());
        crate::webhooks::delivery::spawn(
            crate::db::connect_background(&settings.database, 2).await?,
            feed.clone(),
            crate::webhooks::DeliveryRules::from_settings(&settings.webhooks),
        );
        if settings.webhooks.webhook_allow_private_targets {
            tracing::warn!(
                "WEBHOOK_ALLOW_PRIVATE_TARGETS is on: webhooks may point at internal addresses \
                 and plain http; never in production"
            );
        }
        let webhook_rules =
            web::Data::new(crate::webhooks::Rules::from_settings(&settings.webhooks));
        let read_model = settings.read_model.enabled.then(|| {
            crate::readmodel::ReadModel::open(
                db.clone(),
                feed.clone(),
                settings.read_model.refresh(),
            )
        });
        let read_model_data = web::Data::new(read_model.clone());
        let read_model_handle = read_model.clone();
        let endpoint = web::Data::new(graphql::endpoint(
            &settings,
            db.clone(),
            keys.clone(),
            feed.clone(),
            read_model,
        )?);
        let health = DatabaseHealth::new(&settings.database)?;
        health.spawn_monitor();
        let health = web::Data::new(health);
        let db = web::Data::new(db);
        // Serialised once: every worker serves the same bytes (a document per worker
        // cost about 1.6 MiB each).
        let openapi_json = web::Bytes::from(
            serde_json::to_vec(&rest::document()).context("serialising the OpenAPI document")?,
        );
        let readiness = Readiness(Arc::new(std::sync::atomic::AtomicBool::new(true)));
        let readiness_data = web::Data::new(readiness.clone());
        let admission = web::Data::new(Admission {
            authenticator: authenticator.clone(),
            limiter: rate_limit::Limiter::new(settings.http.rate_limit_per_minute)
                .map(web::Data::new),
            trust_forwarded: settings.http.trust_forwarded_for,
        });
        let authenticator = web::Data::new(authenticator);
        let origins = settings.http.cors_allowed_origins.clone();
        let metrics_enabled = settings.http.metrics;
        if metrics_enabled {
            metrics::handle();
        }
        let mut server = HttpServer::new(move || {
            // The first `wrap` is the innermost: refusals of admission still get the
            // security headers, CORS and compression, and are counted and logged.
            App::new()
                // Innermost: only admitted requests wait for the feed.
                .wrap(from_fn(feed::scope::read_your_writes))
                .wrap(from_fn(uri::refuse_nul))
                .wrap(from_fn(panics::catch_panics))
                .wrap(from_fn(admission::admit))
                // Outside admission, which reads the database to identify the caller.
                .wrap(from_fn(health::gate))
                .wrap(from_fn(security::headers))
                .wrap(security::cors(&origins))
                .wrap(Compress::default())
                .wrap(from_fn(metrics::record))
                .wrap(from_fn(request_log::log_requests))
                .app_data(readiness_data.clone())
                .app_data(feed_data.clone())
                .app_data(read_model_data.clone())
                .app_data(admission.clone())
                .app_data(health.clone())
                .app_data(db.clone())
                .app_data(endpoint.clone())
                .configure(not_found::extractor_errors)
                .route("/healthz", web::get().to(health::healthz))
                .route("/readyz", web::get().to(health::readyz))
                .configure(insights::routes)
                .configure(|cfg| {
                    if metrics_enabled {
                        cfg.route("/metrics", web::get().to(metrics::render));
                    }
                })
                .service(
                    web::resource("/graphql")
                        .route(
                            web::get()
                                .guard(actix_web::guard::Header("upgrade", "websocket"))
                                .to(graphql::subscription::socket::upgrade),
                        )
                        .route(web::post().to(handler::post))
                        .route(web::get().to(handler::get))
                        .default_service(web::to(handler::other_method)),
                )
                .configure(|cfg| {
                    if graphiql_enabled {
                        cfg.route("/graphiql", web::get().to(graphiql::page))
                            .route("/graphiql/assets/{file}", web::get().to(graphiql::asset));
                    }
                })
                // Before the REST scope, which answers 404 for any other path under it.
                .service(
                    SwaggerUi::new("/api/v1/docs/{_:.*}")
                        .config(utoipa_swagger_ui::Config::new([OPENAPI_PATH])),
                )
                .route(
                    OPENAPI_PATH,
                    web::get().to({
                        let document = openapi_json.clone();
                        move || openapi_document(document.clone())
                    }),
                )
                .app_data(authenticator.clone())
                .app_data(import_limits.clone())
                .app_data(webhook_rules.clone())
                .service(web::scope("/api/v1").configure(rest::routes))
                .default_service(web::to(not_found::fallback))
        })
        .listen(listener)?
        // A client that closes its side is gone: the connection ends and the request's
        // handler is dropped with it (an import stops, its transaction rolls back) instead
        // of running to the end for nobody.
        .h1_allow_half_closed(false)
        .disable_signals()
        .shutdown_timeout(settings.http.shutdown_timeout_secs);
        if settings.http.workers > 0 {
            server = server.workers(settings.http.workers);
        }
        tracing::info!(address = %settings.http.bind, port, "listening");
        let server = server.run();
        let shutdown = ShutdownHandle {
            readiness,
            feed,
            server: server.handle(),
            drain: Duration::from_secs(settings.http.shutdown_drain_secs),
        };
        Ok(Self {
            port,
            server,
            shutdown,
            read_model: read_model_handle,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The register in memory, when enabled.
    pub fn read_model(&self) -> Option<crate::readmodel::ReadModel> {
        self.read_model.clone()
    }

    /// A handle that stops the service gracefully.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Serves until SIGTERM or SIGINT (or a `ShutdownHandle`) stops it gracefully.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            termination().await;
            shutdown.begin().await;
        });
        self.server.await
    }
}
