//! Follow-up report rows, keyed by organisation code, the plan's title and the date,
//! imported in two steps like action plans: every row is validated and compared against
//! the plans and reports read once (no transaction), then the new reports are inserted
//! with multi-row statements and the changed summaries updated, in one short transaction.

use super::prefetch::Organisations;
use super::reader::Reader;
use super::source::{Columns, Record, RowError};
use super::{ImportFailure, Tally, reported};
use crate::domain::dates;
use crate::domain::names::search_key;
use crate::domain::register::DataOrigin;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Pending};
use crate::services::writing::{RequestContext, Validator};
use chrono::{NaiveDate, Utc};
use entity::{action_plan, follow_up_report};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QuerySelect, QueryTrait,
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

/// Reports per insert statement (seven values each).
const REPORTS_PER_STATEMENT: usize = 1_000;
/// Ids per `IN (…)` list.
const IDS_PER_STATEMENT: usize = 500;
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
    organisation_ids: &BTreeSet<i32>,
) -> AppResult<HashMap<(i32, String), action_plan::Model>> {
    let ids: Vec<i32> = organisation_ids.iter().copied().collect();
    let mut plans = HashMap::new();
    for slice in ids.chunks(IDS_PER_STATEMENT) {
        for plan in action_plan::Entity::find()
            .filter(action_plan::Column::OrganisationId.is_in(slice.to_vec()))
            .all(db)
            .await?
        {
            plans.insert((plan.organisation_id, plan.title_key.clone()), plan);
        }
    }
    Ok(plans)
}

/// The stored reports of the organisations' plans, by plan and date.
async fn reports_of(
    db: &impl ConnectionTrait,
    organisation_ids: &BTreeSet<i32>,
) -> AppResult<HashMap<(i32, String), follow_up_report::Model>> {
    let ids: Vec<i32> = organisation_ids.iter().copied().collect();
    let mut reports = HashMap::new();
    for slice in ids.chunks(IDS_PER_STATEMENT) {
        let found = follow_up_report::Entity::find()
            .filter(
                Expr::col(follow_up_report::Column::ActionPlanId).in_subquery(
                    Query::select()
                        .column(action_plan::Column::Id)
                        .from(action_plan::Entity)
                        .and_where(action_plan::Column::OrganisationId.is_in(slice.to_vec()))
                        .to_owned(),
                ),
            )
            .all(db)
            .await?;
        for report in found {
            reports.insert((report.action_plan_id, report.reported_on.clone()), report);
        }
    }
    Ok(reports)
}

/// The checks `planning::add_follow_up_in` makes of a new report.
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
    for record in records {
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
    let plans = plans_of(db, &organisation_ids).await?;
    let mut stored = reports_of(db, &organisation_ids).await?;
    let mut tally = Tally {
        rows: records.len(),
        ..Default::default()
    };
    let mut plans_seen: HashMap<i32, PlanSeen> = HashMap::new();
    // Two codes can name one organisation (its code and its regional county code): the
    // rows' keys are compared again once resolved.
    let mut first_line: HashMap<(i32, String), usize> = HashMap::new();
    let mut writes = Vec::new();
    for (line, organisation_id, title, reported_on, summary) in valid {
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
    for slice in seen.chunks(IDS_PER_STATEMENT) {
        let now: HashMap<i32, i32> = action_plan::Entity::find()
            .select_only()
            .column(action_plan::Column::Id)
            .column(action_plan::Column::Version)
            .filter(action_plan::Column::Id.is_in(slice.iter().map(|p| p.id)))
            .into_tuple::<(i32, i32)>()
            .all(txn)
            .await?
            .into_iter()
            .collect();
        if slice.iter().any(|p| now.get(&p.id) != Some(&p.version)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes what `prepare` decided. `Ok(false)` when the stored rows moved since they were
/// read (another writer added a report of the same plan and date, changed one of the
/// reports or one of their plans): nothing may be committed then, and the import is
/// prepared again.
pub async fn write(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    prepared: Prepared,
) -> AppResult<bool> {
    let Some(actor) = request.caller.principal() else {
        return Ok(true);
    };
    if !plans_unchanged(txn, &prepared.plans).await? {
        return Ok(false);
    }
    let now = Utc::now();
    let mut audit_entries = Vec::with_capacity(prepared.writes.len());
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
                summary: summary.trim().to_owned(),
                data_origin: DataOrigin::Reported.as_str().to_owned(),
                version: 1,
                created_at: now,
                updated_at: now,
            }),
            Write::Update { stored, summary } => {
                let updated = follow_up_report::Model {
                    summary: summary.trim().to_owned(),
                    data_origin: DataOrigin::Reported.as_str().to_owned(),
                    version: stored.version + 1,
                    updated_at: now,
                    ..stored.clone()
                };
                let result = follow_up_report::Entity::update_many()
                    .col_expr(
                        follow_up_report::Column::Summary,
                        Expr::value(updated.summary.clone()),
                    )
                    .col_expr(
                        follow_up_report::Column::DataOrigin,
                        Expr::value(updated.data_origin.clone()),
                    )
                    .col_expr(
                        follow_up_report::Column::Version,
                        Expr::value(updated.version),
                    )
                    .col_expr(follow_up_report::Column::UpdatedAt, Expr::value(now))
                    .filter(follow_up_report::Column::Id.eq(stored.id))
                    .filter(follow_up_report::Column::Version.eq(stored.version))
                    .exec(txn)
                    .await?;
                if result.rows_affected != 1 {
                    return Ok(false);
                }
                audit_entries.push(Pending::new(
                    "follow_up_report.update",
                    "FollowUpReport",
                    stored.id,
                    Some(&stored),
                    Some(&updated),
                )?);
            }
        }
    }
    for chunk in creates.chunks_mut(REPORTS_PER_STATEMENT) {
        if !insert_new(txn, chunk).await? {
            return Ok(false);
        }
        for created in chunk.iter() {
            audit_entries.push(Pending::new(
                "follow_up_report.add",
                "FollowUpReport",
                created.id,
                None,
                Some(created),
            )?);
        }
    }
    audit::record_all(txn, request, actor, audit_entries).await?;
    Ok(true)
}

/// Inserts reports in one statement and sets their ids; `false` when one of them exists
/// already (another writer added it since it was read), which the statement skips.
async fn insert_new(
    txn: &DatabaseTransaction,
    reports: &mut [follow_up_report::Model],
) -> AppResult<bool> {
    let mut insert = follow_up_report::Entity::insert_many(reports.iter().map(|r| {
        follow_up_report::ActiveModel {
            action_plan_id: Set(r.action_plan_id),
            reported_on: Set(r.reported_on.clone()),
            summary: Set(r.summary.clone()),
            data_origin: Set(r.data_origin.clone()),
            version: Set(r.version),
            created_at: Set(r.created_at),
            updated_at: Set(r.updated_at),
            ..Default::default()
        }
    }))
    .on_conflict(
        OnConflict::columns([
            follow_up_report::Column::ActionPlanId,
            follow_up_report::Column::ReportedOn,
        ])
        .do_nothing()
        .to_owned(),
    )
    .into_query();
    insert.returning(Query::returning().columns([
        follow_up_report::Column::Id,
        follow_up_report::Column::ActionPlanId,
        follow_up_report::Column::ReportedOn,
    ]));
    let rows = txn.query_all(&insert).await?;
    let mut ids = HashMap::with_capacity(rows.len());
    for row in rows {
        let id: i32 = row.try_get("", "id")?;
        let plan_id: i32 = row.try_get("", "action_plan_id")?;
        let reported_on: String = row.try_get("", "reported_on")?;
        ids.insert((plan_id, reported_on), id);
    }
    if ids.len() != reports.len() {
        return Ok(false);
    }
    for report in reports.iter_mut() {
        match ids.get(&(report.action_plan_id, report.reported_on.clone())) {
            Some(id) => report.id = *id,
            None => return Ok(false),
        }
    }
    Ok(true)
}
