//! Interviews with their coded answers, checked against the study's codebooks.

use super::{duplicate, study_for_write};
use crate::auth::policy;
use crate::domain::codebook::CodebookLevel;
use crate::domain::register::DataOrigin;
use crate::domain::study::{InterviewRole, RecordedGender};
use crate::error::AppResult;
use crate::services::audit::{self, Change};
use crate::services::studies::releases::data::{self, Codebook};
use crate::services::writing::{self, RequestContext, Validator};
use chrono::{NaiveDate, Utc};
use entity::{interview, interview_answer, respondent_group, study_participant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};
use serde::Serialize;

/// An interview as a researcher records it.
#[derive(Debug, Clone)]
pub struct InterviewFacts {
    pub reference: String,
    pub respondent_group_id: i32,
    pub participant_id: Option<i32>,
    pub session: Option<String>,
    pub role: InterviewRole,
    pub gender: RecordedGender,
    pub held_on: NaiveDate,
    pub duration_minutes: i32,
    pub digital: bool,
    /// (dimension, value) pairs, each in the study's codebook for the dimension.
    pub answers: Vec<(String, String)>,
}

#[derive(Serialize)]
struct InterviewSnapshot<'a> {
    #[serde(flatten)]
    interview: &'a interview::Model,
    answers: &'a [(String, String)],
}

/// What the participant's other interviewees gave for an organisation-level dimension.
async fn organisation_value(
    txn: &DatabaseTransaction,
    participant_id: i32,
    dimension: &str,
) -> AppResult<Option<String>> {
    Ok(interview_answer::Entity::find()
        .inner_join(interview::Entity)
        .filter(interview::Column::ParticipantId.eq(participant_id))
        .filter(interview_answer::Column::Dimension.eq(dimension))
        .one(txn)
        .await?
        .map(|a| a.value))
}

/// Checks the answers against the codebooks: a known dimension, a value in its codebook,
/// one value where only one may be given, and for a fact about the organisation, a
/// participant and the value its other interviewees gave.
async fn check_answers(
    txn: &DatabaseTransaction,
    v: &mut Validator,
    codebooks: &[Codebook],
    participant: Option<i32>,
    answers: &[(String, String)],
) -> AppResult<()> {
    for (n, (dimension, value)) in answers.iter().enumerate() {
        let Some(book) = codebooks.iter().find(|c| &c.book.dimension == dimension) else {
            v.error(
                &format!("answers.{n}.dimension"),
                "NOT_FOUND",
                format!("the study has no codebook for {dimension:?}: define one first"),
            );
            continue;
        };
        let field = format!("answers.{n}.value");
        if !book.codes.iter().any(|c| &c.value == value) {
            v.error(
                &field,
                "NOT_IN_CODEBOOK",
                format!("{value:?} is not in the {dimension} codebook"),
            );
            continue;
        }
        let given = answers.iter().filter(|(d, _)| d == dimension).count();
        v.check(
            book.book.multiple || given == 1,
            &field,
            "DUPLICATE",
            format!("{dimension} takes one value"),
        );
        if book.book.level == CodebookLevel::Organisation.as_str() {
            match participant {
                None => v.error(
                    &field,
                    "INVALID",
                    format!("{dimension} is a fact about an organisation: give the participant"),
                ),
                Some(p) => {
                    if let Some(other) = organisation_value(txn, p, dimension).await?
                        && &other != value
                    {
                        v.error(
                            &field,
                            "CONFLICT",
                            format!("the organisation's other interviewees gave {other:?}"),
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

/// Records an interview with its coded answers.
pub async fn record_interview(
    db: &sea_orm::DatabaseConnection,
    request: &RequestContext,
    study_id: i32,
    facts: InterviewFacts,
) -> AppResult<interview::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let txn = writing::begin(db).await?;
    study_for_write(&txn, study_id).await?;
    let mut v = Validator::new();
    v.text("reference", &facts.reference, 40);
    let taken = interview::Entity::find()
        .filter(interview::Column::StudyId.eq(study_id))
        .filter(interview::Column::Reference.eq(facts.reference.clone()))
        .one(&txn)
        .await?;
    v.check(
        taken.is_none(),
        "reference",
        "DUPLICATE",
        "the study has an interview with this reference",
    );
    if let Some(session) = &facts.session {
        v.text("session", session, 40);
    }
    let group = respondent_group::Entity::find_by_id(facts.respondent_group_id)
        .one(&txn)
        .await?
        .filter(|g| g.study_id == study_id);
    v.check(
        group.is_some(),
        "respondentGroupId",
        "NOT_FOUND",
        "no such group in this study",
    );
    if let Some(participant_id) = facts.participant_id {
        let participant = study_participant::Entity::find_by_id(participant_id)
            .one(&txn)
            .await?
            .filter(|p| p.study_id == study_id);
        v.check(
            participant.is_some(),
            "participantId",
            "NOT_FOUND",
            "no such participant in this study",
        );
        v.check(
            group.as_ref().is_none_or(|g| g.is_member),
            "participantId",
            "INVALID",
            "only a member group's interviews belong to a participant",
        );
    }
    v.check(
        (1..=600).contains(&facts.duration_minutes),
        "durationMinutes",
        "OUT_OF_RANGE",
        "between 1 and 600 minutes",
    );
    v.check(
        facts.held_on <= writing::today(),
        "heldOn",
        "IN_FUTURE",
        "the interview cannot be in the future",
    );
    // Exact repeats collapse; the order (and so each error's index) stays the input's.
    let mut answers: Vec<(String, String)> = Vec::new();
    for answer in &facts.answers {
        if !answers.contains(answer) {
            answers.push(answer.clone());
        }
    }
    let codebooks = data::codebooks(&txn, study_id).await?;
    check_answers(&txn, &mut v, &codebooks, facts.participant_id, &answers).await?;
    v.finish()?;
    let now = Utc::now();
    let created = interview::ActiveModel {
        study_id: Set(study_id),
        reference: Set(facts.reference.clone()),
        respondent_group_id: Set(facts.respondent_group_id),
        participant_id: Set(facts.participant_id),
        session: Set(facts.session.unwrap_or_else(|| facts.reference.clone())),
        role: Set(facts.role.as_str().into()),
        gender: Set(facts.gender.as_str().into()),
        held_on: Set(crate::domain::dates::format(facts.held_on)),
        duration_minutes: Set(facts.duration_minutes),
        digital: Set(facts.digital),
        data_origin: Set(DataOrigin::Reported.as_str().into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(duplicate(
        "reference",
        "the study has an interview with this reference",
    ))?;
    for (dimension, value) in &answers {
        interview_answer::ActiveModel {
            interview_id: Set(created.id),
            dimension: Set(dimension.clone()),
            value: Set(value.clone()),
        }
        .insert(&txn)
        .await?;
    }
    let after = InterviewSnapshot {
        interview: &created,
        answers: &answers,
    };
    let change = Change::created("interview.record", "Interview", created.id, &after);
    audit::commit(txn, request, actor, change).await?;
    Ok(created)
}
