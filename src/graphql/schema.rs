//! Building the schema. Pure: no connection, no side effects, so `export-schema` and the
//! SDL test need no database; the service adds its connection as schema data.

use crate::graphql::mutation::MutationRoot;
use crate::graphql::query::QueryRoot;
use crate::graphql::subscription::SubscriptionRoot;
use async_graphql::{Schema, SchemaBuilder};

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// The schema with its types and limits, ready for data.
pub fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}
