//! The GraphQL API: the schema (built without a database, so the SDL can be exported
//! anywhere), the HTTP handler, the GraphiQL page, per-request loaders, the query roots
//! merged from one part per domain, and the API types mapped from entities.

pub mod documents;
pub mod enums;
pub mod graphiql;
pub mod handler;
pub mod ids;
pub mod inputs;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod nulls;
pub mod operations;
pub mod order;
pub mod persisted;
pub mod query;
pub mod response_cache;
pub mod schema;
pub mod shape;
pub mod subscription;
pub mod types;

use async_graphql::Context;
use sea_orm::DatabaseConnection;

/// The database connection of the running service.
pub(crate) fn db<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
}

/// The caller and request id of the current request.
pub(crate) fn request<'a>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a crate::services::writing::RequestContext> {
    ctx.data::<crate::services::writing::RequestContext>()
}

/// The loaders of the current request.
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a loaders::Loaders> {
    ctx.data::<loaders::Loaders>()
}

/// The register snapshot this request reads, when it reads one (see `readmodel`).
pub(crate) fn snapshot<'a>(ctx: &Context<'a>) -> Option<&'a crate::readmodel::Snapshot> {
    ctx.data_opt::<crate::readmodel::Current>().map(|c| &*c.0)
}

/// The GraphQL endpoint of the running service: the schema with its data, limits,
/// persisted queries and the authenticator.
pub fn endpoint(
    settings: &crate::config::Settings,
    db: DatabaseConnection,
    keys: std::sync::Arc<crate::auth::keys::Keys>,
    feed: crate::feed::Feed,
    read_model: Option<crate::readmodel::ReadModel>,
) -> anyhow::Result<handler::GraphqlEndpoint> {
    use anyhow::Context as _;
    use std::time::Duration;
    let graphql = &settings.graphql;
    let allow_list = match &graphql.persisted_queries_file {
        Some(path) => Some(
            persisted::PersistedQueries::read_allow_list(path)
                .with_context(|| format!("PERSISTED_QUERIES_FILE {}", path.display()))?,
        ),
        None => None,
    };
    let login = crate::services::login::LoginPolicy {
        keys: keys.clone(),
        failure_delay: Duration::from_millis(settings.auth.login_failure_delay_ms),
        rules: settings.auth.login_throttle(),
    };
    let persisted = persisted::PersistedQueries::new(graphql.apq_cache_size, allow_list);
    let labels = crate::http::metrics::OperationLabels::new(
        graphql
            .metrics_operation_names
            .iter()
            .cloned()
            .chain(persisted.registered_operation_names()),
    );
    let builder = schema::builder()
        .data(db.clone())
        .data(feed)
        .data(std::sync::Arc::new(subscription::SharedReads::default()))
        .data(login)
        .data(crate::webhooks::Rules::from_settings(&settings.webhooks))
        .data(query::StudyPrivacy {
            min_group_size: settings.study_min_group_size,
        });
    // Introspection is switched per request (see `handler::prepare`): administrators
    // keep the schema's documentation where it is off for everyone else.
    let schema = builder.finish();
    let shape = shape::SchemaShape::from_sdl(&schema.sdl())
        .context("reading the field types from the schema")?;
    Ok(handler::GraphqlEndpoint {
        schema,
        shape,
        authenticator: crate::auth::identify::Authenticator::new(keys, db.clone()),
        db,
        max_body_bytes: settings.http.graphql_max_body_bytes,
        limits: limits::QueryLimits {
            max_depth: graphql.max_depth,
            max_complexity: graphql.max_complexity,
            max_aliases: graphql.max_aliases,
            max_root_fields: graphql.max_root_fields,
            max_directives_per_field: graphql.max_directives,
            max_selections: graphql.max_selections,
            introspection: graphql.introspection,
        },
        max_batch: graphql.max_batch,
        max_variables_bytes: graphql.max_variables_bytes,
        timeout: Duration::from_millis(graphql.timeout_ms),
        persisted,
        documents: documents::DocumentCache::default(),
        labels,
        answers: response_cache::ResponseCache::new(
            settings.read_model.response_cache_kib.saturating_mul(1024),
        ),
        read_model,
        clients: subscription::clients::Clients::new(subscription::clients::Limits::from_settings(
            &settings.feed,
        )),
    })
}
