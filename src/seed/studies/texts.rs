//! The 2021 study's published texts: quotes, seminars with attendance, findings,
//! recommendations and proposals, verbatim from the report.

use super::records::rows;
use crate::domain::study::FindingKind;
use anyhow::Context;
use entity::{quote, seminar, seminar_attendance, study_finding};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseTransaction};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
struct QuoteRow {
    text: String,
    attribution: String,
    role: String,
    organisation_kind: String,
    section: String,
    themes: String,
}
#[derive(Deserialize)]
struct SeminarRow {
    seminar: i32,
    held_on: Option<String>,
    description_sv: String,
}
#[derive(Deserialize)]
struct AttendanceRow {
    seminar: i32,
    group: String,
    organisations_count: Option<i32>,
    participants_count: Option<i32>,
}
#[derive(Deserialize)]
struct FindingRow {
    section: String,
    title: String,
    text: String,
    kind: String,
}
#[derive(Deserialize)]
struct RecommendationRow {
    number: i32,
    title: String,
    text: String,
}
#[derive(Deserialize)]
struct ProposalRow {
    number: i32,
    text: String,
    detail: String,
}

macro_rules! data {
    ($file:literal) => {
        include_str!(concat!("../data/study_2021/", $file))
    };
}

/// Loads the published texts of the study.
pub(super) async fn load_texts(txn: &DatabaseTransaction, study_id: i32) -> anyhow::Result<()> {
    for q in rows::<QuoteRow>("quotes.csv", data!("quotes.csv"))? {
        quote::ActiveModel {
            study_id: Set(study_id),
            text: Set(q.text),
            attribution: Set(q.attribution),
            role: Set(q.role),
            organisation_kind: Set(q.organisation_kind),
            section: Set(q.section),
            themes: Set(q.themes),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let mut seminars = HashMap::new();
    for s in rows::<SeminarRow>("seminars.csv", data!("seminars.csv"))? {
        let model = seminar::ActiveModel {
            study_id: Set(study_id),
            number: Set(s.seminar),
            held_on: Set(s.held_on.filter(|d| !d.is_empty())),
            description: Set(s.description_sv),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        seminars.insert(s.seminar, model.id);
    }
    for a in rows::<AttendanceRow>(
        "seminar_participants.csv",
        data!("seminar_participants.csv"),
    )? {
        let seminar_id = *seminars
            .get(&a.seminar)
            .with_context(|| format!("unknown seminar {}", a.seminar))?;
        seminar_attendance::ActiveModel {
            seminar_id: Set(seminar_id),
            group_name: Set(a.group),
            organisations: Set(a.organisations_count),
            participants: Set(a.participants_count),
        }
        .insert(txn)
        .await?;
    }
    let findings: Vec<FindingRow> = rows("findings.csv", data!("findings.csv"))?;
    let mut statements: Vec<(FindingKind, i32, String, String, String)> = Vec::new();
    for (n, f) in findings.into_iter().enumerate() {
        let kind = FindingKind::from_stored(&f.kind)
            .with_context(|| format!("unknown finding kind {}", f.kind))?;
        statements.push((kind, n as i32 + 1, f.title, f.text, f.section));
    }
    for r in rows::<RecommendationRow>("recommendations.csv", data!("recommendations.csv"))? {
        statements.push((
            FindingKind::Recommendation,
            r.number,
            r.title,
            r.text,
            "4.4 Rekommendationer".into(),
        ));
    }
    for p in rows::<ProposalRow>("cemr_proposals.csv", data!("cemr_proposals.csv"))? {
        statements.push((
            FindingKind::CemrProposal,
            p.number,
            p.text,
            p.detail,
            "Bilaga 1".into(),
        ));
    }
    for (kind, number, title, text, section) in statements {
        study_finding::ActiveModel {
            study_id: Set(study_id),
            kind: Set(kind.as_str().into()),
            number: Set(number),
            title: Set(title),
            text: Set(text),
            section: Set(section),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}
