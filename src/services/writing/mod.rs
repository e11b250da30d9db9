//! What every write shares: the request's caller, one transaction per write (IMMEDIATE on
//! SQLite so concurrent writers queue instead of failing; serialised per organisation on
//! PostgreSQL where a rule spans rows), input validation that collects every field error
//! at once, unique keys turned into field errors, and the optimistic-concurrency check.

pub mod bulk;
mod duplicates;
mod transactions;
mod validation;
mod versions;

use crate::auth::Caller;

pub use duplicates::duplicate_on;
pub use transactions::{
    WRITE_TRANSACTION, begin, commit, commit_numbered, lock_organisation, lock_organisations,
    transaction,
};
pub use validation::{Validator, today};
pub use versions::{Versioned, check_updated, check_version, save_versioned};

/// Who is asking, and the request's id for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub caller: Caller,
    pub request_id: Option<String>,
}

impl RequestContext {
    pub fn new(caller: Caller, request_id: Option<String>) -> Self {
        Self { caller, request_id }
    }
}
