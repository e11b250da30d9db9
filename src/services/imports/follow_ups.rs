//! Follow-up report rows, keyed by organisation code, the plan's title and the date.

use super::Change;
use super::source::{Columns, Reader, Record};
use crate::auth::policy;
use crate::domain::dates;
use crate::error::{AppError, AppResult, FieldError};
use crate::services::organisations;
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
    let mut errors = Vec::new();
    let mut r = Reader {
        record,
        errors: &mut errors,
    };
    let code = r.required("organisation_code");
    let title = r.required("action_plan_title");
    let reported_on = r.date("reported_on");
    let summary = r.required("summary");
    if !errors.is_empty() {
        return Err(AppError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError::new(e.column.as_deref().unwrap_or("row"), &e.code, e.reason))
                .collect(),
        ));
    }
    let Some(reported_on) = reported_on else {
        return Err(AppError::invalid(
            "reportedOn",
            "REQUIRED",
            "reported_on is required",
        ));
    };
    let organisation = organisations::by_code(txn, &code).await?.ok_or_else(|| {
        AppError::invalid(
            "organisationCode",
            "NOT_FOUND",
            format!("no organisation has the code {code:?}"),
        )
    })?;
    policy::may_write_organisation(&request.caller, organisation.id)?;
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
