//! What every import row does first: read its typed values (collecting every bad one),
//! then find its organisation and check that the caller may write it.

use super::source::{Record, RowError};
use crate::auth::policy;
use crate::error::{AppError, AppResult, FieldError};
use crate::services::organisations;
use crate::services::writing::RequestContext;
use entity::organisation;
use sea_orm::DatabaseTransaction;

/// Reads typed values of a record, collecting an error per bad value.
pub struct Reader<'a> {
    record: &'a Record,
    errors: Vec<RowError>,
}

impl<'a> Reader<'a> {
    pub fn new(record: &'a Record) -> Self {
        Self {
            record,
            errors: Vec::new(),
        }
    }

    /// Fails with every bad value read so far, as field errors of the row.
    pub fn finish(self) -> AppResult<()> {
        if self.errors.is_empty() {
            return Ok(());
        }
        Err(AppError::Invalid(
            self.errors
                .into_iter()
                .map(|e| FieldError::new(e.column.as_deref().unwrap_or("row"), &e.code, e.reason))
                .collect(),
        ))
    }

    fn fail(&mut self, column: &str, code: &str, reason: String) {
        self.errors
            .push(RowError::new(self.record.line, Some(column), code, reason));
    }

    pub fn text(&mut self, column: &str) -> Option<String> {
        self.record.get(column).map(str::to_owned)
    }

    pub fn required(&mut self, column: &str) -> String {
        match self.record.get(column) {
            Some(v) => v.to_owned(),
            None => {
                self.fail(column, "REQUIRED", format!("{column} is required"));
                String::new()
            }
        }
    }

    pub fn date(&mut self, column: &str) -> Option<chrono::NaiveDate> {
        let value = self.record.get(column)?;
        match crate::domain::dates::parse(value) {
            Some(date) => Some(date),
            None => {
                self.fail(
                    column,
                    "INVALID",
                    format!("{value:?} is not a date of the form YYYY-MM-DD"),
                );
                None
            }
        }
    }

    pub fn int(&mut self, column: &str) -> Option<i32> {
        let value = self.record.get(column)?;
        match value.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                self.fail(
                    column,
                    "INVALID",
                    format!("{value:?} is not a whole number"),
                );
                None
            }
        }
    }

    /// A stored-form enumeration value (case-insensitive).
    pub fn code<T>(&mut self, column: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let value = self.record.get(column)?;
        match parse(&value.to_uppercase()) {
            Some(v) => Some(v),
            None => {
                self.fail(
                    column,
                    "INVALID",
                    format!("{value:?} is not a valid {column}"),
                );
                None
            }
        }
    }

    /// A "|"-separated list of values.
    pub fn list<T>(&mut self, column: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
        let Some(value) = self.record.get(column) else {
            return Vec::new();
        };
        let mut items = Vec::new();
        for part in value.split('|').map(str::trim).filter(|p| !p.is_empty()) {
            match parse(&part.to_uppercase()) {
                Some(v) => items.push(v),
                None => self.fail(
                    column,
                    "INVALID",
                    format!("{part:?} is not a valid value of {column}"),
                ),
            }
        }
        items
    }
}

/// The organisation a row names, once the caller may write it.
pub async fn writable_organisation(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    code: &str,
) -> AppResult<organisation::Model> {
    let organisation = organisations::by_code(txn, code).await?.ok_or_else(|| {
        AppError::invalid(
            "organisationCode",
            "NOT_FOUND",
            format!("no organisation has the code {code:?}"),
        )
    })?;
    policy::may_write_organisation(&request.caller, organisation.id)?;
    Ok(organisation)
}
