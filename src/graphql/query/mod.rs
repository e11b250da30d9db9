//! The query root, merged from one part per domain.

mod access;
mod charter;
mod geography;
mod node;
mod programmes;
mod register;
mod studies;
mod webhooks;

pub use studies::StudyPrivacy;

use async_graphql::MergedObject;

/// Read access to the register.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    geography::GeographyQuery,
    charter::CharterQuery,
    programmes::ProgrammeQuery,
    register::RegisterQuery,
    studies::StudyQuery,
    node::NodeQuery,
    access::AccessQuery,
    webhooks::WebhookQuery,
);
