//! Researchers (and administrators) enter study data: a study, its respondent groups and
//! pseudonymous participants, interviews with coded answers, published quotes, seminars
//! and findings. A new study needs no migration: answers are (dimension, value) pairs.

use crate::auth::policy;
use crate::domain::register::DataOrigin;
use crate::domain::study::{FindingKind, InterviewRole, RecordedGender, is_code, valid_answer};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::writing::{self, RequestContext, Validator};
use chrono::{NaiveDate, Utc};
use entity::{
    interview, interview_answer, quote, respondent_group, seminar, seminar_attendance, study,
    study_finding, study_participant, study_question,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter,
};
use serde::Serialize;

/// A study as a researcher describes it.
#[derive(Debug, Clone)]
pub struct StudyFacts {
    pub slug: String,
    pub title: String,
    pub year: i32,
    pub period: String,
    pub commissioned_by: String,
    pub performed_by: String,
    pub method: String,
    pub description: String,
    pub questions: Vec<String>,
}

async fn study_for_write(txn: &DatabaseTransaction, study_id: i32) -> AppResult<study::Model> {
    study::Entity::find_by_id(study_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::invalid("studyId", "NOT_FOUND", "no such study"))
}

/// Creates a study with its questions.
pub async fn create_study(
    db: &DatabaseConnection,
    request: &RequestContext,
    facts: StudyFacts,
) -> AppResult<study::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let mut v = Validator::new();
    v.check(
        !facts.slug.is_empty()
            && facts.slug.len() <= 80
            && facts
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "slug",
        "INVALID",
        "1–80 lower-case letters, digits or hyphens",
    );
    v.text("title", &facts.title, 300);
    v.year("year", facts.year);
    v.text("commissionedBy", &facts.commissioned_by, 300);
    v.text("performedBy", &facts.performed_by, 300);
    for (n, q) in facts.questions.iter().enumerate() {
        v.text(&format!("questions.{n}"), q, 2000);
    }
    let txn = writing::begin(db).await?;
    let taken = study::Entity::find()
        .filter(study::Column::Slug.eq(facts.slug.clone()))
        .one(&txn)
        .await?;
    v.check(
        taken.is_none(),
        "slug",
        "DUPLICATE",
        "a study with this slug exists",
    );
    v.finish()?;
    let now = Utc::now();
    let created = study::ActiveModel {
        slug: Set(facts.slug),
        title: Set(facts.title.trim().into()),
        year: Set(facts.year),
        period: Set(facts.period),
        commissioned_by: Set(facts.commissioned_by),
        performed_by: Set(facts.performed_by),
        method: Set(facts.method),
        description: Set(facts.description),
        data_origin: Set(DataOrigin::Reported.as_str().into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (n, text) in facts.questions.into_iter().enumerate() {
        study_question::ActiveModel {
            study_id: Set(created.id),
            number: Set(n as i32 + 1),
            text: Set(text),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::commit(
        txn,
        request,
        actor,
        Change::created("study.create", "Study", created.id, &created),
    )
    .await?;
    Ok(created)
}

/// Adds a respondent group to a study.
pub async fn add_group(
    db: &DatabaseConnection,
    request: &RequestContext,
    study_id: i32,
    code: &str,
    label: &str,
    description: &str,
    is_member: bool,
) -> AppResult<respondent_group::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let txn = writing::begin(db).await?;
    study_for_write(&txn, study_id).await?;
    let mut v = Validator::new();
    v.check(is_code(code), "code", "INVALID", "an upper-case code");
    v.text("label", label, 200);
    let taken = respondent_group::Entity::find()
        .filter(respondent_group::Column::StudyId.eq(study_id))
        .filter(respondent_group::Column::Code.eq(code))
        .one(&txn)
        .await?;
    v.check(
        taken.is_none(),
        "code",
        "DUPLICATE",
        "the study has a group with this code",
    );
    v.finish()?;
    let created = respondent_group::ActiveModel {
        study_id: Set(study_id),
        code: Set(code.into()),
        label: Set(label.trim().into()),
        description: Set(description.into()),
        is_member: Set(is_member),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::created(
            "respondent_group.add",
            "RespondentGroup",
            created.id,
            &created,
        ),
    )
    .await?;
    Ok(created)
}

/// A participant as a researcher describes it: a pseudonym, never a name.
#[derive(Debug, Clone)]
pub struct ParticipantFacts {
    pub reference: String,
    pub pseudonym: String,
    pub kind: String,
    pub signatory_at_study: bool,
    pub signatory_note: Option<String>,
}

/// Adds a pseudonymous participant organisation to a study.
pub async fn add_participant(
    db: &DatabaseConnection,
    request: &RequestContext,
    study_id: i32,
    facts: ParticipantFacts,
) -> AppResult<study_participant::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let txn = writing::begin(db).await?;
    study_for_write(&txn, study_id).await?;
    let mut v = Validator::new();
    v.text("reference", &facts.reference, 40);
    v.text("pseudonym", &facts.pseudonym, 100);
    v.check(
        is_code(&facts.kind),
        "kind",
        "INVALID",
        "an upper-case code, e.g. MUNICIPALITY",
    );
    v.finish()?;
    let created = study_participant::ActiveModel {
        study_id: Set(study_id),
        reference: Set(facts.reference),
        pseudonym: Set(facts.pseudonym),
        kind: Set(facts.kind),
        signatory_at_study: Set(facts.signatory_at_study),
        signatory_note: Set(facts.signatory_note),
        size_class: Set(None),
        support_use: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::created(
            "study_participant.add",
            "StudyParticipant",
            created.id,
            &created,
        ),
    )
    .await?;
    Ok(created)
}

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
    /// (dimension, value) pairs; known dimensions are validated.
    pub answers: Vec<(String, String)>,
}

#[derive(Serialize)]
struct InterviewSnapshot<'a> {
    #[serde(flatten)]
    interview: &'a interview::Model,
    answers: &'a [(String, String)],
}

/// Records an interview with its coded answers.
pub async fn record_interview(
    db: &DatabaseConnection,
    request: &RequestContext,
    study_id: i32,
    facts: InterviewFacts,
) -> AppResult<interview::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let txn = writing::begin(db).await?;
    study_for_write(&txn, study_id).await?;
    let mut v = Validator::new();
    v.text("reference", &facts.reference, 40);
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
    let mut answers: Vec<(String, String)> = facts.answers.clone();
    answers.sort();
    answers.dedup();
    for (n, (dimension, value)) in answers.iter().enumerate() {
        v.check(
            is_code(dimension),
            &format!("answers.{n}.dimension"),
            "INVALID",
            "an upper-case code",
        );
        v.check(
            valid_answer(dimension, value),
            &format!("answers.{n}.value"),
            "INVALID",
            format!("{value:?} is not a valid {dimension} answer"),
        );
    }
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
    .await?;
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

/// A published quote: text and coarse attribution, never linked to an interview.
#[derive(Debug, Clone)]
pub struct QuoteFacts {
    pub text: String,
    pub attribution: String,
    pub role: InterviewRole,
    pub organisation_kind: String,
    pub section: String,
    pub themes: Vec<String>,
}

/// Adds a published quote.
pub async fn add_quote(
    db: &DatabaseConnection,
    request: &RequestContext,
    study_id: i32,
    facts: QuoteFacts,
) -> AppResult<quote::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let txn = writing::begin(db).await?;
    study_for_write(&txn, study_id).await?;
    let mut v = Validator::new();
    v.text("text", &facts.text, 5000);
    v.check(
        facts.attribution.chars().count() <= 100,
        "attribution",
        "TOO_LONG",
        "at most 100 characters",
    );
    v.check(
        is_code(&facts.organisation_kind),
        "organisationKind",
        "INVALID",
        "an upper-case code",
    );
    for (n, theme) in facts.themes.iter().enumerate() {
        v.check(
            !theme.is_empty() && !theme.contains('|') && theme.len() <= 60,
            &format!("themes.{n}"),
            "INVALID",
            "1–60 characters, no \"|\"",
        );
    }
    v.finish()?;
    let created = quote::ActiveModel {
        study_id: Set(study_id),
        text: Set(facts.text.trim().into()),
        attribution: Set(facts.attribution),
        role: Set(facts.role.as_str().into()),
        organisation_kind: Set(facts.organisation_kind),
        section: Set(facts.section),
        themes: Set(facts.themes.join("|")),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::created("quote.add", "Quote", created.id, &created),
    )
    .await?;
    Ok(created)
}

/// Adds an analysis seminar with its attendance per group.
pub async fn add_seminar(
    db: &DatabaseConnection,
    request: &RequestContext,
    study_id: i32,
    number: i32,
    held_on: Option<NaiveDate>,
    description: String,
    attendance: Vec<(String, Option<i32>, Option<i32>)>,
) -> AppResult<seminar::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let txn = writing::begin(db).await?;
    study_for_write(&txn, study_id).await?;
    let mut v = Validator::new();
    v.check(number > 0, "number", "OUT_OF_RANGE", "a positive number");
    for (n, (group, organisations, participants)) in attendance.iter().enumerate() {
        v.check(
            is_code(group),
            &format!("attendance.{n}.group"),
            "INVALID",
            "an upper-case code",
        );
        v.check(
            organisations.is_none_or(|o| o >= 0) && participants.is_none_or(|p| p >= 0),
            &format!("attendance.{n}"),
            "OUT_OF_RANGE",
            "counts cannot be negative",
        );
    }
    v.finish()?;
    let created = seminar::ActiveModel {
        study_id: Set(study_id),
        number: Set(number),
        held_on: Set(held_on.map(crate::domain::dates::format)),
        description: Set(description),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (group, organisations, participants) in attendance {
        seminar_attendance::ActiveModel {
            seminar_id: Set(created.id),
            group_name: Set(group),
            organisations: Set(organisations),
            participants: Set(participants),
        }
        .insert(&txn)
        .await?;
    }
    audit::commit(
        txn,
        request,
        actor,
        Change::created("seminar.add", "Seminar", created.id, &created),
    )
    .await?;
    Ok(created)
}

/// Adds a finding, recommendation or proposal.
pub async fn add_finding(
    db: &DatabaseConnection,
    request: &RequestContext,
    study_id: i32,
    kind: FindingKind,
    number: i32,
    title: String,
    text: String,
    section: String,
) -> AppResult<study_finding::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let txn = writing::begin(db).await?;
    study_for_write(&txn, study_id).await?;
    let mut v = Validator::new();
    v.check(number > 0, "number", "OUT_OF_RANGE", "a positive number");
    v.text("title", &title, 2000);
    v.check(
        text.chars().count() <= 20_000,
        "text",
        "TOO_LONG",
        "at most 20000 characters",
    );
    v.finish()?;
    let created = study_finding::ActiveModel {
        study_id: Set(study_id),
        kind: Set(kind.as_str().into()),
        number: Set(number),
        title: Set(title),
        text: Set(text),
        section: Set(section),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::commit(
        txn,
        request,
        actor,
        Change::created("study_finding.add", "StudyFinding", created.id, &created),
    )
    .await?;
    Ok(created)
}
