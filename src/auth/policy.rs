//! The one place that decides whether a caller may act. Unauthenticated callers get
//! `UNAUTHENTICATED`, authenticated ones that may not act `FORBIDDEN`. Object-level
//! decisions take the owning organisation from the stored record, never from input.
//!
//! - ADMIN: everything.
//! - MEMBER: writes the records of its own organisation.
//! - RESEARCHER: writes study data and reads interview records (and study participants).
//! - An API token acts with its role, and writes only with the WRITE scope.

use crate::auth::{Caller, Credential, Principal, Role, TokenScope};
use crate::error::{AppError, AppResult};

/// The caller, authenticated.
pub fn authenticated(caller: &Caller) -> AppResult<&Principal> {
    caller.principal().ok_or_else(AppError::unauthenticated)
}

/// An authenticated caller whose credential allows writing.
fn writer(caller: &Caller) -> AppResult<&Principal> {
    let principal = authenticated(caller)?;
    if let Credential::ApiToken { scopes, .. } = &principal.credential
        && !scopes.contains(&TokenScope::Write)
    {
        return Err(AppError::forbidden("this API token is read-only"));
    }
    Ok(principal)
}

/// May write the records of the given organisation.
pub fn may_write_organisation(caller: &Caller, organisation_id: i32) -> AppResult<&Principal> {
    let principal = writer(caller)?;
    match principal.role {
        Role::Admin => Ok(principal),
        Role::Member
            if principal
                .organisation
                .as_ref()
                .is_some_and(|m| m.organisation_id == organisation_id) =>
        {
            Ok(principal)
        }
        _ => Err(AppError::forbidden(
            "you may only change your own organisation's records",
        )),
    }
}

/// May maintain reference data, accounts and everything else.
pub fn may_administer(caller: &Caller) -> AppResult<&Principal> {
    let principal = writer(caller)?;
    match principal.role {
        Role::Admin => Ok(principal),
        _ => Err(AppError::forbidden("only administrators may do this")),
    }
}

/// May create and revoke API tokens for the given organisation (None: tokens without
/// an organisation, which only administrators create).
pub fn may_manage_tokens(caller: &Caller, organisation_id: Option<i32>) -> AppResult<&Principal> {
    match organisation_id {
        Some(id) => may_write_organisation(caller, id),
        None => may_administer(caller),
    }
}

/// May read individual interview records and study participants (personal data).
pub fn may_read_interviews(caller: &Caller) -> AppResult<&Principal> {
    let principal = authenticated(caller)?;
    match principal.role {
        Role::Admin | Role::Researcher => Ok(principal),
        Role::Member => Err(AppError::forbidden(
            "interview records are for researchers and administrators only",
        )),
    }
}

/// May enter study data.
pub fn may_write_study_data(caller: &Caller) -> AppResult<&Principal> {
    let principal = writer(caller)?;
    match principal.role {
        Role::Admin | Role::Researcher => Ok(principal),
        Role::Member => Err(AppError::forbidden(
            "study data is entered by researchers and administrators only",
        )),
    }
}

/// May see the audit log and accounts.
pub fn may_audit(caller: &Caller) -> AppResult<&Principal> {
    let principal = authenticated(caller)?;
    match principal.role {
        Role::Admin => Ok(principal),
        _ => Err(AppError::forbidden("only administrators may read this")),
    }
}
