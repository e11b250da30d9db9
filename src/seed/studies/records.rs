//! The 2021 study's records: the study, its respondent groups, pseudonymous participants
//! and the interview rows, an anonymised reconstruction consistent with every figure the
//! report published (`RECONSTRUCTED`, not the original records).

use crate::domain::register::DataOrigin;
use anyhow::Context;
use chrono::Utc;
use entity::{
    interview, interview_answer, respondent_group, study, study_participant, study_question,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseTransaction};
use serde::Deserialize;
use std::collections::HashMap;

use super::STUDY_2021;

const DESCRIPTION: &str = "The first national follow-up of the CEMR charter in Sweden, commissioned by SKR and \
published in June 2022. The report publishes aggregates only: the interview records here are an anonymised \
reconstruction consistent with every published figure, not the original records. Participants carry pseudonyms. \
Quotes, findings, recommendations and proposals are the report's own published texts.";

pub(super) fn rows<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> anyhow::Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .with_context(|| format!("study file {name} is malformed"))
}

#[derive(Deserialize)]
struct StudyRow {
    title: String,
    year: i32,
    period: String,
    commissioned_by: String,
    performed_by: String,
    method: String,
}
#[derive(Deserialize)]
struct QuestionRow {
    number: i32,
    text: String,
}
#[derive(Deserialize)]
struct GroupRow {
    respondent_group: String,
    label_sv: String,
    description: String,
}
#[derive(Deserialize)]
struct ParticipantRow {
    participant_id: String,
    pseudonym: String,
    kind: String,
    signatory_at_study: bool,
    signatory_note: Option<String>,
    size_class: Option<String>,
    skr_support_use: Option<String>,
}
#[derive(Deserialize)]
struct InterviewRow {
    interview_id: String,
    session: String,
    participant_id: Option<String>,
    respondent_group: String,
    role: String,
    gender: String,
    held_on: String,
    duration_minutes: i32,
    digital: bool,
    signing_year: Option<String>,
    rating: Option<String>,
    initiative: Option<String>,
    governance_model: Option<String>,
    action_plan_situation: Option<String>,
    awareness: Option<String>,
}
#[derive(Deserialize)]
struct CodeRow {
    interview_id: String,
    value: String,
}

macro_rules! data {
    ($file:literal) => {
        include_str!(concat!("../data/study_2021/", $file))
    };
}

/// Loads the study's own row and its questions.
async fn load_study(txn: &DatabaseTransaction) -> anyhow::Result<study::Model> {
    let meta: Vec<StudyRow> = rows("study.csv", data!("study.csv"))?;
    let meta = meta.into_iter().next().context("study.csv has no row")?;
    let now = Utc::now();
    let study = study::ActiveModel {
        slug: Set(STUDY_2021.into()),
        title: Set(meta.title),
        year: Set(meta.year),
        period: Set(meta.period),
        commissioned_by: Set(meta.commissioned_by),
        performed_by: Set(meta.performed_by),
        method: Set(meta.method),
        description: Set(DESCRIPTION.into()),
        data_origin: Set(DataOrigin::Sourced.as_str().into()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    for q in rows::<QuestionRow>("questions.csv", data!("questions.csv"))? {
        study_question::ActiveModel {
            study_id: Set(study.id),
            number: Set(q.number),
            text: Set(q.text),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(study)
}

/// Loads the respondent groups, by code.
async fn load_groups(
    txn: &DatabaseTransaction,
    study_id: i32,
) -> anyhow::Result<HashMap<String, i32>> {
    let mut groups = HashMap::new();
    for g in rows::<GroupRow>("respondent_groups.csv", data!("respondent_groups.csv"))? {
        let is_member = g.respondent_group == "MEMBER";
        let model = respondent_group::ActiveModel {
            study_id: Set(study_id),
            code: Set(g.respondent_group.clone()),
            label: Set(g.label_sv),
            description: Set(g.description),
            is_member: Set(is_member),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        groups.insert(g.respondent_group, model.id);
    }
    Ok(groups)
}

/// Loads the pseudonymous participants, by reference.
async fn load_participants(
    txn: &DatabaseTransaction,
    study_id: i32,
) -> anyhow::Result<HashMap<String, i32>> {
    let mut participants = HashMap::new();
    for p in rows::<ParticipantRow>("participants.csv", data!("participants.csv"))? {
        let model = study_participant::ActiveModel {
            study_id: Set(study_id),
            reference: Set(p.participant_id.clone()),
            pseudonym: Set(p.pseudonym),
            kind: Set(p.kind),
            signatory_at_study: Set(p.signatory_at_study),
            signatory_note: Set(p.signatory_note.filter(|n| !n.is_empty())),
            size_class: Set(p.size_class.filter(|n| !n.is_empty())),
            support_use: Set(p.skr_support_use.filter(|n| !n.is_empty())),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        participants.insert(p.participant_id, model.id);
    }
    Ok(participants)
}

/// Loads the interviews (a reconstruction) and their coded answers.
async fn load_interviews(
    txn: &DatabaseTransaction,
    study_id: i32,
    groups: &HashMap<String, i32>,
    participants: &HashMap<String, i32>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let mut interviews = HashMap::new();
    let mut answers: Vec<(i32, &str, String)> = Vec::new();
    for i in rows::<InterviewRow>("interviews.csv", data!("interviews.csv"))? {
        let group = *groups
            .get(&i.respondent_group)
            .with_context(|| format!("unknown group {}", i.respondent_group))?;
        let participant = match i.participant_id.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => Some(
                *participants
                    .get(p)
                    .with_context(|| format!("unknown participant {p}"))?,
            ),
            None => None,
        };
        let model = interview::ActiveModel {
            study_id: Set(study_id),
            reference: Set(i.interview_id.clone()),
            respondent_group_id: Set(group),
            participant_id: Set(participant),
            session: Set(i.session),
            role: Set(i.role),
            gender: Set(i.gender),
            held_on: Set(i.held_on),
            duration_minutes: Set(i.duration_minutes),
            digital: Set(i.digital),
            data_origin: Set(DataOrigin::Reconstructed.as_str().into()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        interviews.insert(i.interview_id, model.id);
        for (dimension, value) in [
            ("SIGNING_YEAR", i.signing_year),
            ("RATING", i.rating),
            ("INITIATIVE", i.initiative),
            ("GOVERNANCE_MODEL", i.governance_model),
            ("ACTION_PLAN_SITUATION", i.action_plan_situation),
            ("AWARENESS", i.awareness),
        ] {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                answers.push((model.id, dimension, value));
            }
        }
    }
    for (file, dimension, text) in [
        (
            "interview_motives.csv",
            "MOTIVE",
            data!("interview_motives.csv"),
        ),
        (
            "interview_support_wanted.csv",
            "SUPPORT_WANTED",
            data!("interview_support_wanted.csv"),
        ),
    ] {
        for c in rows::<CodeRow>(file, text)? {
            let id = *interviews
                .get(&c.interview_id)
                .with_context(|| format!("unknown interview {}", c.interview_id))?;
            answers.push((id, dimension, c.value));
        }
    }
    for (interview_id, dimension, value) in answers {
        anyhow::ensure!(
            crate::domain::study::valid_answer(dimension, &value),
            "invalid {dimension} answer {value}"
        );
        interview_answer::ActiveModel {
            interview_id: Set(interview_id),
            dimension: Set(dimension.into()),
            value: Set(value),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Loads the study's records; returns the study.
pub(super) async fn load_records(txn: &DatabaseTransaction) -> anyhow::Result<study::Model> {
    let study = load_study(txn).await?;
    let groups = load_groups(txn, study.id).await?;
    let participants = load_participants(txn, study.id).await?;
    load_interviews(txn, study.id, &groups, &participants).await?;
    Ok(study)
}
