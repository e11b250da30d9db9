//! Action plan rows, keyed by organisation code and title.

use super::Change;
use super::reader::{Reader, writable_organisation};
use super::source::{Columns, Record};
use crate::domain::dates;
use crate::domain::register::DecisionBody;
use crate::error::AppResult;
use crate::services::register::action_plans;
use crate::services::register::planning::{self, PlanFacts};
use crate::services::writing::RequestContext;
use sea_orm::DatabaseTransaction;

pub static COLUMNS: Columns = Columns {
    key: &["organisation_code", "title"],
    required: &["organisation_code", "title"],
    optional: &[
        "adopted_on",
        "decision_body",
        "period_start_year",
        "period_end_year",
        "priorities",
        "resources",
        "document_url",
        "article_numbers",
    ],
    read_only: &["organisation_name", "data_origin", "updated_at"],
};

pub async fn apply(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    record: &Record,
) -> AppResult<Change> {
    let mut r = Reader::new(record);
    let code = r.required("organisation_code");
    let facts = PlanFacts {
        title: r.required("title"),
        adopted_on: r.date("adopted_on"),
        decision_body: r
            .code("decision_body", DecisionBody::from_stored)
            .unwrap_or(DecisionBody::Unknown),
        period_start_year: r.int("period_start_year"),
        period_end_year: r.int("period_end_year"),
        priorities: r.text("priorities").unwrap_or_default(),
        resources: r.text("resources").unwrap_or_default(),
        document_url: r.text("document_url"),
    };
    let mut articles: Vec<i32> = r.list("article_numbers", |s| s.parse().ok());
    articles.sort_unstable();
    articles.dedup();
    r.finish()?;
    let organisation = writable_organisation(txn, request, &code).await?;
    let Some(stored) = action_plans::by_title(txn, organisation.id, &facts.title).await? else {
        planning::create_in(txn, request, &code, facts, articles).await?;
        return Ok(Change::Created);
    };
    let stored_articles: Vec<i32> = action_plans::articles_of(txn, vec![stored.id])
        .await?
        .into_iter()
        .map(|a| a.article_number)
        .collect();
    let unchanged = stored.adopted_on == facts.adopted_on.map(dates::format)
        && stored.decision_body == facts.decision_body.as_str()
        && stored.period_start_year == facts.period_start_year
        && stored.period_end_year == facts.period_end_year
        && stored.priorities == facts.priorities
        && stored.resources == facts.resources
        && stored.document_url == facts.document_url
        && stored_articles == articles;
    if unchanged {
        return Ok(Change::Unchanged);
    }
    planning::update_in(
        txn,
        request,
        stored.id,
        stored.version,
        facts,
        Some(articles),
    )
    .await?;
    Ok(Change::Updated)
}
