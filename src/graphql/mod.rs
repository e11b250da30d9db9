//! The GraphQL API: the schema (built without a database, so the SDL can be exported
//! anywhere), the HTTP handler, the GraphiQL page, per-request loaders, the query roots
//! merged from one part per domain, and the API types mapped from entities.

pub mod graphiql;
pub mod handler;
pub mod ids;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod schema;
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
