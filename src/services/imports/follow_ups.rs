//! Follow-up report rows, keyed by organisation code, the plan's title and the date,
//! imported in two steps like action plans: every row is validated and compared against
//! the plans and reports read once (no transaction), then the new reports are inserted
//! with multi-row statements and the changed summaries updated, in one short transaction.

use super::batch::{self, Outcome};
use super::prefetch::{self, Organisations};
use super::reader::Reader;
use super::source::{Columns, Record, RowError};
use super::{ImportFailure, Tally, pace, reported};
use crate::domain::dates;
use crate::domain::names::search_key;
use crate::domain::register::DataOrigin;
use crate::error::{AppError, AppResult};
use crate::services::writing::{RequestContext, Validator};
use chrono::{NaiveDate, Utc};
use entity::{action_plan, follow_up_report};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QuerySelect,
};
use std::collections::{BTreeSet, HashMap};

pub static COLUMNS: Columns = Columns {
    key: &["organisation_code", "action_plan_title", "reported_on"],
    required: &[
        "organisation_code",
        "action_plan_title",
        "reported_on",
        "summary",
    ],
    optional: &[],
    read_only: &["organisation_name", "data_origin", "updated_at"],
};

/// The longest summary a report takes, as a single write allows.
const SUMMARY_MAX: usize = 10_000;

/// What a row's plan looked like when the rows were checked against it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct PlanSeen {
    id: i32,
    version: i32,
}

/// A valid row that writes something.
enum Write {
    Create {
        plan_id: i32,
        reported_on: String,
        summary: String,
    },
    Update {
        stored: follow_up_report::Model,
        summary: String,
    },
}

/// Every row validated and compared: what the write step does.
pub struct Prepared {
    pub tally: Tally,
    pub organisation_ids: BTreeSet<i32>,
    plans: Vec<PlanSeen>,
    writes: Vec<Write>,
}

/// One row's typed values, or its field errors.
fn read(record: &Record) -> AppResult<(String, String, NaiveDate, String)> {
    let mut r = Reader::new(record);
    let code = r.required("organisation_code");
    let title = r.required("action_plan_title");
    let reported_on = r.date("reported_on");
    let summary = r.required("summary");
    r.finish()?;
    let Some(reported_on) = reported_on else {
        return Err(AppError::invalid(
            "reportedOn",
            "REQUIRED",
            "reported_on is required",
        ));
    };
    Ok((code, title, reported_on, summary))
}

/// The plans of the organisations, by organisation and title key.
async fn plans_of(
    db: &impl ConnectionTrait,
    organisation_ids: &[i32],
) -> AppResult<HashMap<(i32, String), action_plan::Model>> {
    let plans = prefetch::plans_of_organisations(db, organisation_ids).await?;
    Ok(plans
        .into_iter()
        .map(|plan| ((plan.organisation_id, plan.title_key.clone()), plan))
        .collect())
}

/// The stored reports of the organisations' plans, by plan and date.
async fn reports_of(
    db: &impl ConnectionTrait,
    organisation_ids: &[i32],
) -> AppResult<HashMap<(i32, String), follow_up_report::Model>> {
    let reports = prefetch::in_slices_of(
        db,
        organisation_ids,
        prefetch::ORGANISATIONS_PER_READ,
        |slice| {
            follow_up_report::Entity::find()
                .filter(
                    Expr::col(follow_up_report::Column::ActionPlanId).in_subquery(
                        Query::select()
                            .column(action_plan::Column::Id)
                            .from(action_plan::Entity)
                            .and_where(action_plan::Column::OrganisationId.is_in(slice))
                            .to_owned(),
                    ),
                )
                .into_model::<follow_up_report::Model>()
        },
    )
    .await?;
    Ok(reports
        .into_iter()
        .map(|report| ((report.action_plan_id, report.reported_on.clone()), report))
        .collect())
}

/// The checks `planning::add_follow_up` makes of a new report.
fn check_new(plan: &action_plan::Model, reported_on: NaiveDate, summary: &str) -> AppResult<()> {
    let mut v = Validator::new();
    v.register_date("reportedOn", reported_on);
    v.text("summary", summary, SUMMARY_MAX);
    match &plan.adopted_on {
        None => v.error(
            "actionPlanTitle",
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
    v.finish()
}

fn check_summary(summary: &str) -> AppResult<()> {
    let mut v = Validator::new();
    v.text("summary", summary, SUMMARY_MAX);
    v.finish()
}

/// Validates every row and decides what it writes, reading the organisations, their
/// plans and the plans' reports once. Row problems are all collected; a row of an
/// organisation the caller may not write refuses the whole import.
pub async fn prepare(
    db: &DatabaseConnection,
    request: &RequestContext,
    records: &[Record],
) -> Result<Prepared, ImportFailure> {
    let organisations = Organisations::load(db).await?;
    let mut errors: Vec<RowError> = Vec::new();
    let mut valid = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        pace(i).await;
        let outcome = read(record).and_then(|(code, title, reported_on, summary)| {
            let (organisation_id, _) = organisations.writable(request, &code)?;
            Ok((record.line, organisation_id, title, reported_on, summary))
        });
        match outcome {
            Ok(row) => valid.push(row),
            Err(err) => errors.extend(reported(record.line, err)?),
        }
    }
    if !errors.is_empty() {
        return Err(ImportFailure::Rejected(errors));
    }
    let organisation_ids: BTreeSet<i32> = valid.iter().map(|row| row.1).collect();
    let ids: Vec<i32> = organisation_ids.iter().copied().collect();
    let plans = plans_of(db, &ids).await?;
    let mut stored = reports_of(db, &ids).await?;
    let mut tally = Tally {
        rows: records.len(),
        ..Default::default()
    };
    let mut plans_seen: HashMap<i32, PlanSeen> = HashMap::new();
    // Two codes can name one organisation (its code and its regional county code): the
    // rows' keys are compared again once resolved.
    let mut first_line: HashMap<(i32, String), usize> = HashMap::new();
    let mut writes = Vec::new();
    for (i, (line, organisation_id, title, reported_on, summary)) in valid.into_iter().enumerate() {
        pace(i).await;
        let Some(plan) = plans.get(&(organisation_id, search_key(&title))) else {
            errors.extend(reported(
                line,
                AppError::invalid(
                    "actionPlanTitle",
                    "NOT_FOUND",
                    format!("the organisation has no action plan titled {title:?}"),
                ),
            )?);
            continue;
        };
        let day = dates::format(reported_on);
        if let Some(first) = first_line.insert((plan.id, day.clone()), line) {
            errors.push(RowError::new(
                line,
                Some("reported_on"),
                "DUPLICATE",
                format!("the same plan and date as line {first}"),
            ));
            continue;
        }
        plans_seen.insert(
            plan.id,
            PlanSeen {
                id: plan.id,
                version: plan.version,
            },
        );
        match stored.remove(&(plan.id, day.clone())) {
            Some(report) if report.summary == summary.trim() => tally.unchanged += 1,
            Some(report) => match check_summary(&summary) {
                Ok(()) => {
                    tally.updated += 1;
                    writes.push(Write::Update {
                        stored: report,
                        summary,
                    });
                }
                Err(err) => errors.extend(reported(line, err)?),
            },
            None => match check_new(plan, reported_on, &summary) {
                Ok(()) => {
                    tally.created += 1;
                    writes.push(Write::Create {
                        plan_id: plan.id,
                        reported_on: day,
                        summary,
                    });
                }
                Err(err) => errors.extend(reported(line, err)?),
            },
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(ImportFailure::Rejected(errors));
    }
    Ok(Prepared {
        tally,
        organisation_ids,
        plans: plans_seen.into_values().collect(),
        writes,
    })
}

/// Whether the plans the rows were checked against are still as they were read (a plan
/// re-adopted or retitled since would make a checked row wrong).
async fn plans_unchanged(txn: &DatabaseTransaction, seen: &[PlanSeen]) -> AppResult<bool> {
    let ids: Vec<i32> = seen.iter().map(|p| p.id).collect();
    let now: HashMap<i32, i32> = prefetch::in_slices(txn, &ids, |slice| {
        action_plan::Entity::find()
            .select_only()
            .column(action_plan::Column::Id)
            .column(action_plan::Column::Version)
            .filter(action_plan::Column::Id.is_in(slice))
            .into_tuple::<(i32, i32)>()
    })
    .await?
    .into_iter()
    .collect();
    Ok(seen.iter().all(|p| now.get(&p.id) == Some(&p.version)))
}

/// What `prepare` decided, as rows ready to write.
pub struct Staged {
    plans: Vec<PlanSeen>,
    rows: batch::Staged<follow_up_report::Model>,
}

/// Builds the rows `prepare` decided on, and their audit entries (no database).
pub fn stage(prepared: Prepared) -> AppResult<Staged> {
    let now = Utc::now();
    let origin = DataOrigin::Reported.as_str();
    let mut updates = Vec::new();
    let mut creates = Vec::new();
    for write in prepared.writes {
        match write {
            Write::Create {
                plan_id,
                reported_on,
                summary,
            } => creates.push(follow_up_report::Model {
                id: 0,
                action_plan_id: plan_id,
                reported_on,
                summary: trimmed(summary),
                data_origin: origin.to_owned(),
                version: 1,
                created_at: now,
                updated_at: now,
            }),
            Write::Update { stored, summary } => {
                let updated = follow_up_report::Model {
                    summary: trimmed(summary),
                    data_origin: origin.to_owned(),
                    version: stored.version + 1,
                    updated_at: now,
                    ..stored.clone()
                };
                updates.push((stored, updated));
            }
        }
    }
    Ok(Staged {
        plans: prepared.plans,
        rows: batch::Staged::new(updates, creates)?,
    })
}

/// Writes the staged rows. `Outcome::Moved` when the stored rows moved since they were read
/// (another writer added a report of the same plan and date, changed one of the reports
/// or one of their plans): nothing may be committed then, and the import is prepared
/// again.
pub async fn write(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    staged: Staged,
) -> AppResult<Outcome> {
    if !plans_unchanged(txn, &staged.plans).await? {
        return Ok(Outcome::Moved);
    }
    staged.rows.write(txn, request).await
}

/// A summary as stored: trimmed, reusing the row's own text when it has no outer space.
fn trimmed(summary: String) -> String {
    if summary.trim().len() == summary.len() {
        summary
    } else {
        summary.trim().to_owned()
    }
}
