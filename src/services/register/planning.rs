//! Creating and updating action plans, their articles and their follow-up reports.

use crate::auth::{Principal, policy};
use crate::domain::dates;
use crate::domain::names::search_key;
use crate::domain::register::{DataOrigin, DecisionBody};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use crate::services::organisations;
use crate::services::register::action_plans;
use crate::services::writing::{
    self, RequestContext, Validator, Versioned, check_version, save_versioned,
};
use chrono::{Datelike, NaiveDate, Utc};
use entity::{action_plan, action_plan_article, charter_article, follow_up_report};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

/// What an action plan says, as a client gives it.
#[derive(Debug, Clone)]
pub struct PlanFacts {
    pub title: String,
    /// None while the plan is only intended.
    pub adopted_on: Option<NaiveDate>,
    pub decision_body: DecisionBody,
    pub period_start_year: Option<i32>,
    pub period_end_year: Option<i32>,
    pub priorities: String,
    pub resources: String,
    pub document_url: Option<String>,
}

/// A plan with its articles, as the audit log records it.
#[derive(Serialize)]
pub(crate) struct Snapshot<'a> {
    #[serde(flatten)]
    pub plan: &'a action_plan::Model,
    pub articles: &'a [i32],
}

/// Checks what a plan says on its own (no database): imports validate every row this way
/// before they write.
pub(crate) fn validate(facts: &PlanFacts, v: &mut Validator) {
    v.text("title", &facts.title, 300);
    if let Some(adopted) = facts.adopted_on {
        v.register_date("adoptedOn", adopted);
    }
    v.period(
        ("periodStartYear", facts.period_start_year),
        ("periodEndYear", facts.period_end_year),
        facts.adopted_on.map(|d| d.year()),
    );
    v.check(
        facts.priorities.chars().count() <= 10_000,
        "priorities",
        "TOO_LONG",
        "at most 10000 characters",
    );
    v.check(
        facts.resources.chars().count() <= 10_000,
        "resources",
        "TOO_LONG",
        "at most 10000 characters",
    );
    if let Some(url) = &facts.document_url {
        v.check(
            (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() <= 2000
                && !url.contains(char::is_whitespace),
            "documentUrl",
            "INVALID",
            "must be an http(s) URL",
        );
    }
}

/// Checks article numbers against the charter.
async fn validate_articles(
    txn: &DatabaseTransaction,
    numbers: &[i32],
    v: &mut Validator,
) -> AppResult<Vec<i32>> {
    let known: Vec<i32> = charter_article::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|a| a.number)
        .collect();
    let mut wanted: Vec<i32> = numbers.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    for number in &wanted {
        v.check(
            known.contains(number),
            "articleNumbers",
            "NOT_FOUND",
            format!("the charter has no article {number}"),
        );
    }
    Ok(wanted)
}

async fn articles_of(txn: &DatabaseTransaction, plan_id: i32) -> AppResult<Vec<i32>> {
    Ok(action_plan_article::Entity::find()
        .filter(action_plan_article::Column::ActionPlanId.eq(plan_id))
        .order_by_asc(action_plan_article::Column::ArticleNumber)
        .all(txn)
        .await?
        .into_iter()
        .map(|a| a.article_number)
        .collect())
}

async fn replace_articles(
    txn: &DatabaseTransaction,
    plan_id: i32,
    numbers: &[i32],
) -> AppResult<()> {
    action_plan_article::Entity::delete_many()
        .filter(action_plan_article::Column::ActionPlanId.eq(plan_id))
        .exec(txn)
        .await?;
    for number in numbers {
        action_plan_article::ActiveModel {
            action_plan_id: Set(plan_id),
            article_number: Set(*number),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Sets what a plan says on a row about to be written.
pub(crate) fn apply(active: &mut action_plan::ActiveModel, facts: PlanFacts) {
    active.title_key = Set(search_key(&facts.title));
    active.title = Set(facts.title.trim().to_owned());
    active.adopted_on = Set(facts.adopted_on.map(dates::format));
    active.decision_body = Set(facts.decision_body.as_str().to_owned());
    active.period_start_year = Set(facts.period_start_year);
    active.period_end_year = Set(facts.period_end_year);
    active.priorities = Set(facts.priorities);
    active.resources = Set(facts.resources);
    active.document_url = Set(facts.document_url);
}

/// A plan as it reads once what a plan says is applied (as `apply` sets it on a row).
pub(crate) fn applied(plan: action_plan::Model, facts: PlanFacts) -> action_plan::Model {
    action_plan::Model {
        title_key: search_key(&facts.title),
        title: facts.title.trim().to_owned(),
        adopted_on: facts.adopted_on.map(dates::format),
        decision_body: facts.decision_body.as_str().to_owned(),
        period_start_year: facts.period_start_year,
        period_end_year: facts.period_end_year,
        priorities: facts.priorities,
        resources: facts.resources,
        document_url: facts.document_url,
        ..plan
    }
}

fn columns() -> Versioned<action_plan::Entity> {
    Versioned {
        id: action_plan::Column::Id,
        version: action_plan::Column::Version,
        updated_at: action_plan::Column::UpdatedAt,
    }
}

fn title_taken(title: &str) -> String {
    format!(
        "the organisation already has an action plan titled {title:?} (titles compare ignoring case and spacing)"
    )
}

/// Refuses a title another plan of the organisation has, as titles compare (the
/// organisation's lock is held, so the answer stays true until commit).
async fn check_title_free(
    txn: &DatabaseTransaction,
    organisation_id: i32,
    plan_id: Option<i32>,
    title: &str,
    v: &mut Validator,
) -> AppResult<()> {
    if let Some(other) = action_plans::by_title(txn, organisation_id, title).await? {
        v.check(
            Some(other.id) == plan_id,
            "title",
            "DUPLICATE",
            title_taken(title.trim()),
        );
    }
    Ok(())
}

/// Creates an action plan of an organisation.
pub async fn create(
    db: &DatabaseConnection,
    request: &RequestContext,
    organisation_code: &str,
    facts: PlanFacts,
    article_numbers: Vec<i32>,
) -> AppResult<action_plan::Model> {
    writing::transaction(db, async |txn| {
        policy::authenticated(&request.caller)?;
        let organisation = organisations::by_code(txn, organisation_code)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "organisationCode",
                    "NOT_FOUND",
                    format!("no organisation has the code {organisation_code:?}"),
                )
            })?;
        let actor = policy::may_write_organisation(&request.caller, organisation.id)?;
        writing::lock_organisation(txn, organisation.id).await?;
        let mut v = Validator::new();
        validate(&facts, &mut v);
        check_title_free(txn, organisation.id, None, &facts.title, &mut v).await?;
        let articles = validate_articles(txn, &article_numbers, &mut v).await?;
        v.finish()?;
        let now = Utc::now();
        let mut active = action_plan::ActiveModel {
            organisation_id: Set(organisation.id),
            data_origin: Set(DataOrigin::Reported.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let title = facts.title.trim().to_owned();
        apply(&mut active, facts);
        let created = active
            .insert(txn)
            .await
            .map_err(writing::duplicate_on("title", title_taken(&title)))?;
        replace_articles(txn, created.id, &articles).await?;
        let after = Snapshot {
            plan: &created,
            articles: &articles,
        };
        let change = Change::created("action_plan.create", "ActionPlan", created.id, &after);
        audit::record(txn, request, actor, change).await?;
        Ok(created)
    })
    .await
}

async fn for_write<'a>(
    txn: &DatabaseTransaction,
    request: &'a RequestContext,
    id: i32,
) -> AppResult<(action_plan::Model, &'a Principal)> {
    policy::authenticated(&request.caller)?;
    let stored = action_plan::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no action plan {id}")))?;
    let actor = policy::may_write_organisation(&request.caller, stored.organisation_id)?;
    Ok((stored, actor))
}

/// Replaces what a plan says (its articles stay unless given).
pub async fn update(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
    version: i32,
    facts: PlanFacts,
    article_numbers: Option<Vec<i32>>,
) -> AppResult<action_plan::Model> {
    writing::transaction(db, async |txn| {
        let (stored, actor) = for_write(txn, request, id).await?;
        check_version("action plan", version, stored.version)?;
        writing::lock_organisation(txn, stored.organisation_id).await?;
        let mut v = Validator::new();
        validate(&facts, &mut v);
        check_title_free(txn, stored.organisation_id, Some(id), &facts.title, &mut v).await?;
        let articles = match &article_numbers {
            Some(numbers) => Some(validate_articles(txn, numbers, &mut v).await?),
            None => None,
        };
        v.finish()?;
        let before_articles = articles_of(txn, id).await?;
        let mut active: action_plan::ActiveModel = stored.clone().into();
        apply(&mut active, facts);
        active.data_origin = Set(DataOrigin::Reported.as_str().to_owned());
        // The organisation is locked and the title checked free: a collision here could only
        // come from a writer that skipped the lock, and answers CONFLICT.
        let updated = save_versioned(txn, "action plan", columns(), active, id, version).await?;
        if let Some(articles) = &articles {
            replace_articles(txn, id, articles).await?;
        }
        let after_articles = articles_of(txn, id).await?;
        let before = Snapshot {
            plan: &stored,
            articles: &before_articles,
        };
        let after = Snapshot {
            plan: &updated,
            articles: &after_articles,
        };
        let change = Change::updated("action_plan.update", "ActionPlan", id, &before, &after);
        audit::record(txn, request, actor, change).await?;
        Ok(updated)
    })
    .await
}

/// Sets the articles a plan addresses (bumps the plan's version).
pub async fn set_articles(
    db: &DatabaseConnection,
    request: &RequestContext,
    id: i32,
    version: i32,
    article_numbers: Vec<i32>,
) -> AppResult<action_plan::Model> {
    writing::transaction(db, async |txn| {
        let (stored, actor) = for_write(txn, request, id).await?;
        check_version("action plan", version, stored.version)?;
        let mut v = Validator::new();
        let articles = validate_articles(txn, &article_numbers, &mut v).await?;
        v.finish()?;
        let before_articles = articles_of(txn, id).await?;
        let updated = save_versioned(
            txn,
            "action plan",
            columns(),
            <action_plan::ActiveModel as Default>::default(),
            id,
            version,
        )
        .await?;
        replace_articles(txn, id, &articles).await?;
        let before = Snapshot {
            plan: &stored,
            articles: &before_articles,
        };
        let after = Snapshot {
            plan: &updated,
            articles: &articles,
        };
        let change = Change::updated(
            "action_plan.set_articles",
            "ActionPlan",
            id,
            &before,
            &after,
        );
        audit::record(txn, request, actor, change).await?;
        Ok(updated)
    })
    .await
}

fn report_exists(day: &str) -> String {
    format!("the plan already has a follow-up report on {day}")
}

/// Adds a follow-up report to an adopted plan.
pub async fn add_follow_up(
    db: &DatabaseConnection,
    request: &RequestContext,
    plan_id: i32,
    reported_on: NaiveDate,
    summary: String,
) -> AppResult<follow_up_report::Model> {
    writing::transaction(db, async |txn| {
        let (plan, actor) = for_write(txn, request, plan_id).await?;
        writing::lock_organisation(txn, plan.organisation_id).await?;
        let mut v = Validator::new();
        v.register_date("reportedOn", reported_on);
        v.text("summary", &summary, 10_000);
        let day = dates::format(reported_on);
        v.check(
            action_plans::follow_up_on(txn, plan.id, &day)
                .await?
                .is_none(),
            "reportedOn",
            "DUPLICATE",
            report_exists(&day),
        );
        match &plan.adopted_on {
            None => v.error(
                "actionPlanId",
                "INVALID",
                "only an adopted plan can be followed up",
            ),
            Some(adopted) => v.check(
                dates::format(reported_on) >= *adopted,
                "reportedOn",
                "ORDER",
                format!("a follow-up cannot precede the plan's adoption on {adopted}"),
            ),
        }
        v.finish()?;
        let now = Utc::now();
        let created = follow_up_report::ActiveModel {
            action_plan_id: Set(plan.id),
            reported_on: Set(day.clone()),
            summary: Set(summary.trim().to_owned()),
            data_origin: Set(DataOrigin::Reported.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(writing::duplicate_on("reportedOn", report_exists(&day)))?;
        audit::record(
            txn,
            request,
            actor,
            Change::created(
                "follow_up_report.add",
                "FollowUpReport",
                created.id,
                &created,
            ),
        )
        .await?;
        Ok(created)
    })
    .await
}
