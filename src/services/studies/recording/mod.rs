//! Researchers (and administrators) enter study data: a study with its codebooks, its
//! respondent groups and pseudonymous participants, interviews with coded answers,
//! published quotes, seminars and findings. Every write is audited. A new study needs no
//! migration: answers are (dimension, value) pairs checked against the study's codebooks.

mod codebooks;
mod interviews;
mod studies;
mod texts;

pub use codebooks::{define_codebook, ensure_standard_codebooks};
pub use interviews::{InterviewFacts, record_interview};
pub use studies::{ParticipantFacts, StudyFacts, add_group, add_participant, create_study};
pub use texts::{QuoteFacts, SeminarFacts, add_finding, add_quote, add_seminar};

use crate::error::{AppError, AppResult};
use entity::study;
use sea_orm::{DatabaseTransaction, DbErr, EntityTrait, QuerySelect, SqlErr};

/// The study a write adds to, locked until the write commits: a release being published
/// meanwhile waits for it, or it for the release.
async fn study_for_write(txn: &DatabaseTransaction, study_id: i32) -> AppResult<study::Model> {
    study::Entity::find_by_id(study_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| AppError::invalid("studyId", "NOT_FOUND", "no such study"))
}

/// Turns a unique-index violation (two writes of one key at once) into the `DUPLICATE`
/// field error the check before it gives when they come one after the other.
fn duplicate(field: &'static str, message: &'static str) -> impl FnOnce(DbErr) -> AppError {
    move |err| match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            AppError::invalid(field, "DUPLICATE", message)
        }
        _ => err.into(),
    }
}
