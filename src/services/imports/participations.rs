//! Programme participation rows, keyed by organisation code, programme code and first
//! year.

use super::Change;
use super::reader::{Reader, writable_organisation};
use super::source::{Columns, Record};
use crate::domain::support::ParticipationRole;
use crate::error::{AppError, AppResult};
use crate::services::programmes;
use crate::services::register::{support, supporting};
use crate::services::writing::RequestContext;
use sea_orm::DatabaseTransaction;

pub static COLUMNS: Columns = Columns {
    key: &["organisation_code", "programme_code", "from_year"],
    required: &["organisation_code", "programme_code", "from_year"],
    optional: &["to_year", "role"],
    read_only: &["organisation_name", "data_origin", "updated_at"],
};

pub async fn apply(
    txn: &DatabaseTransaction,
    request: &RequestContext,
    record: &Record,
) -> AppResult<Change> {
    let mut r = Reader::new(record);
    let code = r.required("organisation_code");
    let programme_code = r.required("programme_code");
    let from_year = r.int("from_year");
    let to_year = r.int("to_year");
    let role = r
        .code("role", ParticipationRole::from_stored)
        .unwrap_or(ParticipationRole::Participant);
    r.finish()?;
    let Some(from_year) = from_year else {
        return Err(AppError::invalid(
            "fromYear",
            "REQUIRED",
            "from_year is required",
        ));
    };
    let organisation = writable_organisation(txn, request, &code).await?;
    let programme = programmes::programme_by_code(txn, &programme_code)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "programmeCode",
                "NOT_FOUND",
                format!("no programme has the code {programme_code:?}"),
            )
        })?;
    let stored = support::participations_of(txn, vec![organisation.id])
        .await?
        .into_iter()
        .find(|p| p.programme_id == programme.id && p.from_year == from_year);
    match stored {
        None => {
            supporting::add_participation_in(
                txn,
                request,
                &code,
                &programme_code,
                from_year,
                to_year,
                role,
            )
            .await?;
            Ok(Change::Created)
        }
        Some(stored) if stored.to_year == to_year && stored.role == role.as_str() => {
            Ok(Change::Unchanged)
        }
        Some(stored) if stored.to_year.is_none() && stored.role == role.as_str() => {
            let Some(to) = to_year else {
                return Ok(Change::Unchanged);
            };
            supporting::end_participation_in(txn, request, stored.id, stored.version, to).await?;
            Ok(Change::Updated)
        }
        Some(_) => Err(AppError::invalid(
            "toYear",
            "INVALID",
            "an ended participation or its role cannot be changed by an import",
        )),
    }
}
