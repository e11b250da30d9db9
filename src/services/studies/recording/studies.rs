//! A study, its respondent groups and its pseudonymous participants.

use super::{duplicate, study_for_write};
use crate::auth::policy;
use crate::domain::register::DataOrigin;
use crate::domain::study::is_code;
use crate::error::AppResult;
use crate::services::audit::{self, Change};
use crate::services::writing::{self, RequestContext, Validator};
use chrono::Utc;
use entity::{respondent_group, study, study_participant, study_question};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

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

/// Creates a study (a draft, with the standard codebooks) and its questions.
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
    .await
    .map_err(duplicate("slug", "a study with this slug exists"))?;
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
    super::codebooks::insert_standard(&txn, &created).await?;
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
    .await
    .map_err(duplicate("code", "the study has a group with this code"))?;
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

/// Adds a pseudonymous participant organisation to a study; its reference is unique
/// within the study.
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
    let taken = study_participant::Entity::find()
        .filter(study_participant::Column::StudyId.eq(study_id))
        .filter(study_participant::Column::Reference.eq(facts.reference.clone()))
        .one(&txn)
        .await?;
    v.check(
        taken.is_none(),
        "reference",
        "DUPLICATE",
        "the study has a participant with this reference",
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
    .await
    .map_err(duplicate(
        "reference",
        "the study has a participant with this reference",
    ))?;
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
