//! Follow-up report rows, keyed by organisation code, the plan's title and the date.

use super::Change;
use super::reader::{Reader, writable_organisation};
use super::source::{Columns, Record};
use crate::domain::dates;
use crate::error::{AppError, AppResult};
use crate::services::register::{action_plans, planning};
use crate::services::writing::RequestContext;
use sea_orm::DatabaseTransaction;

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

pub async fn apply(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    record: &Record,
) -> AppResult<Change> {
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
    let organisation = writable_organisation(txn, request, &code).await?;
    let plan = action_plans::by_title(txn, organisation.id, &title)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "actionPlanTitle",
                "NOT_FOUND",
                format!("the organisation has no action plan titled {title:?}"),
            )
        })?;
    match action_plans::follow_up_on(txn, plan.id, &dates::format(reported_on)).await? {
        Some(stored) if stored.summary == summary.trim() => Ok(Change::Unchanged),
        Some(stored) => {
            planning::update_follow_up_in(txn, request, stored.id, summary).await?;
            Ok(Change::Updated)
        }
        None => {
            planning::add_follow_up_in(txn, request, plan.id, reported_on, summary).await?;
            Ok(Change::Created)
        }
    }
}
