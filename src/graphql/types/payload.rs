//! Mutation payloads: the record written, or `userErrors` saying field by field why the
//! input was refused. Authentication, permission and conflict errors are not user
//! errors: they come as GraphQL `errors` with `UNAUTHENTICATED`, `FORBIDDEN` or
//! `CONFLICT`.

use crate::error::{AppError, AppResult, FieldError};
use async_graphql::SimpleObject;

/// Why an input field was refused.
#[derive(Debug, Clone, SimpleObject)]
pub struct UserError {
    /// The path of the field in the input, e.g. `["signedOn"]`.
    pub field: Vec<String>,
    /// What is wrong, for people.
    pub message: String,
    /// A stable code for programs: `REQUIRED`, `INVALID`, `IN_FUTURE`, `BEFORE_CHARTER`,
    /// `OUT_OF_RANGE`, `ORDER`, `NOT_FOUND`, `DUPLICATE`, `TOO_LONG`, `TOO_SHORT`.
    pub code: String,
}

impl From<FieldError> for UserError {
    fn from(error: FieldError) -> Self {
        Self {
            field: error.field,
            message: error.message,
            code: error.code,
        }
    }
}

/// A payload type made by `payload!`.
pub trait Payload: Sized {
    type Record;
    fn new(record: Option<Self::Record>, user_errors: Vec<UserError>) -> Self;
}

/// Shapes a service result as a payload: invalid input becomes `userErrors`, any other
/// error stays a GraphQL error with its code.
pub fn respond<P: Payload, M>(
    result: AppResult<M>,
    wrap: impl FnOnce(M) -> P::Record,
) -> async_graphql::Result<P> {
    match result {
        Ok(model) => Ok(P::new(Some(wrap(model)), Vec::new())),
        Err(AppError::Invalid(errors)) => Ok(P::new(
            None,
            errors.into_iter().map(UserError::from).collect(),
        )),
        Err(other) => Err(other.into()),
    }
}

/// Declares a payload type with one record field and `userErrors`.
macro_rules! payload {
    ($(#[$doc:meta])* $name:ident { $field:ident: $ty:ty }) => {
        $(#[$doc])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            /// The record as written; null when the input was refused.
            pub $field: Option<$ty>,
            /// Why the input was refused, field by field; empty on success.
            pub user_errors: Vec<$crate::graphql::types::payload::UserError>,
        }

        impl $crate::graphql::types::payload::Payload for $name {
            type Record = $ty;

            fn new(record: Option<$ty>, user_errors: Vec<$crate::graphql::types::payload::UserError>) -> Self {
                Self { $field: record, user_errors }
            }
        }
    };
}
pub(crate) use payload;
