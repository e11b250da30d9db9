//! Public reads of studies and what they publish as text, limited to what `visibility`
//! lets the caller see. Participants and interviews are in `restricted`.

use super::visibility;
use crate::error::AppResult;
use crate::services::pagination::{
    KeyValue, Ordering, Page, PageArgs, PagePlan, SortColumn, encode_cursor,
};
use crate::services::writing::RequestContext;
use entity::{
    quote, respondent_group, seminar, seminar_attendance, study, study_finding, study_question,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// The studies the caller may see, oldest first.
pub async fn studies(
    db: &impl ConnectionTrait,
    request: &RequestContext,
) -> AppResult<Vec<study::Model>> {
    let mut select = study::Entity::find();
    if !visibility::sees_drafts(request) {
        let public = super::releases::public_study_ids(db).await?;
        select = select.filter(study::Column::Id.is_in(public));
    }
    Ok(select
        .order_by_asc(study::Column::Year)
        .order_by_asc(study::Column::Id)
        .all(db)
        .await?)
}

/// A study by id, if the caller may see it.
pub async fn study(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    id: i32,
) -> AppResult<Option<study::Model>> {
    let found = study::Entity::find_by_id(id).one(db).await?;
    visibility::visible(db, request, found).await
}

/// A study by slug, if the caller may see it.
pub async fn study_by_slug(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    slug: &str,
) -> AppResult<Option<study::Model>> {
    let found = study::Entity::find()
        .filter(study::Column::Slug.eq(slug))
        .one(db)
        .await?;
    visibility::visible(db, request, found).await
}

/// Keeps a record of a study only when the caller may see the study.
async fn if_visible<T>(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    record: Option<T>,
    study_id: impl Fn(&T) -> i32,
) -> AppResult<Option<T>> {
    match record {
        Some(r) if visibility::may_see(db, request, study_id(&r)).await? => Ok(Some(r)),
        _ => Ok(None),
    }
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

/// A respondent group, if the caller may see its study.
pub async fn group(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    id: i32,
) -> AppResult<Option<respondent_group::Model>> {
    let found = respondent_group::Entity::find_by_id(id).one(db).await?;
    if_visible(db, request, found, |g| g.study_id).await
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

/// A study's quotes, of one theme when given.
fn quote_select(study_id: i32, theme: Option<&str>) -> sea_orm::Select<quote::Entity> {
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
    select
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
    let select = quote_select(study_id, theme);
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

/// How many quotes a study has (of one theme, when given).
pub async fn quote_count(
    db: &impl ConnectionTrait,
    study_id: i32,
    theme: Option<&str>,
) -> AppResult<u64> {
    Ok(quote_select(study_id, theme).count(db).await?)
}

/// A quote, if the caller may see its study.
pub async fn quote(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    id: i32,
) -> AppResult<Option<quote::Model>> {
    let found = quote::Entity::find_by_id(id).one(db).await?;
    if_visible(db, request, found, |q| q.study_id).await
}

pub async fn seminars(db: &impl ConnectionTrait, study_id: i32) -> AppResult<Vec<seminar::Model>> {
    Ok(seminar::Entity::find()
        .filter(seminar::Column::StudyId.eq(study_id))
        .order_by_asc(seminar::Column::Number)
        .all(db)
        .await?)
}

/// A seminar, if the caller may see its study.
pub async fn seminar(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    id: i32,
) -> AppResult<Option<seminar::Model>> {
    let found = seminar::Entity::find_by_id(id).one(db).await?;
    if_visible(db, request, found, |s| s.study_id).await
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

/// A finding, if the caller may see its study.
pub async fn finding(
    db: &impl ConnectionTrait,
    request: &RequestContext,
    id: i32,
) -> AppResult<Option<study_finding::Model>> {
    let found = study_finding::Entity::find_by_id(id).one(db).await?;
    if_visible(db, request, found, |f| f.study_id).await
}

/// How many findings of the given kinds a study has.
pub async fn finding_count(
    db: &impl ConnectionTrait,
    study_id: i32,
    kinds: &[&str],
) -> AppResult<u64> {
    let mut select =
        study_finding::Entity::find().filter(study_finding::Column::StudyId.eq(study_id));
    if !kinds.is_empty() {
        select = select.filter(study_finding::Column::Kind.is_in(kinds.iter().copied()));
    }
    Ok(select.count(db).await?)
}

/// Where the study's own report printed a figure, if it did.
pub async fn source_citation(
    db: &impl ConnectionTrait,
    study_id: i32,
    key: &str,
) -> AppResult<Option<String>> {
    use entity::study_source_figure as figure;
    Ok(figure::Entity::find()
        .filter(figure::Column::StudyId.eq(study_id))
        .filter(figure::Column::FigureKey.eq(key))
        .one(db)
        .await?
        .map(|f| f.citation))
}
