//! Respondent groups, and the restricted records: participants and interviews.

use crate::graphql::enums::{
    ActionPlanSituation, AnswerDimension, Awareness, DataOrigin, GovernanceModel, Initiative,
    InterviewRole, Motive, RecordedGender, SupportWanted,
};
use crate::graphql::loaders::{
    AnswersOf, RespondentGroupId, SessionSizesOf, StudyParticipantId, load_list,
};
use crate::graphql::types::scalars::Date;
use crate::graphql::{ids, loaders};
use crate::services::studies::restricted;
use crate::services::writing::RequestContext;
use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use entity::{interview, interview_answer, respondent_group, study_participant};
use sea_orm::DatabaseConnection;

/// Extra fields of a study's interview list.
pub struct InterviewListInfo {
    pub db: DatabaseConnection,
    pub request: RequestContext,
    pub study_id: i32,
}

/// Extra fields of a study's interview list.
#[Object]
impl InterviewListInfo {
    /// How many interviews the study has, across all pages.
    async fn total_count(&self) -> Result<u64> {
        Ok(restricted::interview_count(&self.db, &self.request, self.study_id).await?)
    }
}

/// A page of interviews.
pub type InterviewConnection = Connection<String, Interview, InterviewListInfo, EmptyFields>;

/// A group of respondents: the member organisations' representatives, or a group that is
/// not a member (SKR, experts).
pub struct RespondentGroup(pub respondent_group::Model);

/// A group of respondents: the member organisations' representatives, or a group that is
/// not a member (SKR, experts).
#[Object]
impl RespondentGroup {
    /// Global id of the group: `recordInterview` takes it as `respondentGroupId`.
    pub async fn id(&self) -> ID {
        ids::encode("RespondentGroup", self.0.id)
    }

    /// A code, e.g. "MEMBER", "SKR", "EXPERTS".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The label the study used, e.g. "Sakkunniga".
    async fn label(&self) -> &str {
        &self.0.label
    }

    /// What the group is.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Whether its respondents represent member organisations.
    async fn is_member(&self) -> bool {
        self.0.is_member
    }
}

/// An organisation in a study, under a pseudonym (researchers and administrators only).
pub struct StudyParticipant(pub study_participant::Model);

/// An organisation in a study, under a pseudonym (researchers and administrators only).
#[Object]
impl StudyParticipant {
    /// Global id of the participant.
    pub async fn id(&self) -> ID {
        ids::encode("StudyParticipant", self.0.id)
    }

    /// The study's own reference, e.g. "P01".
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    /// The pseudonym, e.g. "Kommun A".
    async fn pseudonym(&self) -> &str {
        &self.0.pseudonym
    }

    /// MUNICIPALITY or REGION.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    /// Whether it was a signatory at the time of the study.
    async fn signatory_at_study(&self) -> bool {
        self.0.signatory_at_study
    }

    /// E.g. "never signed" or "withdrawn".
    async fn signatory_note(&self) -> Option<&str> {
        self.0.signatory_note.as_deref()
    }
}

/// One interviewee's interview: personal data, for researchers and administrators only.
pub struct Interview(pub interview::Model);

impl Interview {
    async fn answers_in(
        &self,
        ctx: &Context<'_>,
        dimension: AnswerDimension,
    ) -> Result<Vec<String>> {
        let answers: Vec<interview_answer::Model> =
            load_list(loaders(ctx)?, AnswersOf(self.0.id)).await?;
        Ok(answers
            .into_iter()
            .filter(|a| a.dimension == dimension.as_str())
            .map(|a| a.value)
            .collect())
    }

    async fn answer(
        &self,
        ctx: &Context<'_>,
        dimension: AnswerDimension,
    ) -> Result<Option<String>> {
        Ok(self.answers_in(ctx, dimension).await?.into_iter().next())
    }
}

/// A coded answer of an interview.
#[derive(SimpleObject)]
pub struct InterviewAnswer {
    /// The coded question, e.g. "RATING" or a dimension a later study added.
    pub dimension: String,
    /// The coded value.
    pub value: String,
}

/// One interviewee's interview: personal data, for researchers and administrators only.
#[Object]
impl Interview {
    /// Global id of the interview.
    pub async fn id(&self) -> ID {
        ids::encode("Interview", self.0.id)
    }

    /// The study's own reference, e.g. "I01".
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    /// The respondent group.
    async fn respondent_group(&self, ctx: &Context<'_>) -> Result<Option<RespondentGroup>> {
        Ok(loaders(ctx)?
            .load_one(RespondentGroupId(self.0.respondent_group_id))
            .await?
            .map(RespondentGroup))
    }

    /// The participating organisation (member groups only).
    async fn participant(&self, ctx: &Context<'_>) -> Result<Option<StudyParticipant>> {
        let Some(id) = self.0.participant_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .load_one(StudyParticipantId(id))
            .await?
            .map(StudyParticipant))
    }

    /// Interviewees interviewed together share a session.
    async fn session(&self) -> &str {
        &self.0.session
    }

    /// Whether several interviewees took part together.
    async fn group_interview(&self, ctx: &Context<'_>) -> Result<bool> {
        let sizes = loaders(ctx)?
            .load_one(SessionSizesOf(self.0.study_id))
            .await?
            .unwrap_or_default();
        Ok(sizes.get(&self.0.session).is_some_and(|n| *n > 1))
    }

    /// The interviewee's role.
    async fn role(&self) -> Option<InterviewRole> {
        InterviewRole::from_stored(&self.0.role)
    }

    /// Gender as recorded.
    async fn gender(&self) -> Option<RecordedGender> {
        RecordedGender::from_stored(&self.0.gender)
    }

    /// When the interview was held.
    async fn held_on(&self) -> Option<Date> {
        Date::from_stored(Some(&self.0.held_on))
    }

    /// How long it took.
    async fn duration_minutes(&self) -> i32 {
        self.0.duration_minutes
    }

    /// Whether it was held digitally.
    async fn digital(&self) -> bool {
        self.0.digital
    }

    /// REPORTED when researchers entered it; RECONSTRUCTED for the 2021 study's rows,
    /// made up to match the report's published figures, not the original records.
    async fn data_origin(&self) -> Option<DataOrigin> {
        DataOrigin::from_stored(&self.0.data_origin)
    }

    /// The signing year the interviewee gave, if known.
    async fn signing_year(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        Ok(self
            .answer(ctx, AnswerDimension::SigningYear)
            .await?
            .and_then(|v| v.parse().ok()))
    }

    /// The charter's importance for the equality work, 1 (very small) to 5 (very large).
    async fn rating(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
        Ok(self
            .answer(ctx, AnswerDimension::Rating)
            .await?
            .and_then(|v| v.parse().ok()))
    }

    /// Who took the initiative to sign.
    async fn initiative(&self, ctx: &Context<'_>) -> Result<Option<Initiative>> {
        Ok(self
            .answer(ctx, AnswerDimension::Initiative)
            .await?
            .as_deref()
            .and_then(Initiative::from_stored))
    }

    /// The governance model described.
    async fn governance_model(&self, ctx: &Context<'_>) -> Result<Option<GovernanceModel>> {
        Ok(self
            .answer(ctx, AnswerDimension::GovernanceModel)
            .await?
            .as_deref()
            .and_then(GovernanceModel::from_stored))
    }

    /// The organisation's action plan situation.
    async fn action_plan_situation(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<ActionPlanSituation>> {
        Ok(self
            .answer(ctx, AnswerDimension::ActionPlanSituation)
            .await?
            .as_deref()
            .and_then(ActionPlanSituation::from_stored))
    }

    /// Awareness of the commitment.
    async fn awareness(&self, ctx: &Context<'_>) -> Result<Option<Awareness>> {
        Ok(self
            .answer(ctx, AnswerDimension::Awareness)
            .await?
            .as_deref()
            .and_then(Awareness::from_stored))
    }

    /// Motives for signing.
    async fn motives(&self, ctx: &Context<'_>) -> Result<Vec<Motive>> {
        Ok(self
            .answers_in(ctx, AnswerDimension::Motive)
            .await?
            .iter()
            .filter_map(|v| Motive::from_stored(v))
            .collect())
    }

    /// Support wanted.
    async fn support_wanted(&self, ctx: &Context<'_>) -> Result<Vec<SupportWanted>> {
        Ok(self
            .answers_in(ctx, AnswerDimension::SupportWanted)
            .await?
            .iter()
            .filter_map(|v| SupportWanted::from_stored(v))
            .collect())
    }

    /// Every coded answer, including dimensions a later study added.
    async fn answers(&self, ctx: &Context<'_>) -> Result<Vec<InterviewAnswer>> {
        let answers: Vec<interview_answer::Model> =
            load_list(loaders(ctx)?, AnswersOf(self.0.id)).await?;
        Ok(answers
            .into_iter()
            .map(|a| InterviewAnswer {
                dimension: a.dimension,
                value: a.value,
            })
            .collect())
    }
}
