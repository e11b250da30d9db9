//! Registering, updating and withdrawing signatures: the rules a signing date and
//! decision must satisfy (`rules`), the stored record with its motives (`records`), a
//! new signing (`registering`) and changes to a standing one (`amending`).

mod amending;
mod records;
mod registering;
mod rules;

use crate::domain::register::{CharterEdition, DatePrecision, DecisionBody, Initiative, Motive};
use chrono::NaiveDate;

pub use amending::{update, update_in, withdraw, withdraw_in};
pub use registering::{register, register_in};
pub use rules::range_of;

/// What a signature says, as a client gives it.
#[derive(Debug, Clone)]
pub struct SignatureFacts {
    /// The day, or any day of the month or year, per `precision`; None when UNKNOWN.
    pub signed_on: Option<NaiveDate>,
    pub precision: DatePrecision,
    /// Required when the precision is UNKNOWN.
    pub not_later_than: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub decision_body: DecisionBody,
    pub decision_reference: Option<String>,
    pub initiative: Initiative,
    pub motives: Vec<Motive>,
    pub charter_edition: CharterEdition,
    pub new_articles_adopted_on: Option<NaiveDate>,
    /// Defaults to a note that the organisation reported it.
    pub source: Option<String>,
    pub note: Option<String>,
    /// A day after the due date on which the organisation was known to have no action
    /// plan; with `plan_missing_source`, the evidence that makes it `OVERDUE`.
    pub plan_missing_on: Option<NaiveDate>,
    /// The citation saying the plan was missing.
    pub plan_missing_source: Option<String>,
}
