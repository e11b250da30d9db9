use crate::graphql::enums::{FocusArea, ParticipationRole, SupportAssessment};
use crate::graphql::types::payload::{payload, respond};
use crate::graphql::types::support::{CountyBoardSupport, ProgrammeParticipation};
use crate::graphql::{db, ids, request};
use crate::services::register::supporting;
use async_graphql::{Context, ID, Object, Result};

payload!(
    /// The result of a programme participation mutation.
    ProgrammeParticipationPayload { programme_participation: ProgrammeParticipation }
);
payload!(
    /// The result of recording county board support.
    CountyBoardSupportPayload { county_board_support: CountyBoardSupport }
);

#[derive(Default)]
pub struct SupportMutation;

#[Object]
impl SupportMutation {
    /// Records that an organisation takes part in a support programme.
    async fn add_programme_participation(
        &self,
        ctx: &Context<'_>,
        organisation_code: String,
        programme_code: String,
        from_year: i32,
        to_year: Option<i32>,
        #[graphql(default_with = "ParticipationRole::Participant")] role: ParticipationRole,
    ) -> Result<ProgrammeParticipationPayload> {
        let result = supporting::add_participation(
            db(ctx)?,
            request(ctx)?,
            &organisation_code,
            &programme_code,
            from_year,
            to_year,
            role.into(),
        )
        .await;
        respond(result, ProgrammeParticipation)
    }

    /// Ends a programme participation in the given year.
    async fn end_programme_participation(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        to_year: i32,
    ) -> Result<ProgrammeParticipationPayload> {
        let result = match ids::row_id(&id, "ProgrammeParticipation", "id") {
            Ok(row) => {
                supporting::end_participation(db(ctx)?, request(ctx)?, row, version, to_year).await
            }
            Err(e) => Err(e),
        };
        respond(result, ProgrammeParticipation)
    }

    /// Records the support the county board of the organisation's county gave in a year,
    /// and the organisation's assessment of it.
    async fn record_county_board_support(
        &self,
        ctx: &Context<'_>,
        organisation_code: String,
        year: i32,
        focus_areas: Vec<FocusArea>,
        assessment: SupportAssessment,
        notes: Option<String>,
    ) -> Result<CountyBoardSupportPayload> {
        let result = supporting::record_county_board_support(
            db(ctx)?,
            request(ctx)?,
            &organisation_code,
            year,
            focus_areas.into_iter().map(Into::into).collect(),
            assessment.into(),
            notes,
        )
        .await;
        respond(result, CountyBoardSupport)
    }
}
