//! Building the schema. Pure: no connection, no side effects, so `export-schema` and the
//! SDL test need no database; the service adds its connection as schema data.

use crate::graphql::mutation::MutationRoot;
use crate::graphql::query::QueryRoot;
use async_graphql::{EmptySubscription, Schema, SchemaBuilder};

pub type AppSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// The schema with its types and limits, ready for data.
pub fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
