//! Building the application: the only way to make a server, used by `main` and by the
//! tests alike. Everything shared (pool, schema) is built once before `HttpServer::new`,
//! whose closure runs once per worker.

use crate::auth::identify::Authenticator;
use crate::auth::keys::Keys;
use crate::config::{DatabaseSettings, Settings};
use crate::db::{self, Engine};
use crate::graphql::handler::{self, GraphqlEndpoint};
use crate::graphql::mutation::access::LoginSettings;
use crate::graphql::query::StudyPrivacy;
use crate::graphql::{graphiql, schema};
use crate::http::{health, not_found, request_log};
use crate::rest::{self, imports::ImportLimits};
use crate::seed;
use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use sea_orm::sqlx::{self, Connection as _};
use std::net::TcpListener;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

/// A built, bound, not yet running service.
pub struct Application {
    port: u16,
    server: Server,
}

/// Connects, migrates and loads the reference data. On PostgreSQL an advisory lock makes
/// replicas starting together take turns, so no two migrate at once.
pub async fn prepare_database(
    settings: &DatabaseSettings,
    demo: bool,
) -> anyhow::Result<DatabaseConnection> {
    let conn = db::connect(settings).await?;
    let lock = match Engine::of(&settings.database_url)? {
        Engine::Postgres => Some(StartupLock::acquire(&settings.database_url).await?),
        Engine::Sqlite => None,
    };
    db::migrate(&conn).await?;
    seed::reference::load(&conn).await?;
    if demo {
        seed::demo::load(&conn).await?;
    }
    if let Some(lock) = lock {
        lock.release().await;
    }
    Ok(conn)
}

/// A PostgreSQL session advisory lock held on its own connection.
struct StartupLock(sqlx::PgConnection);

/// The lock's key: any constant unique to this service ("cemr" in ASCII).
const STARTUP_LOCK_KEY: i64 = 0x6365_6d72;

impl StartupLock {
    async fn acquire(url: &str) -> anyhow::Result<Self> {
        let options = sqlx::postgres::PgConnectOptions::from_str(url)?;
        let mut conn = sqlx::PgConnection::connect_with(&options)
            .await
            .context("startup lock")?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(STARTUP_LOCK_KEY)
            .execute(&mut conn)
            .await?;
        Ok(Self(conn))
    }

    async fn release(mut self) {
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(STARTUP_LOCK_KEY)
            .execute(&mut self.0)
            .await;
        let _ = self.0.close().await;
    }
}

impl Application {
    /// Prepares the database and binds the HTTP server.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = prepare_database(&settings.database, settings.demo).await?;
        Self::build_with_database(settings, db)
    }

    /// Binds the HTTP server over an already prepared database.
    pub fn build_with_database(settings: Settings, db: DatabaseConnection) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.http.bind)
            .with_context(|| format!("could not listen on {}", settings.http.bind))?;
        let port = listener.local_addr()?.port();
        let keys = Arc::new(Keys::from_settings(&settings.auth)?);
        let login = LoginSettings {
            keys: keys.clone(),
            failure_delay: Duration::from_millis(settings.auth.login_failure_delay_ms),
        };
        let endpoint = web::Data::new(GraphqlEndpoint {
            schema: schema::builder()
                .data(db.clone())
                .data(login)
                .data(StudyPrivacy {
                    min_group_size: settings.study_min_group_size,
                })
                .finish(),
            db: db.clone(),
            authenticator: Authenticator::new(keys.clone(), db.clone()),
            max_body_bytes: settings.http.graphql_max_body_bytes,
        });
        let authenticator = web::Data::new(Authenticator::new(keys, db.clone()));
        let import_limits = web::Data::new(ImportLimits {
            max_body_bytes: settings.http.import_max_body_bytes,
        });
        let db = web::Data::new(db);
        let openapi = rest::document();
        let mut server = HttpServer::new(move || {
            let (app, _) = App::new()
                .wrap(Compress::default())
                .wrap(from_fn(request_log::log_requests))
                .app_data(db.clone())
                .app_data(endpoint.clone())
                .configure(not_found::extractor_errors)
                .route("/healthz", web::get().to(health::healthz))
                .route("/readyz", web::get().to(health::readyz))
                .service(
                    web::resource("/graphql")
                        .route(web::post().to(handler::post))
                        .route(web::get().to(handler::get))
                        .default_service(web::to(handler::other_method)),
                )
                .route("/graphiql", web::get().to(graphiql::page))
                .route("/graphiql/assets/{file}", web::get().to(graphiql::asset))
                // Before the REST scope, which answers 404 for any other path under it.
                .service(
                    SwaggerUi::new("/api/v1/docs/{_:.*}")
                        .url("/api/v1/openapi.json", openapi.clone()),
                )
                .into_utoipa_app()
                .app_data(authenticator.clone())
                .app_data(import_limits.clone())
                .service(utoipa_actix_web::scope("/api/v1").configure(rest::routes))
                .split_for_parts();
            app.default_service(web::to(not_found::fallback))
        })
        .listen(listener)?;
        if settings.http.workers > 0 {
            server = server.workers(settings.http.workers);
        }
        tracing::info!(address = %settings.http.bind, port, "listening");
        Ok(Self {
            port,
            server: server.run(),
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is told to stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
