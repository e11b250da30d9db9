//! Researchers' writes of what a study publishes as text: quotes, seminars, findings.

use crate::error::AppResult;
use crate::graphql::enums::{FindingKind, InterviewRole};
use crate::graphql::types::payload::{payload, respond};
use crate::graphql::types::scalars::Date;
use crate::graphql::types::study::{Quote, Seminar, StudyFinding};
use crate::graphql::{db, ids, request};
use crate::services::studies::reads;
use crate::services::studies::recording::{self, QuoteFacts, SeminarFacts};
use async_graphql::{Context, ID, InputObject, Object, Result};

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
pub struct StudyTextMutation;

#[Object]
impl StudyTextMutation {
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
        let facts = SeminarFacts {
            number,
            held_on: held_on.map(|d| d.0),
            description,
            attendance: attendance
                .into_iter()
                .map(|a| (a.group, a.organisations, a.participants))
                .collect(),
        };
        let result = match self::study_id(&study_id) {
            Ok(id) => {
                let db = db(ctx)?;
                match recording::add_seminar(db, request(ctx)?, id, facts).await {
                    Ok(seminar) => reads::study(db, request(ctx)?, id)
                        .await
                        .map(|study| study.map(|s| (seminar, s))),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        let result = result.and_then(|found| {
            found.ok_or_else(|| crate::error::AppError::not_found("no such study"))
        });
        respond(result, |(seminar, study)| Seminar::new(seminar, &study))
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
