//! What a batched import reads once, before it validates any row and outside any write
//! transaction: every organisation by the codes rows may name it by, and the charter's
//! article numbers. A row then costs no query of its own.

use crate::auth::{Principal, policy};
use crate::domain::codes::normalise_organisation_code;
use crate::error::{AppError, AppResult};
use crate::services::writing::RequestContext;
use entity::{action_plan, charter_article, organisation};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Selector,
    SelectorTrait,
};
use std::collections::{HashMap, HashSet};

/// The organisations, by code and by regional county code, resolved as
/// `organisations::by_code` resolves one (the lowest id wins a shared code).
pub struct Organisations {
    by_code: HashMap<String, i32>,
}

impl Organisations {
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        let rows: Vec<(i32, String, Option<String>)> = organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .column(organisation::Column::Code)
            .column(organisation::Column::RegionalCountyCode)
            .order_by_asc(organisation::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        let mut by_code = HashMap::with_capacity(rows.len() * 2);
        for (id, code, county) in rows {
            by_code.entry(code).or_insert(id);
            if let Some(county) = county {
                by_code.entry(county).or_insert(id);
            }
        }
        Ok(Self { by_code })
    }

    /// The organisation a row's code names, once the caller may write it: a field error
    /// when no organisation has the code, `FORBIDDEN` (fatal to the import) when it is
    /// another organisation's.
    pub fn writable<'r>(
        &self,
        request: &'r RequestContext,
        code: &str,
    ) -> AppResult<(i32, &'r Principal)> {
        let id = *self
            .by_code
            .get(&normalise_organisation_code(code))
            .ok_or_else(|| {
                AppError::invalid(
                    "organisationCode",
                    "NOT_FOUND",
                    format!("no organisation has the code {code:?}"),
                )
            })?;
        Ok((id, policy::may_write_organisation(&request.caller, id)?))
    }
}

/// The charter's article numbers.
pub async fn article_numbers(db: &impl ConnectionTrait) -> AppResult<HashSet<i32>> {
    Ok(charter_article::Entity::find()
        .select_only()
        .column(charter_article::Column::Number)
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Ids per `IN (…)` list: far under both engines' limit on bound values, and one slice
/// covers every organisation of the register.
pub const IDS_PER_STATEMENT: usize = 500;

/// Runs `query` once per slice of `ids` and gathers its rows: the engines bound the
/// values one statement binds.
pub async fn in_slices<S: SelectorTrait>(
    db: &impl ConnectionTrait,
    ids: &[i32],
    query: impl Fn(Vec<i32>) -> Selector<S>,
) -> AppResult<Vec<S::Item>> {
    in_slices_of(db, ids, IDS_PER_STATEMENT, query).await
}

/// Organisations whose stored rows (plans, reports, participations) one statement reads.
/// The driver holds a statement's whole answer as raw rows, several times the size of the
/// models made of them, until the last row is read: one statement for every plan of the
/// register held hundreds of MiB at once for 100,000 plans. Read for a few organisations
/// at a time, only their raw rows are held (on the organisation index, in no order, so
/// no statement sorts).
pub const ORGANISATIONS_PER_READ: usize = 16;

/// `in_slices` with slices of `per_statement` ids.
pub async fn in_slices_of<S: SelectorTrait>(
    db: &impl ConnectionTrait,
    ids: &[i32],
    per_statement: usize,
    query: impl Fn(Vec<i32>) -> Selector<S>,
) -> AppResult<Vec<S::Item>> {
    let mut rows = Vec::new();
    for slice in ids.chunks(per_statement.max(1)) {
        rows.extend(query(slice.to_vec()).all(db).await?);
    }
    Ok(rows)
}

/// The stored action plans of the organisations, a few organisations per statement: what
/// both plan and follow-up imports compare their rows with.
pub async fn plans_of_organisations(
    db: &impl ConnectionTrait,
    organisation_ids: &[i32],
) -> AppResult<Vec<action_plan::Model>> {
    in_slices_of(db, organisation_ids, ORGANISATIONS_PER_READ, |slice| {
        action_plan::Entity::find()
            .filter(action_plan::Column::OrganisationId.is_in(slice))
            .into_model::<action_plan::Model>()
    })
    .await
}
