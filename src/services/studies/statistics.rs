//! Study statistics, computed by grouped SQL, with small-group protection.
//!
//! The rule (as the report applied it to SKR and the experts): every breakdown cell of a
//! group smaller than `k` is suppressed — `count` null and `suppressed` true, never 0 —
//! while the group's own total stays visible. No total across groups of a breakdown is
//! offered, so a suppressed cell cannot be recovered by subtracting visible cells from a
//! total. Frequencies are protected the same way: when fewer than `k` interviews (or
//! organisations) answered, the base stays visible and every value is suppressed.

use crate::domain::study::{AnswerDimension, InterviewRole, RecordedGender};
use crate::error::AppResult;
use entity::{interview, interview_answer, respondent_group, study_participant, support_programme};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    QueryTrait,
};

/// A count that may be suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub count: Option<u64>,
    pub suppressed: bool,
}

impl Cell {
    /// The count, or a suppressed cell when the group it breaks down is protected.
    pub fn of(count: u64, protected: bool) -> Self {
        if protected {
            Self {
                count: None,
                suppressed: true,
            }
        } else {
            Self {
                count: Some(count),
                suppressed: false,
            }
        }
    }
}

/// One respondent group's interviewees by role and gender.
#[derive(Debug, Clone)]
pub struct GroupBreakdown {
    pub group: respondent_group::Model,
    pub total: u64,
    pub by_role_and_gender: Vec<(InterviewRole, RecordedGender, Cell)>,
    pub by_role: Vec<(InterviewRole, Cell)>,
}

/// How often each value of a coded answer was given.
#[derive(Debug, Clone)]
pub struct Frequencies {
    /// How many interviews (or organisations) answered at all; always visible.
    pub base: u64,
    pub values: Vec<(String, Cell)>,
}

/// The importance ratings.
#[derive(Debug, Clone)]
pub struct Ratings {
    pub respondents: u64,
    pub suppressed: bool,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub distribution: Vec<(i32, Cell)>,
}

/// Interview logistics.
#[derive(Debug, Clone, Copy)]
pub struct Logistics {
    pub interviews: u64,
    pub sessions: u64,
    pub group_sessions: u64,
    pub digital: u64,
    pub shortest_minutes: Option<i32>,
    pub longest_minutes: Option<i32>,
}

#[derive(FromQueryResult)]
struct Counted {
    key: Option<String>,
    n: i64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The interviewee table: for every respondent group, its total and its breakdown by
/// role and gender, suppressed for groups smaller than `k`.
pub async fn interviewees(
    db: &impl ConnectionTrait,
    study_id: i32,
    k: u64,
) -> AppResult<Vec<GroupBreakdown>> {
    #[derive(FromQueryResult)]
    struct Row {
        respondent_group_id: i32,
        role: String,
        gender: String,
        n: i64,
    }
    let rows = interview::Entity::find()
        .select_only()
        .column(interview::Column::RespondentGroupId)
        .column(interview::Column::Role)
        .column(interview::Column::Gender)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(interview::Column::StudyId.eq(study_id))
        .group_by(interview::Column::RespondentGroupId)
        .group_by(interview::Column::Role)
        .group_by(interview::Column::Gender)
        .into_model::<Row>()
        .all(db)
        .await?;
    let groups = super::reads::groups(db, study_id).await?;
    Ok(groups
        .into_iter()
        .map(|group| {
            let mine: Vec<&Row> = rows
                .iter()
                .filter(|r| r.respondent_group_id == group.id)
                .collect();
            let total: u64 = mine.iter().map(|r| count(r.n)).sum();
            let protected = total < k;
            let of = |role: InterviewRole, gender: Option<RecordedGender>| -> u64 {
                mine.iter()
                    .filter(|r| {
                        r.role == role.as_str() && gender.is_none_or(|g| r.gender == g.as_str())
                    })
                    .map(|r| count(r.n))
                    .sum()
            };
            let by_role_and_gender = InterviewRole::ALL
                .iter()
                .flat_map(|role| {
                    RecordedGender::ALL
                        .iter()
                        .map(move |gender| (*role, *gender))
                })
                .map(|(role, gender)| (role, gender, Cell::of(of(role, Some(gender)), protected)))
                .collect();
            let by_role = InterviewRole::ALL
                .iter()
                .map(|role| (*role, Cell::of(of(*role, None), protected)))
                .collect();
            GroupBreakdown {
                group,
                total,
                by_role_and_gender,
                by_role,
            }
        })
        .collect())
}

/// Frequencies of a coded answer, per interview or per organisation (an organisation's
/// interviewees give one value for organisation-level facts like the signing year).
pub async fn frequencies(
    db: &impl ConnectionTrait,
    study_id: i32,
    dimension: &str,
    per_organisation: bool,
    k: u64,
) -> AppResult<Frequencies> {
    let counted = if per_organisation {
        r#"COUNT(DISTINCT "interview"."participant_id")"#
    } else {
        r#"COUNT(DISTINCT "interview_answer"."interview_id")"#
    };
    let base_query = || {
        let select = interview_answer::Entity::find()
            .inner_join(interview::Entity)
            .filter(interview::Column::StudyId.eq(study_id))
            .filter(interview_answer::Column::Dimension.eq(dimension))
            .select_only();
        select.apply_if(per_organisation.then_some(()), |s, _| {
            s.filter(interview::Column::ParticipantId.is_not_null())
        })
    };
    let base = base_query()
        .column_as(Expr::cust("NULL"), "key")
        .column_as(Expr::cust(counted), "n")
        .into_model::<Counted>()
        .one(db)
        .await?
        .map_or(0, |c| count(c.n));
    let rows = base_query()
        .column_as(interview_answer::Column::Value, "key")
        .column_as(Expr::cust(counted), "n")
        .group_by(interview_answer::Column::Value)
        .into_model::<Counted>()
        .all(db)
        .await?;
    let protected = base < k;
    let mut values: Vec<(String, Cell)> = rows
        .into_iter()
        .filter_map(|r| Some((r.key?, Cell::of(count(r.n), protected))))
        .collect();
    values.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Frequencies { base, values })
}

/// The importance ratings: respondents, mean, median and distribution.
pub async fn ratings(db: &impl ConnectionTrait, study_id: i32, k: u64) -> AppResult<Ratings> {
    let frequencies = frequencies(db, study_id, AnswerDimension::Rating.as_str(), false, k).await?;
    let respondents = frequencies.base;
    let suppressed = respondents < k;
    let mut sorted: Vec<i32> = Vec::new();
    let mut distribution = Vec::new();
    for rating in 1..=5 {
        let cell = frequencies
            .values
            .iter()
            .find(|(v, _)| v.parse::<i32>().ok() == Some(rating))
            .map(|(_, c)| *c);
        let n = cell.and_then(|c| c.count).unwrap_or(0);
        sorted.extend(std::iter::repeat_n(rating, n as usize));
        distribution.push((rating, cell.unwrap_or(Cell::of(0, suppressed))));
    }
    let (mean, median) = if suppressed || sorted.is_empty() {
        (None, None)
    } else {
        let mean = f64::from(sorted.iter().sum::<i32>()) / sorted.len() as f64;
        let middle = sorted.len() / 2;
        let median = if sorted.len() % 2 == 1 {
            f64::from(sorted[middle])
        } else {
            f64::from(sorted[middle - 1] + sorted[middle]) / 2.0
        };
        (Some(mean), Some(median))
    };
    Ok(Ratings {
        respondents,
        suppressed,
        mean,
        median,
        distribution,
    })
}

/// Organisations whose signing year (as interviewees gave it) lies within each programme.
pub fn signings_within_programmes(
    years: &Frequencies,
    programmes: &[support_programme::Model],
    k: u64,
) -> Vec<(support_programme::Model, Cell)> {
    programmes
        .iter()
        .map(|p| {
            let within: u64 = years
                .values
                .iter()
                .filter_map(|(year, cell)| Some((year.parse::<i32>().ok()?, cell.count?)))
                .filter(|(year, _)| {
                    *year >= p.start_year && p.end_year.is_none_or(|end| *year <= end)
                })
                .map(|(_, n)| n)
                .sum();
            (p.clone(), Cell::of(within, years.base < k))
        })
        .collect()
}

/// Interview counts, sessions and durations.
pub async fn logistics(db: &impl ConnectionTrait, study_id: i32) -> AppResult<Logistics> {
    #[derive(FromQueryResult)]
    struct Row {
        interviews: i64,
        sessions: i64,
        digital: Option<i64>,
        shortest: Option<i32>,
        longest: Option<i32>,
    }
    let row = interview::Entity::find()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "interviews")
        .column_as(
            Expr::cust(r#"COUNT(DISTINCT "interview"."session")"#),
            "sessions",
        )
        .column_as(
            Expr::cust(r#"SUM(CASE WHEN "interview"."digital" THEN 1 ELSE 0 END)"#),
            "digital",
        )
        .column_as(
            Expr::cust(r#"MIN("interview"."duration_minutes")"#),
            "shortest",
        )
        .column_as(
            Expr::cust(r#"MAX("interview"."duration_minutes")"#),
            "longest",
        )
        .filter(interview::Column::StudyId.eq(study_id))
        .into_model::<Row>()
        .one(db)
        .await?;
    #[derive(FromQueryResult)]
    struct Sessions {
        n: i64,
    }
    let group_sessions = interview::Entity::find()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(interview::Column::StudyId.eq(study_id))
        .group_by(interview::Column::Session)
        .into_model::<Sessions>()
        .all(db)
        .await?
        .into_iter()
        .filter(|s| s.n > 1)
        .count() as u64;
    Ok(match row {
        Some(r) => Logistics {
            interviews: count(r.interviews),
            sessions: count(r.sessions),
            group_sessions,
            digital: r.digital.map_or(0, count),
            shortest_minutes: r.shortest,
            longest_minutes: r.longest,
        },
        None => Logistics {
            interviews: 0,
            sessions: 0,
            group_sessions: 0,
            digital: 0,
            shortest_minutes: None,
            longest_minutes: None,
        },
    })
}

/// Participants by kind and whether they were signatories.
pub async fn participants(
    db: &impl ConnectionTrait,
    study_id: i32,
) -> AppResult<Vec<(String, bool, u64)>> {
    #[derive(FromQueryResult)]
    struct Row {
        kind: String,
        signatory_at_study: bool,
        n: i64,
    }
    let rows = study_participant::Entity::find()
        .select_only()
        .column(study_participant::Column::Kind)
        .column(study_participant::Column::SignatoryAtStudy)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(study_participant::Column::StudyId.eq(study_id))
        .group_by(study_participant::Column::Kind)
        .group_by(study_participant::Column::SignatoryAtStudy)
        .into_model::<Row>()
        .all(db)
        .await?;
    let mut result: Vec<(String, bool, u64)> = rows
        .into_iter()
        .map(|r| (r.kind, r.signatory_at_study, count(r.n)))
        .collect();
    result.sort();
    Ok(result)
}
