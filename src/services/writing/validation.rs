//! Input validation that collects every field error at once.

use crate::domain::dates;
use crate::error::{AppError, AppResult, FieldError};
use chrono::NaiveDate;

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
