//! Reading studies. Participants and interviews go through `auth::policy` first.

use crate::auth::policy;
use crate::error::AppResult;
use crate::services::pagination::{
    KeyValue, Ordering, Page, PageArgs, PagePlan, SortColumn, encode_cursor,
};
use crate::services::writing::RequestContext;
use entity::{
    interview, interview_answer, quote, respondent_group, seminar, seminar_attendance, study,
    study_finding, study_participant, study_question,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

pub async fn studies(db: &impl ConnectionTrait) -> AppResult<Vec<study::Model>> {
    Ok(study::Entity::find()
        .order_by_asc(study::Column::Year)
        .order_by_asc(study::Column::Id)
        .all(db)
        .await?)
}

pub async fn study(db: &impl ConnectionTrait, id: i32) -> AppResult<Option<study::Model>> {
    Ok(study::Entity::find_by_id(id).one(db).await?)
}

pub async fn study_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> AppResult<Option<study::Model>> {
    Ok(study::Entity::find()
        .filter(study::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

pub async fn questions(
    db: &impl ConnectionTrait,
    study_id: i32,
) -> AppResult<Vec<study_question::Model>> {
    Ok(study_question::Entity::find()
        .filter(study_question::Column::StudyId.eq(study_id))
        .order_by_asc(study_question::Column::Number)
        .all(db)
        .await?)
}

/// Respondent groups: their names are public (the report's table rows).
pub async fn groups(
    db: &impl ConnectionTrait,
    study_id: i32,
) -> AppResult<Vec<respondent_group::Model>> {
    Ok(respondent_group::Entity::find()
        .filter(respondent_group::Column::StudyId.eq(study_id))
        .order_by_asc(respondent_group::Column::Id)
        .all(db)
        .await?)
}

pub async fn groups_by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<Vec<respondent_group::Model>> {
    Ok(respondent_group::Entity::find()
        .filter(respondent_group::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

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

/// A page of a study's published quotes.
pub async fn quotes(
    db: &impl ConnectionTrait,
    study_id: i32,
    theme: Option<&str>,
    args: &PageArgs,
) -> AppResult<Page<(String, quote::Model)>> {
    let ordering = Ordering {
        name: "quote:id".into(),
        columns: vec![SortColumn::asc(Expr::col(quote::Column::Id))],
    };
    let plan = PagePlan::new(args, &ordering)?;
    let mut select = quote::Entity::find().filter(quote::Column::StudyId.eq(study_id));
    if let Some(theme) = theme.filter(|t| !t.is_empty()) {
        // Themes are "|"-separated; match whole themes only.
        let escaped = theme
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        select =
            select
                .filter(Expr::cust("('|' || \"quote\".\"themes\" || '|')").like(
                    sea_orm::sea_query::LikeExpr::new(format!("%|{escaped}|%")).escape('\\'),
                ));
    }
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

pub async fn quote(db: &impl ConnectionTrait, id: i32) -> AppResult<Option<quote::Model>> {
    Ok(quote::Entity::find_by_id(id).one(db).await?)
}

pub async fn seminars(db: &impl ConnectionTrait, study_id: i32) -> AppResult<Vec<seminar::Model>> {
    Ok(seminar::Entity::find()
        .filter(seminar::Column::StudyId.eq(study_id))
        .order_by_asc(seminar::Column::Number)
        .all(db)
        .await?)
}

pub async fn seminar(db: &impl ConnectionTrait, id: i32) -> AppResult<Option<seminar::Model>> {
    Ok(seminar::Entity::find_by_id(id).one(db).await?)
}

pub async fn attendance(
    db: &impl ConnectionTrait,
    seminar_ids: Vec<i32>,
) -> AppResult<Vec<seminar_attendance::Model>> {
    Ok(seminar_attendance::Entity::find()
        .filter(seminar_attendance::Column::SeminarId.is_in(seminar_ids))
        .order_by_asc(seminar_attendance::Column::GroupName)
        .all(db)
        .await?)
}

/// A study's findings, in order; only those of the given kinds when any are given.
pub async fn findings(
    db: &impl ConnectionTrait,
    study_id: i32,
    kinds: &[&str],
    args: &PageArgs,
) -> AppResult<Page<(String, study_finding::Model)>> {
    let ordering = Ordering {
        name: "finding:kind-number".into(),
        columns: vec![
            SortColumn::asc(Expr::col(study_finding::Column::Kind)),
            SortColumn::asc(Expr::col(study_finding::Column::Number)),
            SortColumn::asc(Expr::col(study_finding::Column::Id)),
        ],
    };
    let plan = PagePlan::new(args, &ordering)?;
    let mut select =
        study_finding::Entity::find().filter(study_finding::Column::StudyId.eq(study_id));
    if !kinds.is_empty() {
        select = select.filter(study_finding::Column::Kind.is_in(kinds.iter().copied()));
    }
    let rows = plan.apply(select, &ordering).all(db).await?;
    Ok(plan.finish(
        rows.into_iter()
            .map(|r| {
                let key = vec![
                    KeyValue::Text(r.kind.clone()),
                    KeyValue::Int(i64::from(r.number)),
                    KeyValue::Int(i64::from(r.id)),
                ];
                (encode_cursor(&ordering.name, key), r)
            })
            .collect(),
    ))
}

pub async fn finding(
    db: &impl ConnectionTrait,
    id: i32,
) -> AppResult<Option<study_finding::Model>> {
    Ok(study_finding::Entity::find_by_id(id).one(db).await?)
}
