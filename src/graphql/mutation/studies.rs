//! Researchers' writes of a study's records: the study, its codebooks, respondent
//! groups, participants and interviews.

use crate::domain::codebook::{CodeDef, CodebookDef};
use crate::error::AppResult;
use crate::graphql::enums::{InterviewRole, RecordedGender};
use crate::graphql::types::payload::{payload, respond};
use crate::graphql::types::scalars::Date;
use crate::graphql::types::study::{
    Codebook, CodebookLevel, Interview, RespondentGroup, Study, StudyParticipant,
};
use crate::graphql::{db, ids, request};
use crate::services::studies::recording::{self, InterviewFacts, ParticipantFacts, StudyFacts};
use crate::services::studies::releases::data;
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
    /// The result of defining a codebook.
    CodebookPayload { codebook: Codebook }
);
payload!(
    /// The result of recording an interview.
    InterviewPayload { interview: Interview }
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

/// A coded answer: a dimension with a codebook (RATING, MOTIVE, …, or one the study
/// defined) and one of its values.
#[derive(InputObject)]
pub struct AnswerInput {
    /// The coded question, an upper-case code.
    pub dimension: String,
    /// The coded value: one of the dimension's codebook values.
    pub value: String,
}

/// An interview.
#[derive(InputObject)]
pub struct InterviewInput {
    /// The study's own reference.
    pub reference: String,
    /// The respondent group's global id (`study.respondentGroups.id`).
    pub respondent_group_id: ID,
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
    /// The coded answers, each in the study's codebook for its dimension.
    #[graphql(default)]
    pub answers: Vec<AnswerInput>,
}

/// One allowed value of a codebook.
#[derive(InputObject)]
pub struct CodeInput {
    /// The code interviews will record: an upper-case code (for a known dimension, a
    /// valid value of it, e.g. 1–5 for RATING).
    pub value: String,
    /// The Swedish label.
    pub label_sv: String,
    /// The English label.
    pub label_en: String,
}

/// A codebook: a coded dimension and its allowed values, in the order breakdowns list
/// them.
#[derive(InputObject)]
pub struct CodebookInput {
    /// The dimension, an upper-case code, e.g. "DIGITAL_MATURITY".
    pub dimension: String,
    /// The Swedish label.
    pub label_sv: String,
    /// The English label.
    pub label_en: String,
    /// PERSON (each interviewee answers) or ORGANISATION (a fact about the organisation,
    /// one value per organisation).
    #[graphql(default_with = "CodebookLevel::Person")]
    pub level: CodebookLevel,
    /// Whether one interview may give several values.
    #[graphql(default)]
    pub multiple: bool,
    /// The allowed values, in order.
    pub values: Vec<CodeInput>,
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
        let group = ids::row_id(
            &input.respondent_group_id,
            "RespondentGroup",
            "respondentGroupId",
        );
        let result = match (self::study_id(&study_id), participant, group) {
            (Ok(id), Ok(participant_id), Ok(respondent_group_id)) => {
                let facts = InterviewFacts {
                    reference: input.reference,
                    respondent_group_id,
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
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(e),
        };
        respond(result, Interview)
    }

    /// Defines the codebook of a coded dimension before interviews use it (researchers
    /// and administrators). The known dimensions have standard codebooks already.
    async fn define_codebook(
        &self,
        ctx: &Context<'_>,
        study_id: ID,
        input: CodebookInput,
    ) -> Result<CodebookPayload> {
        let def = CodebookDef {
            dimension: input.dimension,
            level: input.level.into(),
            multiple: input.multiple,
            label_sv: input.label_sv,
            label_en: input.label_en,
            values: input
                .values
                .into_iter()
                .map(|c| CodeDef {
                    value: c.value,
                    label_sv: c.label_sv,
                    label_en: c.label_en,
                })
                .collect(),
        };
        let result = match self::study_id(&study_id) {
            Ok(id) => {
                let db = db(ctx)?;
                match recording::define_codebook(db, request(ctx)?, id, def).await {
                    Ok(book) => data::codebooks(db, id)
                        .await
                        .map(|all| all.into_iter().find(|c| c.book.id == book.id)),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(Some(codebook)) => respond(Ok(codebook), Codebook),
            Ok(None) => Err(crate::error::AppError::not_found("no such codebook").into()),
            Err(e) => respond::<CodebookPayload, data::Codebook>(Err(e), Codebook),
        }
    }
}
