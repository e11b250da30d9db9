//! The query root, merged from one part per domain.

mod access;
mod charter;
mod geography;
mod node;
mod programmes;
mod register;

use async_graphql::MergedObject;

/// Read access to the register.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    geography::GeographyQuery,
    charter::CharterQuery,
    programmes::ProgrammeQuery,
    register::RegisterQuery,
    node::NodeQuery,
    access::AccessQuery,
);
