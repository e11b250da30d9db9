//! What a signing must satisfy: a date range the charter allows, a decision no later
//! than today, and the 2022 revision only from its adoption.

use super::SignatureFacts;
use crate::domain::dates;
use crate::domain::register::{CharterEdition, DatePrecision};
use crate::services::writing::{Validator, today};
use chrono::{Datelike, NaiveDate};

/// The day the 2022 revision (articles 31–39) was adopted by CEMR.
pub(super) fn revision_adopted_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 12, 6).unwrap_or_default()
}

/// The range of days the signing can have happened in, checked.
fn signing_range(
    facts: &SignatureFacts,
    v: &mut Validator,
) -> Option<(Option<NaiveDate>, NaiveDate)> {
    let range = match (facts.precision, facts.signed_on) {
        (DatePrecision::Unknown, Some(_)) => {
            v.error(
                "signedOn",
                "INVALID",
                "leave signedOn empty when the precision is UNKNOWN",
            );
            None
        }
        (DatePrecision::Unknown, None) => match facts.not_later_than {
            Some(last) => Some((None, last)),
            None => {
                v.error(
                    "notLaterThan",
                    "REQUIRED",
                    "give the date the signing happened not later than",
                );
                None
            }
        },
        (_, None) => {
            v.error(
                "signedOn",
                "REQUIRED",
                "give the signing date (any day of the month or year for MONTH or YEAR)",
            );
            None
        }
        (DatePrecision::Day, Some(day)) => Some((Some(day), day)),
        (DatePrecision::Month, Some(day)) => {
            dates::month_bounds(day.year(), day.month()).map(|(a, b)| (Some(a), b))
        }
        (DatePrecision::Year, Some(day)) => {
            dates::year_bounds(day.year()).map(|(a, b)| (Some(a), b))
        }
    }?;
    if let Some(first) = range.0 {
        v.register_date("signedOn", first);
    } else {
        v.register_date("notLaterThan", range.1);
    }
    // A month or year still running ends today at the latest.
    Some((range.0, range.1.min(today())))
}

/// The stored range of a signing as given, when it is consistent (no checks on dates).
pub fn range_of(facts: &SignatureFacts) -> Option<(Option<NaiveDate>, NaiveDate)> {
    signing_range(facts, &mut Validator::new())
}

pub(super) fn validate(
    facts: &SignatureFacts,
    v: &mut Validator,
) -> Option<(Option<NaiveDate>, NaiveDate)> {
    let range = signing_range(facts, v);
    if let Some(decided) = facts.decided_on {
        v.register_date("decidedOn", decided);
    }
    if let Some(reference) = &facts.decision_reference {
        v.check(
            reference.chars().count() <= 100,
            "decisionReference",
            "TOO_LONG",
            "at most 100 characters",
        );
    }
    if let Some(source) = &facts.source {
        v.text("source", source, 1000);
    }
    if let (CharterEdition::Charter2022, Some((first, last))) = (facts.charter_edition, range) {
        v.check(
            first.unwrap_or(last) >= revision_adopted_on(),
            "charterEdition",
            "INVALID",
            "the 2022 revision can only have been signed from December 2022",
        );
    }
    if let Some(adopted) = facts.new_articles_adopted_on {
        v.check(
            facts.charter_edition == CharterEdition::Charter2006,
            "newArticlesAdoptedOn",
            "INVALID",
            "only signatories of the 2006 text adopt articles 31–39 separately",
        );
        v.check(
            adopted >= revision_adopted_on(),
            "newArticlesAdoptedOn",
            "INVALID",
            "articles 31–39 exist from December 2022",
        );
        v.check(
            adopted <= today(),
            "newArticlesAdoptedOn",
            "IN_FUTURE",
            format!("{adopted} is in the future"),
        );
    }
    if let Some((_, last)) = range {
        plan_missing(facts, last, v);
    }
    range
}

/// The fact that the plan is missing: dated and cited together, not in the future, and
/// after the due date, since only then does a missing plan break the commitment.
fn plan_missing(facts: &SignatureFacts, last_possible_signing: NaiveDate, v: &mut Validator) {
    match (facts.plan_missing_on, &facts.plan_missing_source) {
        (None, None) => {}
        (Some(_), None) => v.error(
            "planMissingSource",
            "REQUIRED",
            "cite the source that says the action plan is missing",
        ),
        (None, Some(_)) => v.error(
            "planMissingOn",
            "REQUIRED",
            "give the day on which the action plan was known to be missing",
        ),
        (Some(on), Some(source)) => {
            v.text("planMissingSource", source, 1000);
            v.register_date("planMissingOn", on);
            let due = dates::action_plan_due_on(last_possible_signing);
            v.check(
                on > due,
                "planMissingOn",
                "ORDER",
                format!("a plan can only be missing after it was due on {due}"),
            );
        }
    }
}
