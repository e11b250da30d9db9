use crate::graphql::enums::{CharterEdition, DatePrecision, DecisionBody, Initiative, Motive};
use crate::graphql::types::action_plan::{ActionPlan, FollowUpReport};
use crate::graphql::types::payload::{payload, respond};
use crate::graphql::types::scalars::Date;
use crate::graphql::types::signature::Signature;
use crate::graphql::{db, ids, request};
use crate::services::register::planning::{self, PlanFacts};
use crate::services::register::signing::{self, SignatureFacts};
use async_graphql::{Context, ID, InputObject, Object, Result};

payload!(
    /// The result of a signature mutation.
    SignaturePayload { signature: Signature }
);
payload!(
    /// The result of an action plan mutation.
    ActionPlanPayload { action_plan: ActionPlan }
);
payload!(
    /// The result of adding a follow-up report.
    FollowUpReportPayload { follow_up_report: FollowUpReport }
);

/// What a signature says.
#[derive(InputObject)]
pub struct SignatureFactsInput {
    /// The signing date; for MONTH or YEAR any day of that month or year; empty when
    /// UNKNOWN. Not before May 2006, not in the future.
    pub signed_on: Option<Date>,
    /// How precisely the date is known.
    pub signed_precision: DatePrecision,
    /// For UNKNOWN precision: the date the signing happened not later than.
    pub not_later_than: Option<Date>,
    /// The date of the political decision, when it differs from the signing.
    pub decided_on: Option<Date>,
    /// The deciding body.
    #[graphql(default_with = "DecisionBody::Unknown")]
    pub decision_body: DecisionBody,
    /// The decision's reference (diarienummer).
    pub decision_reference: Option<String>,
    /// Who took the initiative.
    #[graphql(default_with = "Initiative::Unknown")]
    pub initiative: Initiative,
    /// The motives given.
    #[graphql(default)]
    pub motives: Vec<Motive>,
    /// The text signed.
    #[graphql(default_with = "CharterEdition::Charter2006")]
    pub charter_edition: CharterEdition,
    /// For a 2006 signatory: when it adopted articles 31–39.
    pub new_articles_adopted_on: Option<Date>,
    /// The citation the record rests on; defaults to "reported through cemr-api".
    pub source: Option<String>,
    /// A free-text note.
    pub note: Option<String>,
    /// A day after `actionPlanDueOn` on which the organisation was known to have no
    /// action plan; given with `planMissingSource`, it makes the status OVERDUE (without
    /// it, a passed due date is NO_PLAN_ON_RECORD). Not in the future.
    pub plan_missing_on: Option<Date>,
    /// The citation saying the plan was missing (required with `planMissingOn`).
    pub plan_missing_source: Option<String>,
}

impl From<SignatureFactsInput> for SignatureFacts {
    fn from(input: SignatureFactsInput) -> Self {
        Self {
            signed_on: input.signed_on.map(|d| d.0),
            precision: input.signed_precision.into(),
            not_later_than: input.not_later_than.map(|d| d.0),
            decided_on: input.decided_on.map(|d| d.0),
            decision_body: input.decision_body.into(),
            decision_reference: input.decision_reference,
            initiative: input.initiative.into(),
            motives: input.motives.into_iter().map(Into::into).collect(),
            charter_edition: input.charter_edition.into(),
            new_articles_adopted_on: input.new_articles_adopted_on.map(|d| d.0),
            source: input.source,
            note: input.note,
            plan_missing_on: input.plan_missing_on.map(|d| d.0),
            plan_missing_source: input.plan_missing_source,
        }
    }
}

/// What an action plan says.
#[derive(InputObject)]
pub struct ActionPlanFactsInput {
    /// The plan's title.
    pub title: String,
    /// When it was adopted; empty while it is only intended.
    pub adopted_on: Option<Date>,
    /// The adopting body.
    #[graphql(default_with = "DecisionBody::Unknown")]
    pub decision_body: DecisionBody,
    /// The first year the plan covers (2006–2100). Plans are made ahead: a 2027–2030
    /// plan adopted in 2026 is normal.
    pub period_start_year: Option<i32>,
    /// The last year the plan covers: not before the first, at most ten years in all,
    /// and not before the year of adoption.
    pub period_end_year: Option<i32>,
    /// Its priorities.
    #[graphql(default)]
    pub priorities: String,
    /// The resources set aside.
    #[graphql(default)]
    pub resources: String,
    /// A link to the plan document (http or https).
    pub document_url: Option<String>,
}

impl From<ActionPlanFactsInput> for PlanFacts {
    fn from(input: ActionPlanFactsInput) -> Self {
        Self {
            title: input.title,
            adopted_on: input.adopted_on.map(|d| d.0),
            decision_body: input.decision_body.into(),
            period_start_year: input.period_start_year,
            period_end_year: input.period_end_year,
            priorities: input.priorities,
            resources: input.resources,
            document_url: input.document_url,
        }
    }
}

#[derive(Default)]
pub struct RegisterMutation;

#[Object]
impl RegisterMutation {
    /// Registers a signing as the organisation's current signature (members: their own
    /// organisation). An organisation that withdrew may sign again; its earlier
    /// signature stays as history.
    async fn register_signature(
        &self,
        ctx: &Context<'_>,
        organisation_code: String,
        facts: SignatureFactsInput,
    ) -> Result<SignaturePayload> {
        respond(
            signing::register(db(ctx)?, request(ctx)?, &organisation_code, facts.into()).await,
            Signature,
        )
    }

    /// Replaces what a signature says; `version` must be the one you read.
    async fn update_signature(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        facts: SignatureFactsInput,
    ) -> Result<SignaturePayload> {
        let result = match ids::row_id(&id, "Signature", "id") {
            Ok(row) => signing::update(db(ctx)?, request(ctx)?, row, version, facts.into()).await,
            Err(e) => Err(e),
        };
        respond(result, Signature)
    }

    /// Records that the organisation left the charter.
    async fn withdraw_signature(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        withdrawn_on: Date,
        reason: Option<String>,
    ) -> Result<SignaturePayload> {
        let result = match ids::row_id(&id, "Signature", "id") {
            Ok(row) => {
                signing::withdraw(
                    db(ctx)?,
                    request(ctx)?,
                    row,
                    version,
                    withdrawn_on.0,
                    reason,
                )
                .await
            }
            Err(e) => Err(e),
        };
        respond(result, Signature)
    }

    /// Creates an action plan of an organisation, with the charter articles it addresses.
    async fn create_action_plan(
        &self,
        ctx: &Context<'_>,
        organisation_code: String,
        facts: ActionPlanFactsInput,
        #[graphql(default)] article_numbers: Vec<i32>,
    ) -> Result<ActionPlanPayload> {
        respond(
            planning::create(
                db(ctx)?,
                request(ctx)?,
                &organisation_code,
                facts.into(),
                article_numbers,
            )
            .await,
            ActionPlan,
        )
    }

    /// Replaces what an action plan says; its articles too when `articleNumbers` is given.
    async fn update_action_plan(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        facts: ActionPlanFactsInput,
        article_numbers: Option<Vec<i32>>,
    ) -> Result<ActionPlanPayload> {
        let result = match ids::row_id(&id, "ActionPlan", "id") {
            Ok(row) => {
                planning::update(
                    db(ctx)?,
                    request(ctx)?,
                    row,
                    version,
                    facts.into(),
                    article_numbers,
                )
                .await
            }
            Err(e) => Err(e),
        };
        respond(result, ActionPlan)
    }

    /// Sets the charter articles an action plan addresses.
    async fn set_action_plan_articles(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        article_numbers: Vec<i32>,
    ) -> Result<ActionPlanPayload> {
        let result = match ids::row_id(&id, "ActionPlan", "id") {
            Ok(row) => {
                planning::set_articles(db(ctx)?, request(ctx)?, row, version, article_numbers).await
            }
            Err(e) => Err(e),
        };
        respond(result, ActionPlan)
    }

    /// Adds a follow-up report to an adopted action plan.
    async fn add_follow_up_report(
        &self,
        ctx: &Context<'_>,
        action_plan_id: ID,
        reported_on: Date,
        summary: String,
    ) -> Result<FollowUpReportPayload> {
        let result = match ids::row_id(&action_plan_id, "ActionPlan", "actionPlanId") {
            Ok(row) => {
                planning::add_follow_up(db(ctx)?, request(ctx)?, row, reported_on.0, summary).await
            }
            Err(e) => Err(e),
        };
        respond(result, FollowUpReport)
    }
}
