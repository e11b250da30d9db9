//! Input validation that collects every field error at once.

use crate::domain::dates;
use crate::error::{AppError, AppResult, FieldError};
use chrono::NaiveDate;

/// The longest period a plan or strategy can cover: two and a half mandate periods.
pub const MAX_PERIOD_YEARS: i32 = 10;

/// Collects field errors; `finish` fails with all of them.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    pub fn check(&mut self, ok: bool, field: &str, code: &str, message: impl Into<String>) {
        if !ok {
            self.error(field, code, message);
        }
    }

    /// A date on or after the charter's adoption (May 2006) and not in the future.
    pub fn register_date(&mut self, field: &str, date: NaiveDate) {
        if date < dates::charter_adopted_on() {
            self.error(
                field,
                "BEFORE_CHARTER",
                format!("{date} is before the charter was adopted (May 2006)"),
            );
        }
        if date > today() {
            self.error(field, "IN_FUTURE", format!("{date} is in the future"));
        }
    }

    /// A required, non-blank text of at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.error(field, "REQUIRED", "must not be empty");
        } else if value.chars().count() > max {
            self.error(field, "TOO_LONG", format!("at most {max} characters"));
        }
    }

    /// A year from the charter's year to next year.
    pub fn year(&mut self, field: &str, year: i32) {
        let last = chrono::Datelike::year(&today()) + 1;
        if !(2006..=last).contains(&year) {
            self.error(
                field,
                "OUT_OF_RANGE",
                format!("{year} is not between 2006 and {last}"),
            );
        }
    }

    /// The years a plan or strategy covers. Plans are made ahead (a 2027–2030 plan
    /// adopted in 2026), so only what cannot be is refused, never the calendar: a year
    /// before the charter or beyond 2100, an end before the start, a span over
    /// `MAX_PERIOD_YEARS`, and a period that ended before the plan was adopted.
    pub fn period(
        &mut self,
        (start_field, start): (&str, Option<i32>),
        (end_field, end): (&str, Option<i32>),
        adopted_in: Option<i32>,
    ) {
        for (field, year) in [(start_field, start), (end_field, end)] {
            if let Some(year) = year
                && !(2006..=2100).contains(&year)
            {
                self.error(
                    field,
                    "OUT_OF_RANGE",
                    format!("{year} is not a plan year (2006–2100)"),
                );
            }
        }
        if let (Some(start), Some(end)) = (start, end) {
            if end < start {
                self.error(
                    end_field,
                    "ORDER",
                    "the period must not end before it starts",
                );
            } else if end - start + 1 > MAX_PERIOD_YEARS {
                self.error(
                    end_field,
                    "OUT_OF_RANGE",
                    format!(
                        "a period of {} years is implausible (at most {MAX_PERIOD_YEARS})",
                        end - start + 1
                    ),
                );
            }
        }
        if let (Some(end), Some(adopted)) = (end, adopted_in) {
            self.check(
                end >= adopted,
                end_field,
                "ORDER",
                format!("a plan adopted in {adopted} cannot cover only earlier years"),
            );
        }
    }

    pub fn finish(self) -> AppResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.errors))
        }
    }
}

/// Today's date for validation (UTC).
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}
