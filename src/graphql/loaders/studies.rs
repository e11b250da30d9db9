//! Study relations. Interview answers and sessions are restricted: the policy is asked
//! with the request's own caller.

use super::{loader, many, one};
use crate::services::studies::{reads, restricted};
use entity::{interview_answer, respondent_group, seminar_attendance, study_participant};
use std::collections::HashMap;

/// The coded answers of an interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AnswersOf(pub i32);
/// The attendance of a seminar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttendanceOf(pub i32);
/// A respondent group by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RespondentGroupId(pub i32);
/// A study participant by id (restricted like interviews).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StudyParticipantId(pub i32);
/// How many interviewees each session of a study has, by study id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionSizesOf(pub i32);

loader!(AnswersOf => Vec<interview_answer::Model>, |db, request, ids| {
    Ok(many(restricted::answers_of(db, request, ids).await?, |r| AnswersOf(r.interview_id)))
});

loader!(AttendanceOf => Vec<seminar_attendance::Model>, |db, ids| {
    Ok(many(reads::attendance(db, ids).await?, |r| AttendanceOf(r.seminar_id)))
});

loader!(RespondentGroupId => respondent_group::Model, |db, ids| {
    Ok(one(reads::groups_by_ids(db, ids).await?, |r| RespondentGroupId(r.id)))
});

loader!(StudyParticipantId => study_participant::Model, |db, request, ids| {
    Ok(one(restricted::participants_by_ids(db, request, ids).await?, |r| StudyParticipantId(r.id)))
});

loader!(SessionSizesOf => HashMap<String, i64>, |db, request, ids| {
    let mut sizes = HashMap::new();
    for id in ids {
        sizes.insert(SessionSizesOf(id), restricted::session_sizes(db, request, id).await?.into_iter().collect());
    }
    Ok(sizes)
});
