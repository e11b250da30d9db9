//! Restricted reads: participants and interview records with their answers, personal
//! data for researchers and administrators only. Every function asks `auth::policy`
//! before it looks anything up, so a refusal never tells whether a record exists.

use crate::auth::policy;
use crate::error::AppResult;
use crate::services::pagination::{
    KeyValue, Ordering, Page, PageArgs, PagePlan, SortColumn, encode_cursor,
};
use crate::services::writing::RequestContext;
use entity::{interview, interview_answer, study_participant};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// The participants of a study (researchers and administrators).
pub async fn participants(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    study_id: i32,
) -> AppResult<Vec<study_participant::Model>> {
    policy::may_read_interviews(&request.caller)?;
    Ok(study_participant::Entity::find()
        .filter(study_participant::Column::StudyId.eq(study_id))
        .order_by_asc(study_participant::Column::Reference)
        .all(db)
        .await?)
}

/// One participant (researchers and administrators).
pub async fn participants_by_ids(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    ids: Vec<i32>,
) -> AppResult<Vec<study_participant::Model>> {
    policy::may_read_interviews(&request.caller)?;
    Ok(study_participant::Entity::find()
        .filter(study_participant::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// A page of a study's interviews in reference order (researchers and administrators).
pub async fn interviews(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    study_id: i32,
    args: &PageArgs,
) -> AppResult<Page<(String, interview::Model)>> {
    policy::may_read_interviews(&request.caller)?;
    let ordering = Ordering {
        name: "interview:id".into(),
        columns: vec![SortColumn::asc(Expr::col(interview::Column::Id))],
    };
    let plan = PagePlan::new(args, &ordering)?;
    let select = interview::Entity::find().filter(interview::Column::StudyId.eq(study_id));
    let rows = plan.apply(select, &ordering).all(db).await?;
    Ok(plan.finish(
        rows.into_iter()
            .map(|r| {
                (
                    encode_cursor(&ordering.name, vec![KeyValue::Int(i64::from(r.id))]),
                    r,
                )
            })
            .collect(),
    ))
}

/// How many interviews a study has (researchers and administrators; the public gets
/// the total from the statistics).
pub async fn interview_count(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    study_id: i32,
) -> AppResult<u64> {
    policy::may_read_interviews(&request.caller)?;
    Ok(interview::Entity::find()
        .filter(interview::Column::StudyId.eq(study_id))
        .count(db)
        .await?)
}

/// One interview (researchers and administrators).
pub async fn interview(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    id: i32,
) -> AppResult<Option<interview::Model>> {
    policy::may_read_interviews(&request.caller)?;
    Ok(interview::Entity::find_by_id(id).one(db).await?)
}

/// The coded answers of some interviews (researchers and administrators).
pub async fn answers_of(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    interview_ids: Vec<i32>,
) -> AppResult<Vec<interview_answer::Model>> {
    policy::may_read_interviews(&request.caller)?;
    Ok(interview_answer::Entity::find()
        .filter(interview_answer::Column::InterviewId.is_in(interview_ids))
        .order_by_asc(interview_answer::Column::Dimension)
        .order_by_asc(interview_answer::Column::Value)
        .all(db)
        .await?)
}

/// How many interviewees share each of the given sessions (researchers and admins).
pub async fn session_sizes(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    study_id: i32,
) -> AppResult<Vec<(String, i64)>> {
    policy::may_read_interviews(&request.caller)?;
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        session: String,
        n: i64,
    }
    use sea_orm::QuerySelect;
    let rows = interview::Entity::find()
        .select_only()
        .column(interview::Column::Session)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(interview::Column::StudyId.eq(study_id))
        .group_by(interview::Column::Session)
        .into_model::<Row>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.session, r.n)).collect())
}
