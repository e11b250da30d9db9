use crate::graphql::enums::OrganisationKind;
use crate::graphql::types::organisation::Organisation;
use crate::graphql::types::payload::{payload, respond};
use crate::graphql::types::programme::SupportProgramme;
use crate::graphql::types::support::CountyBoardStrategy;
use crate::graphql::{db, request};
use crate::services::admin::{self, OrganisationFacts, ProgrammeFacts, StrategyFacts};
use async_graphql::{Context, InputObject, Object, Result};

payload!(
    /// The result of an organisation mutation.
    OrganisationPayload { organisation: Organisation }
);
payload!(
    /// The result of a support programme mutation.
    SupportProgrammePayload { support_programme: SupportProgramme }
);
payload!(
    /// The result of adding a county board strategy.
    CountyBoardStrategyPayload { county_board_strategy: CountyBoardStrategy }
);

/// What an organisation is.
#[derive(InputObject)]
pub struct OrganisationFactsInput {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: OrganisationKind,
    /// The county it lies in, if any (two-digit SCB code).
    pub county_code: Option<String>,
}

/// What a support programme is.
#[derive(InputObject)]
pub struct SupportProgrammeFactsInput {
    /// Its Swedish name.
    pub name: String,
    /// Its English name.
    pub name_en: String,
    /// Its first year.
    pub start_year: i32,
    /// Its last year; empty while it runs.
    pub end_year: Option<i32>,
    /// Whether taking part requires a documented political commitment.
    pub requires_political_commitment: bool,
    /// What it is.
    #[graphql(default)]
    pub description: String,
}

impl From<SupportProgrammeFactsInput> for ProgrammeFacts {
    fn from(input: SupportProgrammeFactsInput) -> Self {
        Self {
            name_sv: input.name,
            name_en: input.name_en,
            start_year: input.start_year,
            end_year: input.end_year,
            requires_political_commitment: input.requires_political_commitment,
            description: input.description,
        }
    }
}

fn organisation_facts(input: OrganisationFactsInput) -> OrganisationFacts {
    OrganisationFacts {
        name: input.name,
        kind: input.kind.into(),
        county_code: input.county_code,
    }
}

#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Adds an organisation outside the reference data, e.g. a municipal federation
    /// (administrators).
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        code: String,
        facts: OrganisationFactsInput,
    ) -> Result<OrganisationPayload> {
        respond(
            admin::create_organisation(db(ctx)?, request(ctx)?, &code, organisation_facts(facts))
                .await,
            Organisation::new,
        )
    }

    /// Changes an organisation (administrators).
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        code: String,
        version: i32,
        facts: OrganisationFactsInput,
    ) -> Result<OrganisationPayload> {
        respond(
            admin::update_organisation(
                db(ctx)?,
                request(ctx)?,
                &code,
                version,
                organisation_facts(facts),
            )
            .await,
            Organisation::new,
        )
    }

    /// Adds a support programme (administrators).
    async fn create_support_programme(
        &self,
        ctx: &Context<'_>,
        code: String,
        facts: SupportProgrammeFactsInput,
    ) -> Result<SupportProgrammePayload> {
        respond(
            admin::create_programme(db(ctx)?, request(ctx)?, &code, facts.into()).await,
            SupportProgramme,
        )
    }

    /// Changes a support programme (administrators).
    async fn update_support_programme(
        &self,
        ctx: &Context<'_>,
        code: String,
        version: i32,
        facts: SupportProgrammeFactsInput,
    ) -> Result<SupportProgrammePayload> {
        respond(
            admin::update_programme(db(ctx)?, request(ctx)?, &code, version, facts.into()).await,
            SupportProgramme,
        )
    }

    /// Adds a county board's gender-mainstreaming strategy for a period (administrators).
    async fn add_county_board_strategy(
        &self,
        ctx: &Context<'_>,
        county_code: String,
        period_start_year: i32,
        period_end_year: i32,
        title: String,
        document_url: Option<String>,
        source: String,
    ) -> Result<CountyBoardStrategyPayload> {
        let facts = StrategyFacts {
            period_start_year,
            period_end_year,
            title,
            document_url,
            source,
        };
        respond(
            admin::add_strategy(db(ctx)?, request(ctx)?, &county_code, facts).await,
            CountyBoardStrategy,
        )
    }
}
