//! The derived statuses in SQL: the one implementation of the rules documented in
//! `domain::register`, used by every list, filter, field and statistic.
//!
//! The expressions need `organisation` and its current signature (`signature`, joined by
//! `join_current_signature`) in scope. Overdue is decided against a cutoff computed in
//! Rust (`domain::dates::overdue_cutoff`), so no engine-specific date arithmetic runs.

use crate::domain::dates;
use crate::domain::register::{ActionPlanStatus, SignatoryStatus};
use crate::error::AppResult;
use chrono::NaiveDate;
use entity::{organisation, signature};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect,
    RelationDef, Select,
};

/// The join from an organisation to its current signature.
pub fn current_signature_relation() -> RelationDef {
    organisation::Entity::belongs_to(signature::Entity)
        .from(organisation::Column::Id)
        .to(signature::Column::CurrentFor)
        .into()
}

/// Left-joins each organisation's current signature.
pub fn join_current_signature(
    select: Select<organisation::Entity>,
) -> Select<organisation::Entity> {
    select.join(JoinType::LeftJoin, current_signature_relation())
}

/// Today's date for the rules (UTC).
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// `SIGNED`, `WITHDRAWN` or `NEVER_SIGNED`.
pub fn signatory_status_expr() -> SimpleExpr {
    Expr::cust(
        r#"(CASE WHEN "signature"."id" IS NULL THEN 'NEVER_SIGNED' WHEN "signature"."withdrawn_on" IS NOT NULL THEN 'WITHDRAWN' ELSE 'SIGNED' END)"#,
    )
}

/// The plans that count for the current signature, as an SQL condition on `ap`.
const COUNTING_PLAN: &str = r#""ap"."organisation_id" = "organisation"."id" AND "ap"."adopted_on" IS NOT NULL AND ("signature"."signed_on" IS NULL OR "ap"."adopted_on" >= "signature"."signed_on")"#;

/// `NONE_DUE_YET`, `NO_PLAN_ON_RECORD`, `OVERDUE`, `ADOPTED`, `FOLLOWED_UP`, or NULL when
/// the organisation has no standing signature. `OVERDUE` needs the recorded fact that
/// the plan is missing (`plan_missing_on`, dated after the due date when written).
///
/// The cutoff is inlined as a literal rather than bound: it is an ISO date this code
/// formats itself, and a literal keeps the expression identical wherever it appears
/// (PostgreSQL requires a grouped expression to match its select expression exactly).
pub fn action_plan_status_expr(today: NaiveDate) -> SimpleExpr {
    let cutoff = dates::format(dates::overdue_cutoff(today));
    let sql = format!(
        r#"(CASE WHEN "signature"."id" IS NULL OR "signature"."withdrawn_on" IS NOT NULL THEN NULL
 WHEN EXISTS (SELECT 1 FROM "action_plan" "ap" WHERE {COUNTING_PLAN} AND EXISTS (SELECT 1 FROM "follow_up_report" "f" WHERE "f"."action_plan_id" = "ap"."id")) THEN 'FOLLOWED_UP'
 WHEN EXISTS (SELECT 1 FROM "action_plan" "ap" WHERE {COUNTING_PLAN}) THEN 'ADOPTED'
 WHEN "signature"."not_later_than" < '{cutoff}' AND "signature"."plan_missing_on" IS NOT NULL THEN 'OVERDUE'
 WHEN "signature"."not_later_than" < '{cutoff}' THEN 'NO_PLAN_ON_RECORD'
 ELSE 'NONE_DUE_YET' END)"#
    );
    Expr::cust(sql)
}

/// Both statuses of some organisations.
#[derive(Debug, Clone, FromQueryResult)]
pub struct StatusRow {
    pub organisation_id: i32,
    pub signatory_status: String,
    pub action_plan_status: Option<String>,
}

impl StatusRow {
    pub fn signatory_status(&self) -> SignatoryStatus {
        SignatoryStatus::from_stored(&self.signatory_status).unwrap_or(SignatoryStatus::NeverSigned)
    }

    pub fn action_plan_status(&self) -> Option<ActionPlanStatus> {
        self.action_plan_status
            .as_deref()
            .and_then(ActionPlanStatus::from_stored)
    }
}

/// The statuses of the given organisations, in one query.
pub async fn statuses_of(
    db: &impl ConnectionTrait,
    organisation_ids: Vec<i32>,
) -> AppResult<Vec<StatusRow>> {
    Ok(statuses(today())
        .filter(organisation::Column::Id.is_in(organisation_ids))
        .into_model::<StatusRow>()
        .all(db)
        .await?)
}

/// Every organisation with its current signature and statuses on `today`, in two
/// statements (read them in one transaction for a consistent answer).
pub async fn organisations_with_statuses(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> AppResult<Vec<(organisation::Model, Option<signature::Model>, StatusRow)>> {
    let rows = join_current_signature(organisation::Entity::find())
        .select_also(signature::Entity)
        .all(db)
        .await?;
    let mut statuses: std::collections::HashMap<i32, StatusRow> = statuses(today)
        .into_model::<StatusRow>()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.organisation_id, s))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(organisation, signature)| {
            let status = statuses.remove(&organisation.id)?;
            Some((organisation, signature, status))
        })
        .collect())
}

fn statuses(today: NaiveDate) -> Select<organisation::Entity> {
    join_current_signature(organisation::Entity::find())
        .select_only()
        .column_as(organisation::Column::Id, "organisation_id")
        .column_as(signatory_status_expr(), "signatory_status")
        .column_as(action_plan_status_expr(today), "action_plan_status")
}
