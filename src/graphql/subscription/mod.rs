//! The subscription root: live changes of the register, from the change feed.
//!
//! Each event tells its position (to resume with `after:` after a reconnect), the kind
//! of change and the record, and gives the record's organisation in its current state
//! through the ordinary types, so a client can update its cache. Restricted changes
//! (accounts, tokens, study data) reach only callers allowed to read them.

pub mod clients;
mod event;
mod shared;
pub mod socket;

pub use event::{ChangeEvent, ChangeKind};

pub use shared::SharedReads;

use crate::feed::event::{position_of, readable_by};
use crate::feed::{Feed, Position, live};
use crate::graphql::types::organisation::OrganisationFilterInput;
use crate::graphql::{db, request};
use async_graphql::{Context, Result, Subscription};
use futures_util::{Stream, StreamExt};
use std::sync::Arc;

/// The record types of the register whose changes `registerChanged` tells.
const REGISTER_RECORD_TYPES: &[&str] = &[
    "Organisation",
    "Signature",
    "ActionPlan",
    "FollowUpReport",
    "ProgrammeParticipation",
    "CountyBoardSupport",
];

/// Live changes.
#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Changes of the register (signatures, action plans, follow-up reports, programme
    /// participations, county board support, the organisations themselves) of the
    /// organisations the filter selects (the same filter as `signatories`, applied to
    /// each organisation as it is when its change arrives). With `after:` (a position
    /// an earlier event gave) the changes since then come first, then live ones, with
    /// none missed and none repeated.
    async fn register_changed(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganisationFilterInput>,
        after: Option<String>,
    ) -> Result<impl Stream<Item = ChangeEvent> + use<>> {
        let filter = filter.unwrap_or_default().into_filter();
        filter.validate().map_err(async_graphql::Error::from)?;
        let (events, db) = changes(ctx, after)?;
        let shared = Arc::clone(ctx.data::<Arc<SharedReads>>()?);
        let filter = Arc::new(filter);
        Ok(events.filter_map(move |event| {
            let (filter, db, shared) = (filter.clone(), db.clone(), shared.clone());
            async move {
                if !REGISTER_RECORD_TYPES.contains(&event.0.record_type.as_str()) {
                    return None;
                }
                let code = event.0.organisation_code.as_deref()?;
                shared
                    .selects(&db, position_of(&event.0), &filter, code)
                    .await
                    .then_some(event)
            }
        }))
    }

    /// Changes of one organisation's records (by its exact code), those of the register
    /// and, for callers allowed to read them, restricted ones such as its API tokens.
    /// `after:` resumes as in `registerChanged`.
    async fn organisation_changed(
        &self,
        ctx: &Context<'_>,
        code: String,
        after: Option<String>,
    ) -> Result<impl Stream<Item = ChangeEvent> + use<>> {
        let (events, _) = changes(ctx, after)?;
        Ok(events.filter(move |event| {
            std::future::ready(event.0.organisation_code.as_deref() == Some(code.as_str()))
        }))
    }
}

type Changes = (
    std::pin::Pin<Box<dyn Stream<Item = ChangeEvent> + Send>>,
    sea_orm::DatabaseConnection,
);

/// The events after `after` the caller may read.
fn changes(ctx: &Context<'_>, after: Option<String>) -> Result<Changes> {
    let after = match after {
        None => None,
        Some(text) => Some(Position::parse(&text).ok_or_else(|| {
            async_graphql::Error::from(crate::error::AppError::bad_input(
                "`after` must be a position an event gave",
            ))
        })?),
    };
    let feed = ctx.data::<Feed>()?.clone();
    let caller = request(ctx)?.caller.clone();
    let db = db(ctx)?.clone();
    let events = live::events(feed, after)
        .filter(move |event| std::future::ready(readable_by(event, &caller)))
        .map(ChangeEvent);
    Ok((Box::pin(events), db))
}
