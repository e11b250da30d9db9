//! Action plan rows, keyed by organisation code and title, imported in two steps: every
//! row is validated and compared against the stored plans read once (no transaction),
//! then the creates and updates are written in one short transaction with multi-row
//! statements.

use super::prefetch::{self, Organisations};
use super::reader::Reader;
use super::source::{Columns, Record, RowError};
use super::{ImportFailure, Tally, reported};
use crate::domain::dates;
use crate::domain::names::search_key;
use crate::domain::register::{DataOrigin, DecisionBody};
use crate::error::{AppError, AppResult, is_unique_violation};
use crate::services::audit::{self, Pending};
use crate::services::register::planning::{self, PlanFacts, Snapshot};
use crate::services::writing::{RequestContext, Validator};
use chrono::Utc;
use entity::{action_plan, action_plan_article};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryTrait, TryIntoModel,
};
use std::collections::{BTreeSet, HashMap};

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

/// Plans per insert statement (fourteen values each).
const PLANS_PER_STATEMENT: usize = 1_000;
/// Article links per insert statement (two values each).
const LINKS_PER_STATEMENT: usize = 5_000;
/// Ids per `IN (…)` list.
const IDS_PER_STATEMENT: usize = 500;

/// A valid row that writes something.
enum Write {
    Create {
        organisation_id: i32,
        facts: PlanFacts,
        articles: Vec<i32>,
    },
    Update {
        stored: Box<action_plan::Model>,
        stored_articles: Vec<i32>,
        facts: PlanFacts,
        articles: Vec<i32>,
    },
}

/// Every row validated and compared: what the write step does.
pub struct Prepared {
    pub tally: Tally,
    pub organisation_ids: BTreeSet<i32>,
    writes: Vec<Write>,
}

/// One row's typed values, or its field errors.
fn read(record: &Record) -> AppResult<(String, PlanFacts, Vec<i32>)> {
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
    Ok((code, facts, articles))
}

fn check(
    facts: &PlanFacts,
    articles: &[i32],
    known: &std::collections::HashSet<i32>,
) -> AppResult<()> {
    let mut v = Validator::new();
    planning::validate(facts, &mut v);
    for number in articles {
        v.check(
            known.contains(number),
            "articleNumbers",
            "NOT_FOUND",
            format!("the charter has no article {number}"),
        );
    }
    v.finish()
}

/// The stored plans of the organisations, by organisation and title key, with their
/// articles.
async fn stored_plans(
    db: &impl ConnectionTrait,
    organisation_ids: &BTreeSet<i32>,
) -> AppResult<HashMap<(i32, String), (action_plan::Model, Vec<i32>)>> {
    let ids: Vec<i32> = organisation_ids.iter().copied().collect();
    let mut plans = HashMap::new();
    for slice in ids.chunks(IDS_PER_STATEMENT) {
        for plan in action_plan::Entity::find()
            .filter(action_plan::Column::OrganisationId.is_in(slice.to_vec()))
            .all(db)
            .await?
        {
            plans.insert(plan.id, (plan, Vec::new()));
        }
        let links = action_plan_article::Entity::find()
            .filter(
                Expr::col(action_plan_article::Column::ActionPlanId).in_subquery(
                    Query::select()
                        .column(action_plan::Column::Id)
                        .from(action_plan::Entity)
                        .and_where(action_plan::Column::OrganisationId.is_in(slice.to_vec()))
                        .to_owned(),
                ),
            )
            .all(db)
            .await?;
        for link in links {
            if let Some((_, articles)) = plans.get_mut(&link.action_plan_id) {
                articles.push(link.article_number);
            }
        }
    }
    Ok(plans
        .into_values()
        .map(|(plan, mut articles)| {
            articles.sort_unstable();
            (
                (plan.organisation_id, plan.title_key.clone()),
                (plan, articles),
            )
        })
        .collect())
}

fn unchanged(
    stored: &action_plan::Model,
    stored_articles: &[i32],
    facts: &PlanFacts,
    articles: &[i32],
) -> bool {
    stored.adopted_on == facts.adopted_on.map(dates::format)
        && stored.decision_body == facts.decision_body.as_str()
        && stored.period_start_year == facts.period_start_year
        && stored.period_end_year == facts.period_end_year
        && stored.priorities == facts.priorities
        && stored.resources == facts.resources
        && stored.document_url == facts.document_url
        && stored_articles == articles
}

/// Validates every row and decides what it writes, reading the organisations, the
/// charter and the stored plans once. Row problems are all collected; a row of an
/// organisation the caller may not write refuses the whole import.
pub async fn prepare(
    db: &DatabaseConnection,
    request: &RequestContext,
    records: &[Record],
) -> Result<Prepared, ImportFailure> {
    let organisations = Organisations::load(db).await?;
    let known_articles = prefetch::article_numbers(db).await?;
    let mut errors: Vec<RowError> = Vec::new();
    let mut valid = Vec::with_capacity(records.len());
    for record in records {
        let outcome = read(record).and_then(|(code, facts, articles)| {
            let (organisation_id, _) = organisations.writable(request, &code)?;
            Ok((record.line, organisation_id, facts, articles))
        });
        match outcome {
            Ok(row) => valid.push(row),
            Err(err) => errors.extend(reported(record.line, err)?),
        }
    }
    if !errors.is_empty() {
        return Err(ImportFailure::Rejected(errors));
    }
    let organisation_ids: BTreeSet<i32> = valid.iter().map(|(_, id, _, _)| *id).collect();
    let mut stored = stored_plans(db, &organisation_ids).await?;
    let mut tally = Tally {
        rows: records.len(),
        ..Default::default()
    };
    let mut writes = Vec::new();
    for (line, organisation_id, facts, articles) in valid {
        let existing = stored.remove(&(organisation_id, search_key(&facts.title)));
        // Like a single write, a row is checked only when it writes: a stored plan the
        // rules would refuse today (a period ending far ahead) imports back unchanged.
        let changes = existing
            .as_ref()
            .is_none_or(|(plan, plan_articles)| !unchanged(plan, plan_articles, &facts, &articles));
        if changes && let Err(err) = check(&facts, &articles, &known_articles) {
            errors.extend(reported(line, err)?);
            continue;
        }
        match existing {
            None => {
                tally.created += 1;
                writes.push(Write::Create {
                    organisation_id,
                    facts,
                    articles,
                });
            }
            Some((plan, plan_articles)) if unchanged(&plan, &plan_articles, &facts, &articles) => {
                tally.unchanged += 1;
            }
            Some((plan, plan_articles)) => {
                tally.updated += 1;
                writes.push(Write::Update {
                    stored: Box::new(plan),
                    stored_articles: plan_articles,
                    facts,
                    articles,
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(ImportFailure::Rejected(errors));
    }
    Ok(Prepared {
        tally,
        organisation_ids,
        writes,
    })
}

/// Writes what `prepare` decided. `Ok(false)` when the stored plans moved since they were
/// read (another writer created or changed one of the rows' plans): nothing may be
/// committed then, and the import is prepared again.
pub async fn write(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    prepared: Prepared,
) -> AppResult<bool> {
    let Some(actor) = request.caller.principal() else {
        return Ok(true);
    };
    let now = Utc::now();
    let mut creates: HashMap<(i32, String), Vec<i32>> = HashMap::new();
    let mut new_plans = Vec::new();
    let mut updates = Vec::new();
    for write in prepared.writes {
        match write {
            Write::Create {
                organisation_id,
                facts,
                articles,
            } => {
                let mut active = action_plan::ActiveModel {
                    organisation_id: Set(organisation_id),
                    data_origin: Set(DataOrigin::Reported.as_str().to_owned()),
                    version: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                };
                creates.insert((organisation_id, search_key(&facts.title)), articles);
                planning::apply(&mut active, facts);
                new_plans.push(active);
            }
            Write::Update {
                stored,
                stored_articles,
                facts,
                articles,
            } => updates.push((stored, stored_articles, facts, articles)),
        }
    }
    let mut audit_entries = Vec::with_capacity(creates.len() + updates.len());
    let mut links = Vec::new();
    let mut new_plans = new_plans.into_iter().peekable();
    while new_plans.peek().is_some() {
        let chunk: Vec<action_plan::ActiveModel> =
            new_plans.by_ref().take(PLANS_PER_STATEMENT).collect();
        let Some(ids) = insert_returning_ids(txn, &chunk).await? else {
            return Ok(false);
        };
        for mut active in chunk {
            let key = (
                *active.organisation_id.as_ref(),
                active.title_key.as_ref().clone(),
            );
            let Some(id) = ids.get(&key) else {
                return Ok(false);
            };
            active.id = Set(*id);
            let plan = active.try_into_model().map_err(AppError::from)?;
            let articles = creates.remove(&key).unwrap_or_default();
            links.extend(articles.iter().map(|n| (plan.id, *n)));
            let after = Snapshot {
                plan: &plan,
                articles: &articles,
            };
            audit_entries.push(Pending::new(
                "action_plan.create",
                "ActionPlan",
                plan.id,
                None,
                Some(&after),
            )?);
        }
    }
    let mut replaced = Vec::new();
    for (stored, stored_articles, facts, articles) in updates {
        let mut active: action_plan::ActiveModel = (*stored).clone().into();
        planning::apply(&mut active, facts);
        active.data_origin = Set(DataOrigin::Reported.as_str().to_owned());
        active.version = Set(stored.version + 1);
        active.updated_at = Set(now);
        let result = action_plan::Entity::update_many()
            .set(active.clone())
            .filter(action_plan::Column::Id.eq(stored.id))
            .filter(action_plan::Column::Version.eq(stored.version))
            .exec(txn)
            .await?;
        if result.rows_affected != 1 {
            return Ok(false);
        }
        let updated = active.try_into_model().map_err(AppError::from)?;
        replaced.push(stored.id);
        links.extend(articles.iter().map(|n| (stored.id, *n)));
        let before = Snapshot {
            plan: &stored,
            articles: &stored_articles,
        };
        let after = Snapshot {
            plan: &updated,
            articles: &articles,
        };
        audit_entries.push(Pending::new(
            "action_plan.update",
            "ActionPlan",
            stored.id,
            Some(&before),
            Some(&after),
        )?);
    }
    for slice in replaced.chunks(IDS_PER_STATEMENT) {
        action_plan_article::Entity::delete_many()
            .filter(action_plan_article::Column::ActionPlanId.is_in(slice.to_vec()))
            .exec(txn)
            .await?;
    }
    for slice in links.chunks(LINKS_PER_STATEMENT) {
        action_plan_article::Entity::insert_many(slice.iter().map(|(plan, number)| {
            action_plan_article::ActiveModel {
                action_plan_id: Set(*plan),
                article_number: Set(*number),
            }
        }))
        .exec_without_returning(txn)
        .await?;
    }
    audit::record_all(txn, request, actor, audit_entries).await?;
    Ok(true)
}

/// Inserts plans in one statement and returns their ids by organisation and title key;
/// `None` when one of them exists already (another writer created it since it was read).
async fn insert_returning_ids(
    txn: &DatabaseTransaction,
    plans: &[action_plan::ActiveModel],
) -> AppResult<Option<HashMap<(i32, String), i32>>> {
    let mut insert = action_plan::Entity::insert_many(plans.iter().cloned()).into_query();
    insert.returning(Query::returning().columns([
        action_plan::Column::Id,
        action_plan::Column::OrganisationId,
        action_plan::Column::TitleKey,
    ]));
    let rows = match txn.query_all(&insert).await {
        Ok(rows) => rows,
        Err(err) if is_unique_violation(&err) => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    let mut ids = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: i32 = row.try_get("", "id")?;
        let organisation_id: i32 = row.try_get("", "organisation_id")?;
        let title_key: String = row.try_get("", "title_key")?;
        ids.insert((organisation_id, title_key), id);
    }
    Ok((ids.len() == plans.len()).then_some(ids))
}
