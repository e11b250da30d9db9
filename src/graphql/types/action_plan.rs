//! Action plans and their follow-up reports.

use crate::graphql::enums::{DataOrigin, DecisionBody};
use crate::graphql::loaders::{
    ActionPlanId, ArticlesOf, FollowUpCountOf, FollowUpsOf, OrganisationId, load_list,
};
use crate::graphql::types::charter::CharterArticle;
use crate::graphql::types::organisation::Organisation;
use crate::graphql::types::paging::{NESTED_FIRST, first_of, nested_first};
use crate::graphql::types::scalars::Date;
use crate::graphql::{ids, loaders, snapshot};
use async_graphql::{Context, ID, Object, Result};
use entity::{action_plan, follow_up_report};

/// An equality action plan: the priorities, actions and resources a signatory commits to
/// within two years of signing.
pub struct ActionPlan(pub action_plan::Model);

/// An equality action plan: the priorities, actions and resources a signatory commits to
/// within two years of signing.
#[Object]
impl ActionPlan {
    /// Global id of the plan.
    pub async fn id(&self) -> ID {
        ids::encode("ActionPlan", self.0.id)
    }

    /// The organisation whose plan it is.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(loaders(ctx)?
            .load_one(OrganisationId(self.0.organisation_id))
            .await?
            .map(Organisation::new))
    }

    /// The plan's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// When it was adopted; null while the plan is only intended.
    async fn adopted_on(&self) -> Option<Date> {
        Date::from_stored(self.0.adopted_on.as_deref())
    }

    /// The body that adopted it.
    async fn decision_body(&self) -> Option<DecisionBody> {
        DecisionBody::from_stored(&self.0.decision_body)
    }

    /// The first year the plan covers.
    async fn period_start_year(&self) -> Option<i32> {
        self.0.period_start_year
    }

    /// The last year the plan covers.
    async fn period_end_year(&self) -> Option<i32> {
        self.0.period_end_year
    }

    /// Its priorities.
    async fn priorities(&self) -> &str {
        &self.0.priorities
    }

    /// The resources set aside.
    async fn resources(&self) -> &str {
        &self.0.resources
    }

    /// A link to the plan document.
    async fn document_url(&self) -> Option<&str> {
        self.0.document_url.as_deref()
    }

    /// The charter articles the plan addresses, in number order.
    async fn articles(&self, ctx: &Context<'_>) -> Result<Vec<CharterArticle>> {
        let rows = load_list(loaders(ctx)?, ArticlesOf(self.0.id)).await?;
        Ok(rows.into_iter().map(CharterArticle).collect())
    }

    /// Follow-up reports on the plan, oldest first.
    async fn follow_ups(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "NESTED_FIRST",
            desc = "How many (0 to 100; 100 when not given)."
        )]
        first: i32,
    ) -> Result<Vec<FollowUpReport>> {
        if let Some(snapshot) = snapshot(ctx).filter(|s| s.has_plan(self.0.id)) {
            return first_of(snapshot.follow_ups_of(self.0.id), first, FollowUpReport);
        }
        let rows = load_list(loaders(ctx)?, FollowUpsOf(self.0.id)).await?;
        Ok(nested_first(rows, first)?
            .into_iter()
            .map(FollowUpReport)
            .collect())
    }

    /// How many follow-up reports the plan has (`followUps` gives at most 100 of them).
    async fn follow_up_count(&self, ctx: &Context<'_>) -> Result<i64> {
        if let Some(snapshot) = snapshot(ctx).filter(|s| s.has_plan(self.0.id)) {
            return Ok(snapshot.follow_up_count(self.0.id));
        }
        Ok(loaders(ctx)?
            .load_one(FollowUpCountOf(self.0.id))
            .await?
            .unwrap_or(0))
    }

    /// SOURCED for documented facts, DEMO for generated demonstration data.
    async fn data_origin(&self) -> Option<DataOrigin> {
        DataOrigin::from_stored(&self.0.data_origin)
    }

    /// The record's version, incremented by every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the record last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// A report following up an action plan.
pub struct FollowUpReport(pub follow_up_report::Model);

/// A report following up an action plan.
#[Object]
impl FollowUpReport {
    /// Global id of the report.
    pub async fn id(&self) -> ID {
        ids::encode("FollowUpReport", self.0.id)
    }

    /// The plan followed up.
    async fn action_plan(&self, ctx: &Context<'_>) -> Result<Option<ActionPlan>> {
        Ok(loaders(ctx)?
            .load_one(ActionPlanId(self.0.action_plan_id))
            .await?
            .map(ActionPlan))
    }

    /// When the report was made.
    async fn reported_on(&self) -> Option<Date> {
        Date::from_stored(Some(&self.0.reported_on))
    }

    /// What it found.
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// SOURCED for documented facts, DEMO for generated demonstration data.
    async fn data_origin(&self) -> Option<DataOrigin> {
        DataOrigin::from_stored(&self.0.data_origin)
    }
}
