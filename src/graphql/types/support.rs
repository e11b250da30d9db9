//! Programme participation and county administrative board support.

use crate::graphql::enums::DataOrigin;
use crate::graphql::enums::{FocusArea, ParticipationRole, SupportAssessment};
use crate::graphql::loaders::{BoardId, FocusOf, OrganisationId, ProgrammeId, load_list};
use crate::graphql::types::county::CountyBoard;
use crate::graphql::types::organisation::Organisation;
use crate::graphql::types::programme::SupportProgramme;
use crate::graphql::{ids, loaders, snapshot};
use async_graphql::{Context, ID, Object, Result};
use entity::{county_board_strategy, county_board_support, programme_participation};

/// An organisation's part in one of SKR's support programmes.
pub struct ProgrammeParticipation(pub programme_participation::Model);

/// An organisation's part in one of SKR's support programmes.
#[Object]
impl ProgrammeParticipation {
    /// Global id of the participation.
    pub async fn id(&self) -> ID {
        ids::encode("ProgrammeParticipation", self.0.id)
    }

    /// The participating organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(loaders(ctx)?
            .load_one(OrganisationId(self.0.organisation_id))
            .await?
            .map(Organisation::new))
    }

    /// The programme.
    async fn programme(&self, ctx: &Context<'_>) -> Result<Option<SupportProgramme>> {
        if let Some(programme) = snapshot(ctx).and_then(|s| s.programme(self.0.programme_id)) {
            return Ok(Some(SupportProgramme(programme.clone())));
        }
        Ok(loaders(ctx)?
            .load_one(ProgrammeId(self.0.programme_id))
            .await?
            .map(SupportProgramme))
    }

    /// The first year of participation.
    async fn from_year(&self) -> i32 {
        self.0.from_year
    }

    /// The last year; null while it goes on.
    async fn to_year(&self) -> Option<i32> {
        self.0.to_year
    }

    /// The organisation's role, e.g. a model municipality.
    async fn role(&self) -> Option<ParticipationRole> {
        ParticipationRole::from_stored(&self.0.role)
    }

    /// SOURCED for documented facts, DEMO for generated demonstration data.
    async fn data_origin(&self) -> Option<DataOrigin> {
        DataOrigin::from_stored(&self.0.data_origin)
    }

    /// The record's version, incremented by every change; `endProgrammeParticipation`
    /// takes it.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A county board's strategy for gender mainstreaming over a period (each board wrote
/// one for 2018–2020).
pub struct CountyBoardStrategy(pub county_board_strategy::Model);

/// A county board's strategy for gender mainstreaming over a period (each board wrote
/// one for 2018–2020).
#[Object]
impl CountyBoardStrategy {
    /// Global id of the strategy.
    pub async fn id(&self) -> ID {
        ids::encode("CountyBoardStrategy", self.0.id)
    }

    /// The county board.
    async fn county_board(&self, ctx: &Context<'_>) -> Result<Option<CountyBoard>> {
        Ok(loaders(ctx)?
            .load_one(BoardId(self.0.county_board_id))
            .await?
            .map(CountyBoard))
    }

    /// The first year of the period.
    async fn period_start_year(&self) -> i32 {
        self.0.period_start_year
    }

    /// The last year of the period.
    async fn period_end_year(&self) -> i32 {
        self.0.period_end_year
    }

    /// The strategy's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// A link to the strategy document.
    async fn document_url(&self) -> Option<&str> {
        self.0.document_url.as_deref()
    }

    /// The citation this record rests on.
    async fn source(&self) -> &str {
        &self.0.source
    }

    /// SOURCED for documented facts, DEMO for generated demonstration data.
    async fn data_origin(&self) -> Option<DataOrigin> {
        DataOrigin::from_stored(&self.0.data_origin)
    }
}

/// Support a county board gave an organisation in a year, and how it was judged.
pub struct CountyBoardSupport(pub county_board_support::Model);

/// Support a county board gave an organisation in a year, and how it was judged.
#[Object]
impl CountyBoardSupport {
    /// Global id of the record.
    pub async fn id(&self) -> ID {
        ids::encode("CountyBoardSupport", self.0.id)
    }

    /// The county board that gave the support.
    async fn county_board(&self, ctx: &Context<'_>) -> Result<Option<CountyBoard>> {
        Ok(loaders(ctx)?
            .load_one(BoardId(self.0.county_board_id))
            .await?
            .map(CountyBoard))
    }

    /// The organisation supported.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(loaders(ctx)?
            .load_one(OrganisationId(self.0.organisation_id))
            .await?
            .map(Organisation::new))
    }

    /// The year.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// What the support was about.
    async fn focus_areas(&self, ctx: &Context<'_>) -> Result<Vec<FocusArea>> {
        load_list(loaders(ctx)?, FocusOf(self.0.id)).await
    }

    /// How the organisation judged it.
    async fn assessment(&self) -> Option<SupportAssessment> {
        SupportAssessment::from_stored(&self.0.assessment)
    }

    /// Notes on the assessment.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// SOURCED for documented facts, DEMO for generated demonstration data.
    async fn data_origin(&self) -> Option<DataOrigin> {
        DataOrigin::from_stored(&self.0.data_origin)
    }
}
