//! The mutation root, merged from one part per domain. Every mutation goes through a
//! service, and every service asks `auth::policy` first.

pub mod access;
mod admin;
mod register;
mod studies;
mod study_releases;
mod study_texts;
mod support;
mod webhooks;

use async_graphql::MergedObject;

/// Writes. Send `Authorization: Bearer <token>`; see `login`.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    register::RegisterMutation,
    support::SupportMutation,
    studies::StudyMutation,
    study_texts::StudyTextMutation,
    study_releases::StudyReleaseMutation,
    admin::AdminMutation,
    access::AccessMutation,
    webhooks::WebhookMutation,
);
