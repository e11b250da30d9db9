//! When an organisation's row last changed, as incremental sync sees it.
//!
//! A row shows derived fields (the action plan status above all), so its change time
//! is the latest of: the organisation record, its current signature, any of its action
//! plans and their follow-up reports, and the start (00:00 UTC) of the day its due date
//! passed, when that turned its status from `NONE_DUE_YET` to `NO_PLAN_ON_RECORD` or
//! `OVERDUE`. `changed_after` (SQL, for filters) and `change_time` (Rust, for the
//! `updated_at` a row shows) implement the same definition, so a row is listed after a
//! time exactly when its `updated_at` is later.

use crate::domain::dates;
use crate::domain::register::ActionPlanStatus;
use crate::error::AppResult;
use crate::services::register::status::action_plan_status_expr;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{action_plan, follow_up_report, organisation, signature};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// The statuses a passing due date produces.
const LATE: [ActionPlanStatus; 2] = [ActionPlanStatus::NoPlanOnRecord, ActionPlanStatus::Overdue];

/// Organisations (in scope as `organisation`, with the current `signature` joined) whose
/// change time is later than `since`, as of `today`.
pub fn changed_after(since: DateTime<Utc>, today: NaiveDate) -> Condition {
    let plan_changed = Query::select()
        .expr(Expr::cust("1"))
        .from(action_plan::Entity)
        .cond_where(
            Condition::all()
                .add(
                    Expr::col((action_plan::Entity, action_plan::Column::OrganisationId))
                        .equals((organisation::Entity, organisation::Column::Id)),
                )
                .add(
                    Condition::any()
                        .add(
                            Expr::col((action_plan::Entity, action_plan::Column::UpdatedAt))
                                .gt(since),
                        )
                        .add(Expr::exists(follow_up_after(since))),
                ),
        )
        .to_owned();
    // The due date passed after `since` and by today: the last possible signing day lies
    // between the two overdue cutoffs (see `dates::overdue_cutoff`).
    let not_later_than = || Expr::col((signature::Entity, signature::Column::NotLaterThan));
    let due_passed = Condition::all()
        .add(not_later_than().gte(dates::format(dates::overdue_cutoff(since.date_naive()))))
        .add(not_later_than().lt(dates::format(dates::overdue_cutoff(today))))
        .add(action_plan_status_expr(today).is_in(LATE.iter().map(|s| s.as_str())));
    Condition::any()
        .add(Expr::col((organisation::Entity, organisation::Column::UpdatedAt)).gt(since))
        .add(Expr::col((signature::Entity, signature::Column::UpdatedAt)).gt(since))
        .add(Expr::exists(plan_changed))
        .add(due_passed)
}

/// Follow-up reports of the `action_plan` in scope changed after `since`.
pub fn follow_up_after(since: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .expr(Expr::cust("1"))
        .from(follow_up_report::Entity)
        .and_where(
            Expr::col((
                follow_up_report::Entity,
                follow_up_report::Column::ActionPlanId,
            ))
            .equals((action_plan::Entity, action_plan::Column::Id)),
        )
        .and_where(
            Expr::col((
                follow_up_report::Entity,
                follow_up_report::Column::UpdatedAt,
            ))
            .gt(since),
        )
        .to_owned()
}

/// The latest change of each organisation's action plans and follow-up reports.
pub async fn plans_changed_at(
    db: &impl ConnectionTrait,
    organisation_ids: Vec<i32>,
) -> AppResult<HashMap<i32, DateTime<Utc>>> {
    let plans = action_plan::Entity::find()
        .filter(action_plan::Column::OrganisationId.is_in(organisation_ids))
        .all(db)
        .await?;
    let owner: HashMap<i32, i32> = plans.iter().map(|p| (p.id, p.organisation_id)).collect();
    let mut latest: HashMap<i32, DateTime<Utc>> = HashMap::new();
    let mut note = |organisation_id: i32, at: DateTime<Utc>| {
        let entry = latest.entry(organisation_id).or_insert(at);
        *entry = Ord::max(*entry, at);
    };
    for plan in &plans {
        note(plan.organisation_id, plan.updated_at);
    }
    let reports = follow_up_report::Entity::find()
        .filter(follow_up_report::Column::ActionPlanId.is_in(owner.keys().copied()))
        .all(db)
        .await?;
    for report in reports {
        if let Some(organisation_id) = owner.get(&report.action_plan_id) {
            note(*organisation_id, report.updated_at);
        }
    }
    Ok(latest)
}

/// When a passing due date changed the status, if it has (00:00 UTC of the first day the
/// plan was late).
pub fn due_passed_at(
    signature: &signature::Model,
    status: Option<ActionPlanStatus>,
    today: NaiveDate,
) -> Option<DateTime<Utc>> {
    if !status.is_some_and(|s| LATE.contains(&s)) {
        return None;
    }
    let last = dates::parse(&signature.not_later_than)?;
    let first_late = dates::action_plan_due_on(last).succ_opt()?;
    (first_late <= today).then(|| first_late.and_hms_opt(0, 0, 0).map(|t| t.and_utc()))?
}

/// The change time of an organisation's row.
pub fn change_time(
    organisation: &organisation::Model,
    signature: Option<&signature::Model>,
    status: Option<ActionPlanStatus>,
    plans_changed_at: Option<DateTime<Utc>>,
    today: NaiveDate,
) -> DateTime<Utc> {
    [
        Some(organisation.updated_at),
        signature.map(|s| s.updated_at),
        plans_changed_at,
        signature.and_then(|s| due_passed_at(s, status, today)),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(organisation.updated_at)
}
