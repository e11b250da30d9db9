use crate::error::AppResult;
use crate::graphql::enums::{FindingKind, InterviewRole, RecordedGender};
use crate::graphql::types::payload::{payload, respond};
use crate::graphql::types::scalars::Date;
use crate::graphql::types::study::{
    Interview, Quote, RespondentGroup, Seminar, Study, StudyFinding, StudyParticipant,
};
use crate::graphql::{db, ids, request};
use crate::services::studies::recording::{
    self, InterviewFacts, ParticipantFacts, QuoteFacts, StudyFacts,
};
use async_graphql::{Context, ID, InputObject, Object, Result};

payload!(
    /// The result of creating a study.
    StudyPayload { study: Study }
);
payload!(
    /// The result of adding a respondent group.
    RespondentGroupPayload { respondent_group: RespondentGroup }
);
payload!(
    /// The result of adding a participant.
    StudyParticipantPayload { participant: StudyParticipant }
);
payload!(
    /// The result of recording an interview.
    InterviewPayload { interview: Interview }
);
payload!(
    /// The result of adding a quote.
    QuotePayload { quote: Quote }
);
payload!(
    /// The result of adding a seminar.
    SeminarPayload { seminar: Seminar }
);
payload!(
    /// The result of adding a finding.
    StudyFindingPayload { finding: StudyFinding }
);

/// A study.
#[derive(InputObject)]
pub struct StudyInput {
    /// A stable key: lower-case letters, digits, hyphens.
    pub slug: String,
    /// The title.
    pub title: String,
    /// The year of publication.
    pub year: i32,
    /// The period covered, e.g. "2025-2026".
    #[graphql(default)]
    pub period: String,
    /// Who commissioned it.
    pub commissioned_by: String,
    /// Who performed it.
    pub performed_by: String,
    /// How it is done.
    #[graphql(default)]
    pub method: String,
    /// What its data are.
    #[graphql(default)]
    pub description: String,
    /// Its questions, in order.
    #[graphql(default)]
    pub questions: Vec<String>,
}

/// A coded answer: a dimension (RATING, MOTIVE, …, or a new one) and a value.
#[derive(InputObject)]
pub struct AnswerInput {
    /// The coded question, an upper-case code.
    pub dimension: String,
    /// The coded value; validated for known dimensions (e.g. RATING 1–5).
    pub value: String,
}

/// An interview.
#[derive(InputObject)]
pub struct InterviewInput {
    /// The study's own reference.
    pub reference: String,
    /// The respondent group's id.
    pub respondent_group_id: i32,
    /// The participant (member groups), global id.
    pub participant_id: Option<ID>,
    /// Interviewees interviewed together share a session (default: their own).
    pub session: Option<String>,
    /// The role.
    pub role: InterviewRole,
    /// Gender as recorded.
    #[graphql(default_with = "RecordedGender::NotRecorded")]
    pub gender: RecordedGender,
    /// When it was held.
    pub held_on: Date,
    /// How long it took.
    pub duration_minutes: i32,
    /// Whether it was digital.
    #[graphql(default = true)]
    pub digital: bool,
    /// The coded answers.
    #[graphql(default)]
    pub answers: Vec<AnswerInput>,
}

/// Attendance of a seminar from one group.
#[derive(InputObject)]
pub struct AttendanceInput {
    /// The group, e.g. MUNICIPALITY.
    pub group: String,
    /// Organisations, if known.
    pub organisations: Option<i32>,
    /// People, if known.
    pub participants: Option<i32>,
}

fn study_id(id: &ID) -> AppResult<i32> {
    ids::row_id(id, "Study", "studyId")
}

#[derive(Default)]
pub struct StudyMutation;

#[Object]
impl StudyMutation {
    /// Creates a study (researchers and administrators).
    async fn create_study(&self, ctx: &Context<'_>, input: StudyInput) -> Result<StudyPayload> {
        let facts = StudyFacts {
            slug: input.slug,
            title: input.title,
            year: input.year,
            period: input.period,
            commissioned_by: input.commissioned_by,
            performed_by: input.performed_by,
            method: input.method,
            description: input.description,
            questions: input.questions,
        };
        respond(
            recording::create_study(db(ctx)?, request(ctx)?, facts).await,
            Study,
        )
    }

    /// Adds a respondent group to a study (researchers and administrators).
    async fn add_respondent_group(
        &self,
        ctx: &Context<'_>,
        study_id: ID,
        code: String,
        label: String,
        #[graphql(default)] description: String,
        is_member: bool,
    ) -> Result<RespondentGroupPayload> {
        let result = match self::study_id(&study_id) {
            Ok(id) => {
                recording::add_group(
                    db(ctx)?,
                    request(ctx)?,
                    id,
                    &code,
                    &label,
                    &description,
                    is_member,
                )
                .await
            }
            Err(e) => Err(e),
        };
        respond(result, RespondentGroup)
    }

    /// Adds a participating organisation under a pseudonym (researchers and
    /// administrators).
    async fn add_study_participant(
        &self,
        ctx: &Context<'_>,
        study_id: ID,
        reference: String,
        pseudonym: String,
        kind: String,
        signatory_at_study: bool,
        signatory_note: Option<String>,
    ) -> Result<StudyParticipantPayload> {
        let facts = ParticipantFacts {
            reference,
            pseudonym,
            kind,
            signatory_at_study,
            signatory_note,
        };
        let result = match self::study_id(&study_id) {
            Ok(id) => recording::add_participant(db(ctx)?, request(ctx)?, id, facts).await,
            Err(e) => Err(e),
        };
        respond(result, StudyParticipant)
    }

    /// Records an interview with its coded answers (researchers and administrators).
    async fn record_interview(
        &self,
        ctx: &Context<'_>,
        study_id: ID,
        input: InterviewInput,
    ) -> Result<InterviewPayload> {
        let participant = match &input.participant_id {
            Some(id) => ids::row_id(id, "StudyParticipant", "participantId").map(Some),
            None => Ok(None),
        };
        let result = match (self::study_id(&study_id), participant) {
            (Ok(id), Ok(participant_id)) => {
                let facts = InterviewFacts {
                    reference: input.reference,
                    respondent_group_id: input.respondent_group_id,
                    participant_id,
                    session: input.session,
                    role: input.role.into(),
                    gender: input.gender.into(),
                    held_on: input.held_on.0,
                    duration_minutes: input.duration_minutes,
                    digital: input.digital,
                    answers: input
                        .answers
                        .into_iter()
                        .map(|a| (a.dimension, a.value))
                        .collect(),
                };
                recording::record_interview(db(ctx)?, request(ctx)?, id, facts).await
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        respond(result, Interview)
    }

    /// Adds a published quote with its coarse attribution (researchers and
    /// administrators).
    async fn add_quote(
        &self,
        ctx: &Context<'_>,
        study_id: ID,
        text: String,
        attribution: String,
        role: InterviewRole,
        organisation_kind: String,
        #[graphql(default)] section: String,
        #[graphql(default)] themes: Vec<String>,
    ) -> Result<QuotePayload> {
        let facts = QuoteFacts {
            text,
            attribution,
            role: role.into(),
            organisation_kind,
            section,
            themes,
        };
        let result = match self::study_id(&study_id) {
            Ok(id) => recording::add_quote(db(ctx)?, request(ctx)?, id, facts).await,
            Err(e) => Err(e),
        };
        respond(result, Quote)
    }

    /// Adds an analysis seminar (researchers and administrators).
    async fn add_seminar(
        &self,
        ctx: &Context<'_>,
        study_id: ID,
        number: i32,
        held_on: Option<Date>,
        #[graphql(default)] description: String,
        #[graphql(default)] attendance: Vec<AttendanceInput>,
    ) -> Result<SeminarPayload> {
        let attendance = attendance
            .into_iter()
            .map(|a| (a.group, a.organisations, a.participants))
            .collect();
        let result = match self::study_id(&study_id) {
            Ok(id) => {
                recording::add_seminar(
                    db(ctx)?,
                    request(ctx)?,
                    id,
                    number,
                    held_on.map(|d| d.0),
                    description,
                    attendance,
                )
                .await
            }
            Err(e) => Err(e),
        };
        respond(result, Seminar)
    }

    /// Adds a finding, recommendation or proposal (researchers and administrators).
    async fn add_study_finding(
        &self,
        ctx: &Context<'_>,
        study_id: ID,
        kind: FindingKind,
        number: i32,
        title: String,
        #[graphql(default)] text: String,
        #[graphql(default)] section: String,
    ) -> Result<StudyFindingPayload> {
        let result = match self::study_id(&study_id) {
            Ok(id) => {
                recording::add_finding(
                    db(ctx)?,
                    request(ctx)?,
                    id,
                    kind.into(),
                    number,
                    title,
                    text,
                    section,
                )
                .await
            }
            Err(e) => Err(e),
        };
        respond(result, StudyFinding)
    }
}
