//! Organisation lists with every register filter and ordering, look-ups by code, and the
//! batch look-ups the GraphQL loaders use. `signatories` is the same list restricted to
//! organisations with a signature on record.

use crate::domain::codes::normalise_organisation_code;
use crate::domain::names::search_key;
use crate::domain::organisation::OrganisationKind;
use crate::domain::register::{ActionPlanStatus, DataOrigin, SignatoryStatus};
use crate::error::{AppError, AppResult};
use crate::services::pagination::{
    Cursor, KeyValue, Ordering, Page, PageArgs, PagePlan, SortColumn,
};
use crate::services::register::changes;
use crate::services::register::status::{
    action_plan_status_expr, join_current_signature, signatory_status_expr, today,
};
use entity::{organisation, programme_participation, signature, support_programme};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LikeExpr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Select,
};

/// Which organisations a list shows. Empty lists and `None` mean "any".
#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    /// `REGION` also matches municipalities with regional responsibility (Gotland).
    pub kinds: Vec<OrganisationKind>,
    pub county_codes: Vec<String>,
    /// Case-insensitive substring of the name, Swedish letters included.
    pub name_contains: Option<String>,
    pub statuses: Vec<SignatoryStatus>,
    /// Signed in this year or later (signings of unknown date never match a year range).
    pub signed_from_year: Option<i32>,
    /// Signed in this year or earlier.
    pub signed_to_year: Option<i32>,
    pub action_plan_statuses: Vec<ActionPlanStatus>,
    /// Took part in any of these support programmes (by code).
    pub programme_codes: Vec<String>,
    /// Only organisations with a signature on record (signed or withdrawn).
    pub signatories_only: bool,
    /// Only organisations whose current signature has one of these origins (demo data
    /// apart from facts); organisations without a signature match none.
    pub data_origins: Vec<DataOrigin>,
    /// Only organisations whose row changed after this time (exclusive), as
    /// `register::changes` defines it: derived fields included (incremental sync).
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// The orderings of organisation lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrganisationOrderField {
    /// Swedish alphabetical order of the name (å, ä, ö after z), ties by code.
    #[default]
    Name,
    /// Code order.
    Code,
    /// Signing date (the last possible day where only a range is known), ties by code;
    /// organisations that never signed come last.
    SignedOn,
}

impl OrganisationFilter {
    /// Checks the arguments before any query runs.
    pub fn validate(&self) -> AppResult<()> {
        if let (Some(from), Some(to)) = (self.signed_from_year, self.signed_to_year)
            && from > to
        {
            return Err(AppError::bad_input(format!(
                "signedFromYear {from} is after signedToYear {to}"
            )));
        }
        for year in [self.signed_from_year, self.signed_to_year]
            .into_iter()
            .flatten()
        {
            if !(1000..=9999).contains(&year) {
                return Err(AppError::bad_input(format!(
                    "{year} is not a four-digit year"
                )));
            }
        }
        Ok(())
    }

    /// The filter with the county and programme codes a client gave in their stored
    /// form; unknown codes are refused (see `services::codes`). Queries only for the
    /// code lists given.
    pub async fn resolve_codes(mut self, db: &impl ConnectionTrait) -> AppResult<Self> {
        if !self.county_codes.is_empty() {
            self.county_codes =
                crate::services::codes::county_codes(db, &self.county_codes).await?;
        }
        if !self.programme_codes.is_empty() {
            self.programme_codes =
                crate::services::codes::programme_codes(db, &self.programme_codes).await?;
        }
        Ok(self)
    }

    /// The filtered base query, with the current signature joined.
    pub fn apply(&self, select: Select<organisation::Entity>) -> Select<organisation::Entity> {
        let mut select = join_current_signature(select);
        if !self.kinds.is_empty() {
            let mut any = Condition::any()
                .add(organisation::Column::Kind.is_in(self.kinds.iter().map(|k| k.as_str())));
            if self.kinds.contains(&OrganisationKind::Region) {
                any = any.add(organisation::Column::RegionalCountyCode.is_not_null());
            }
            select = select.filter(any);
        }
        if !self.county_codes.is_empty() {
            let codes: Vec<String> = self
                .county_codes
                .iter()
                .map(|c| c.trim().to_owned())
                .collect();
            select = select.filter(organisation::Column::CountyCode.is_in(codes));
        }
        if let Some(term) = self
            .name_contains
            .as_deref()
            .map(search_key)
            .filter(|t| !t.is_empty())
        {
            let escaped = term
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            select = select.filter(
                Expr::col((organisation::Entity, organisation::Column::SearchName))
                    .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
            );
        }
        if self.signatories_only {
            select =
                select.filter(Expr::col((signature::Entity, signature::Column::Id)).is_not_null());
        }
        if !self.data_origins.is_empty() {
            select = select.filter(
                Expr::col((signature::Entity, signature::Column::DataOrigin))
                    .is_in(self.data_origins.iter().map(|o| o.as_str())),
            );
        }
        if !self.statuses.is_empty() {
            select = select
                .filter(signatory_status_expr().is_in(self.statuses.iter().map(|s| s.as_str())));
        }
        let signed_on = || Expr::col((signature::Entity, signature::Column::SignedOn));
        if let Some(from) = self.signed_from_year {
            select = select.filter(signed_on().gte(format!("{from:04}-01-01")));
        }
        if let Some(to) = self.signed_to_year {
            select = select.filter(signed_on().lte(format!("{to:04}-12-31")));
        }
        if !self.action_plan_statuses.is_empty() {
            select = select.filter(
                action_plan_status_expr(today())
                    .is_in(self.action_plan_statuses.iter().map(|s| s.as_str())),
            );
        }
        if let Some(since) = self.updated_since {
            select = select.filter(changes::changed_after(since, today()));
        }
        if !self.programme_codes.is_empty() {
            let codes: Vec<String> = self
                .programme_codes
                .iter()
                .map(|c| c.trim().to_uppercase())
                .collect();
            let took_part = Query::select()
                .expr(Expr::cust("1"))
                .from(programme_participation::Entity)
                .inner_join(
                    support_programme::Entity,
                    Expr::col((support_programme::Entity, support_programme::Column::Id)).equals((
                        programme_participation::Entity,
                        programme_participation::Column::ProgrammeId,
                    )),
                )
                .and_where(
                    Expr::col((
                        programme_participation::Entity,
                        programme_participation::Column::OrganisationId,
                    ))
                    .equals((organisation::Entity, organisation::Column::Id)),
                )
                .and_where(
                    Expr::col((support_programme::Entity, support_programme::Column::Code))
                        .is_in(codes),
                )
                .to_owned();
            select = select.filter(Expr::exists(took_part));
        }
        select
    }
}

/// The value signing-date order sorts by: the signing date, the last possible day where
/// only a range is known, and after every date for organisations that never signed.
pub(crate) fn signed_sort_value(signature: Option<&signature::Model>) -> String {
    signature
        .map(|s| {
            s.signed_on
                .clone()
                .unwrap_or_else(|| s.not_later_than.clone())
        })
        .unwrap_or_else(|| NEVER_SIGNED_SORT.to_owned())
}

const NEVER_SIGNED_SORT: &str = "9999-12-31";

/// The sort expression of signing dates; never-signed organisations sort last.
fn signed_on_sort_expr() -> SimpleExpr {
    Expr::cust(format!(
        r#"COALESCE("signature"."signed_on", "signature"."not_later_than", '{NEVER_SIGNED_SORT}')"#
    ))
}

/// The ordering of a list: its columns and the name its cursors carry.
pub(crate) fn ordering(field: OrganisationOrderField, descending: bool) -> Ordering {
    let code = SortColumn::with_direction(
        Expr::col((organisation::Entity, organisation::Column::Code)),
        descending,
    );
    let (name, mut columns) = match field {
        OrganisationOrderField::Name => (
            "name",
            vec![SortColumn::with_direction(
                Expr::col((organisation::Entity, organisation::Column::SortKey)),
                descending,
            )],
        ),
        OrganisationOrderField::Code => ("code", vec![]),
        OrganisationOrderField::SignedOn => (
            "signedOn",
            vec![SortColumn::with_direction(
                signed_on_sort_expr(),
                descending,
            )],
        ),
    };
    columns.push(code);
    let direction = if descending { "desc" } else { "asc" };
    Ordering {
        name: format!("organisation:{name}:{direction}"),
        columns,
    }
}

fn cursor_key(field: OrganisationOrderField, row: &ListedOrganisation) -> Vec<KeyValue> {
    sort_key(field, &row.organisation, || row.signed_sort.clone())
}

/// The values an organisation sorts by under `field`, as its cursor carries them.
pub(crate) fn sort_key(
    field: OrganisationOrderField,
    organisation: &organisation::Model,
    signed_sort: impl FnOnce() -> String,
) -> Vec<KeyValue> {
    let code = KeyValue::Text(organisation.code.clone());
    match field {
        OrganisationOrderField::Name => vec![KeyValue::Text(organisation.sort_key.clone()), code],
        OrganisationOrderField::Code => vec![code],
        OrganisationOrderField::SignedOn => vec![KeyValue::Text(signed_sort()), code],
    }
}

/// An organisation in a list, with what its cursor needs.
#[derive(Debug, Clone)]
pub struct ListedOrganisation {
    pub organisation: organisation::Model,
    signed_sort: String,
}

/// A page of organisations with each row's cursor.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
    order: OrganisationOrderField,
    descending: bool,
    args: &PageArgs,
) -> AppResult<Page<(String, organisation::Model)>> {
    let page = list_with_signatures(db, filter, order, descending, args).await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|listed| (listed.cursor.encode(), listed.organisation))
            .collect(),
        has_previous: page.has_previous,
        has_next: page.has_next,
    })
}

/// An organisation of a list page with its current signature, which the list reads anyway
/// (it orders by it), so that a caller needs no second statement for it.
pub struct ListedWithSignature {
    pub cursor: Cursor,
    pub organisation: organisation::Model,
    pub signature: Option<signature::Model>,
}

/// A page of organisations, each with its current signature.
pub async fn list_with_signatures(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
    order: OrganisationOrderField,
    descending: bool,
    args: &PageArgs,
) -> AppResult<Page<ListedWithSignature>> {
    filter.validate()?;
    let ordering = ordering(order, descending);
    let plan = PagePlan::new(args, &ordering)?;
    let name: std::sync::Arc<str> = ordering.name.as_str().into();
    let rows = plan
        .apply(filter.apply(organisation::Entity::find()), &ordering)
        .select_also(signature::Entity)
        .all(db)
        .await?;
    let rows = rows
        .into_iter()
        .map(|(organisation, signature)| {
            let signed_sort = signed_sort_value(signature.as_ref());
            let listed = ListedOrganisation {
                organisation,
                signed_sort,
            };
            ListedWithSignature {
                cursor: Cursor::new(name.clone(), cursor_key(order, &listed)),
                organisation: listed.organisation,
                signature,
            }
        })
        .collect();
    Ok(plan.finish(rows))
}

/// How many organisations match the filter.
pub async fn count(db: &impl ConnectionTrait, filter: &OrganisationFilter) -> AppResult<u64> {
    filter.validate()?;
    Ok(filter.apply(organisation::Entity::find()).count(db).await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> AppResult<Vec<organisation::Model>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// Finds an organisation by its code. A county code (or Kolada's `00`+county form) finds
/// the organisation with regional responsibility there, so Gotland is found as `0980`
/// and as `09`.
pub async fn by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> AppResult<Option<organisation::Model>> {
    Ok(find_by_code(code).one(db).await?)
}

/// `by_code`, with the organisation's current signature read in the same statement.
pub async fn by_code_with_signature(
    db: &impl ConnectionTrait,
    code: &str,
) -> AppResult<Option<(organisation::Model, Option<signature::Model>)>> {
    Ok(join_current_signature(find_by_code(code))
        .select_also(signature::Entity)
        .one(db)
        .await?)
}

fn find_by_code(code: &str) -> Select<organisation::Entity> {
    let code = normalise_organisation_code(code);
    organisation::Entity::find()
        .filter(
            Condition::any()
                .add(organisation::Column::Code.eq(code.clone()))
                .add(organisation::Column::RegionalCountyCode.eq(code)),
        )
        .order_by_asc(organisation::Column::Id)
}
