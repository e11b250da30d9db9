//! What a study publishes as text: quotes, seminars with their attendance, findings.

use super::{duplicate, study_for_write};
use crate::auth::policy;
use crate::domain::study::{FindingKind, InterviewRole, is_code};
use crate::error::AppResult;
use crate::services::audit::{self, Change};
use crate::services::writing::{self, RequestContext, Validator};
use chrono::NaiveDate;
use entity::{quote, seminar, seminar_attendance, study_finding};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use std::collections::HashSet;

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

/// An analysis seminar as a researcher describes it.
#[derive(Debug, Clone)]
pub struct SeminarFacts {
    pub number: i32,
    pub held_on: Option<NaiveDate>,
    pub description: String,
    /// (group, organisations, participants) per attending group, each group once.
    pub attendance: Vec<(String, Option<i32>, Option<i32>)>,
}

/// Adds an analysis seminar with its attendance per group; its number is unique within
/// the study, and each group is listed once.
pub async fn add_seminar(
    db: &DatabaseConnection,
    request: &RequestContext,
    study_id: i32,
    facts: SeminarFacts,
) -> AppResult<seminar::Model> {
    let actor = policy::may_write_study_data(&request.caller)?;
    let txn = writing::begin(db).await?;
    study_for_write(&txn, study_id).await?;
    let mut v = Validator::new();
    v.check(
        facts.number > 0,
        "number",
        "OUT_OF_RANGE",
        "a positive number",
    );
    let taken = seminar::Entity::find()
        .filter(seminar::Column::StudyId.eq(study_id))
        .filter(seminar::Column::Number.eq(facts.number))
        .one(&txn)
        .await?;
    v.check(
        taken.is_none(),
        "number",
        "DUPLICATE",
        "the study has a seminar with this number",
    );
    v.check(
        facts.description.chars().count() <= 5000,
        "description",
        "TOO_LONG",
        "at most 5000 characters",
    );
    let mut groups = HashSet::new();
    for (n, (group, organisations, participants)) in facts.attendance.iter().enumerate() {
        v.check(
            is_code(group) && group.len() <= 40,
            &format!("attendance.{n}.group"),
            "INVALID",
            "an upper-case code of at most 40 characters",
        );
        v.check(
            groups.insert(group.clone()),
            &format!("attendance.{n}.group"),
            "DUPLICATE",
            "each group is listed once",
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
        number: Set(facts.number),
        held_on: Set(facts.held_on.map(crate::domain::dates::format)),
        description: Set(facts.description),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(duplicate(
        "number",
        "the study has a seminar with this number",
    ))?;
    for (group, organisations, participants) in facts.attendance {
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
