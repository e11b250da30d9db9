//! Scalars of the API.

use crate::domain::dates;
use async_graphql::{Description, InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Description)]
pub struct Date(pub NaiveDate);

impl Date {
    /// A stored ISO date; None when absent or unreadable.
    pub fn from_stored(text: Option<&str>) -> Option<Self> {
        text.and_then(dates::parse).map(Self)
    }
}

#[Scalar(
    name = "Date",
    use_type_description,
    specified_by_url = "https://www.iso.org/iso-8601-date-and-time-format.html"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => dates::parse(text).map(Date).ok_or_else(|| {
                InputValueError::custom(format!("{text:?} is not a date of the form YYYY-MM-DD"))
            }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(dates::format(self.0))
    }
}
