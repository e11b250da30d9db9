//! Action plan rows, keyed by organisation code and title, imported in two steps: every
//! row is validated and compared against the stored plans read once (no transaction),
//! then the creates and updates are written in one short transaction with multi-row
//! statements.

use super::batch::{self, Outcome};
use super::prefetch::{self, Organisations};
use super::reader::Reader;
use super::source::{Columns, Record, RowError};
use super::{ImportFailure, Tally, pace, reported};
use crate::domain::dates;
use crate::domain::names::search_key;
use crate::domain::register::{DataOrigin, DecisionBody};
use crate::error::AppResult;
use crate::services::audit::Pending;
use crate::services::register::planning::{self, PlanFacts, Snapshot};
use crate::services::writing::{RequestContext, Validator, bulk};
use chrono::Utc;
use entity::{action_plan, action_plan_article};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QuerySelect,
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
    organisation_ids: &[i32],
) -> AppResult<HashMap<(i32, String), (action_plan::Model, Vec<i32>)>> {
    let mut plans: HashMap<i32, (action_plan::Model, Vec<i32>)> =
        prefetch::plans_of_organisations(db, organisation_ids)
            .await?
            .into_iter()
            .map(|plan| (plan.id, (plan, Vec::new())))
            .collect();
    let links = prefetch::in_slices_of(
        db,
        organisation_ids,
        prefetch::ORGANISATIONS_PER_READ,
        |slice| {
            action_plan_article::Entity::find()
                .select_only()
                .column(action_plan_article::Column::ActionPlanId)
                .column(action_plan_article::Column::ArticleNumber)
                .filter(
                    Expr::col(action_plan_article::Column::ActionPlanId).in_subquery(
                        Query::select()
                            .column(action_plan::Column::Id)
                            .from(action_plan::Entity)
                            .and_where(action_plan::Column::OrganisationId.is_in(slice))
                            .to_owned(),
                    ),
                )
                .into_tuple::<(i32, i32)>()
        },
    )
    .await?;
    for (plan_id, number) in links {
        if let Some((_, articles)) = plans.get_mut(&plan_id) {
            articles.push(number);
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
    for (i, record) in records.iter().enumerate() {
        pace(i).await;
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
    let ids: Vec<i32> = organisation_ids.iter().copied().collect();
    let mut stored = stored_plans(db, &ids).await?;
    let mut tally = Tally {
        rows: records.len(),
        ..Default::default()
    };
    let mut writes = Vec::new();
    for (i, (line, organisation_id, facts, articles)) in valid.into_iter().enumerate() {
        pace(i).await;
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

/// What `prepare` decided, as rows ready to write: the plans and, in the same order,
/// the articles each is to address (an updated plan's stored ones beside them).
pub struct Staged {
    rows: batch::Staged<action_plan::Model>,
    created_articles: Vec<Vec<i32>>,
    updated_articles: Vec<Vec<i32>>,
}

/// Builds the plans `prepare` decided on, and their audit entries (no database).
pub fn stage(prepared: Prepared) -> AppResult<Staged> {
    let now = Utc::now();
    let origin = DataOrigin::Reported.as_str();
    let mut creates = Vec::new();
    let mut created_articles = Vec::new();
    let mut updates = Vec::new();
    let mut updated_articles = Vec::new();
    let mut update_audit = Vec::new();
    for write in prepared.writes {
        match write {
            Write::Create {
                organisation_id,
                facts,
                articles,
            } => {
                let plan = action_plan::Model {
                    id: 0,
                    organisation_id,
                    title: String::new(),
                    title_key: String::new(),
                    adopted_on: None,
                    decision_body: String::new(),
                    period_start_year: None,
                    period_end_year: None,
                    priorities: String::new(),
                    resources: String::new(),
                    document_url: None,
                    data_origin: origin.to_owned(),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                creates.push(planning::applied(plan, facts));
                created_articles.push(articles);
            }
            Write::Update {
                stored,
                stored_articles,
                facts,
                articles,
            } => {
                let updated = action_plan::Model {
                    data_origin: origin.to_owned(),
                    version: stored.version + 1,
                    updated_at: now,
                    ..planning::applied((*stored).clone(), facts)
                };
                let before = Snapshot {
                    plan: &stored,
                    articles: &stored_articles,
                };
                let after = Snapshot {
                    plan: &updated,
                    articles: &articles,
                };
                update_audit.push(Pending::new(
                    "action_plan.update",
                    "ActionPlan",
                    stored.id,
                    Some(&before),
                    Some(&after),
                )?);
                updates.push((*stored, updated));
                updated_articles.push(articles);
            }
        }
    }
    let mut audit = update_audit;
    audit.reserve(creates.len());
    for (plan, articles) in creates.iter().zip(&created_articles) {
        let after = Snapshot { plan, articles };
        audit.push(Pending::new(
            "action_plan.create",
            "ActionPlan",
            plan.id,
            None,
            Some(&after),
        )?);
    }
    Ok(Staged {
        rows: batch::Staged::with_audit(updates, creates, audit),
        created_articles,
        updated_articles,
    })
}

/// Writes the staged plans. `Outcome::Moved` when the stored plans moved since they were read
/// (another writer created or changed one of the rows' plans): nothing may be committed
/// then, and the import is prepared again.
pub async fn write(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    staged: Staged,
) -> AppResult<Outcome> {
    let Staged {
        mut rows,
        created_articles,
        updated_articles,
    } = staged;
    if !rows.write_rows(txn).await? {
        return Ok(Outcome::Moved);
    }
    let replaced: Vec<i32> = rows.updates().iter().map(|(stored, _)| stored.id).collect();
    for slice in replaced.chunks(prefetch::IDS_PER_STATEMENT) {
        action_plan_article::Entity::delete_many()
            .filter(action_plan_article::Column::ActionPlanId.is_in(slice.to_vec()))
            .exec(txn)
            .await?;
    }
    let new_links = rows.creates().iter().zip(&created_articles);
    let changed_links = rows
        .updates()
        .iter()
        .map(|(_, updated)| updated)
        .zip(&updated_articles);
    let links = new_links
        .chain(changed_links)
        .flat_map(|(plan, articles)| articles.iter().map(move |number| (plan.id, *number)));
    bulk::insert_rows(
        txn,
        "action_plan_article",
        &["action_plan_id", "article_number"],
        links,
        |(plan, number), values| {
            values.push(plan.into());
            values.push(number.into());
        },
    )
    .await?;
    drop((created_articles, updated_articles));
    Ok(Outcome::Written(rows.record(txn, request).await?))
}
