//! Organisation lists from a snapshot: the filter, ordering and keyset paging of
//! `services::organisations`, evaluated on the snapshot's rows. Cursors are the SQL
//! path's, so a client can page across both.

use crate::domain::names::search_key;
use crate::domain::organisation::OrganisationKind;
use crate::error::AppResult;
use crate::readmodel::snapshot::{Entry, Snapshot};
use crate::services::organisations::{
    ListedWithSignature, OrganisationFilter, OrganisationOrderField, ordering, signed_sort_value,
    sort_key,
};
use crate::services::pagination::{Cursor, KeyValue, Page, PageArgs, PagePlan};

/// A page of a list and how many organisations match in all.
pub struct Listed {
    pub page: Page<ListedWithSignature>,
    pub total: u64,
}

/// The page, or `None` for a filter the snapshot cannot answer (changes since a time,
/// which only the database knows).
pub fn list(
    snapshot: &Snapshot,
    filter: &OrganisationFilter,
    field: OrganisationOrderField,
    descending: bool,
    args: &PageArgs,
) -> Option<AppResult<Listed>> {
    if filter.updated_since.is_some() {
        return None;
    }
    Some(page(snapshot, filter, field, descending, args))
}

fn page(
    snapshot: &Snapshot,
    filter: &OrganisationFilter,
    field: OrganisationOrderField,
    descending: bool,
    args: &PageArgs,
) -> AppResult<Listed> {
    filter.validate()?;
    let ordering = ordering(field, descending);
    let plan = PagePlan::new(args, &ordering)?;
    let matcher = Matcher::new(filter);
    let mut keyed: Vec<(Vec<KeyValue>, &Entry)> = snapshot
        .entries()
        .iter()
        .filter(|e| matcher.matches(e))
        .map(|e| {
            let key = sort_key(field, &e.organisation, || {
                signed_sort_value(e.signature.as_ref())
            });
            (key, e)
        })
        .collect();
    let total = keyed.len() as u64;
    // Query order: the ordering's direction, reversed when paging backwards.
    let reversed = descending != plan.backward;
    keyed.sort_by(|a, b| {
        if reversed {
            b.0.cmp(&a.0)
        } else {
            a.0.cmp(&b.0)
        }
    });
    let (after, before) = plan.bounds();
    let name: std::sync::Arc<str> = ordering.name.as_str().into();
    let beyond = |key: &[KeyValue], bound: &[KeyValue], forward: bool| {
        let later = key > bound;
        let earlier = key < bound;
        if forward != descending {
            later
        } else {
            earlier
        }
    };
    let rows: Vec<ListedWithSignature> = keyed
        .into_iter()
        .filter(|(key, _)| after.is_none_or(|a| beyond(key, a, true)))
        .filter(|(key, _)| before.is_none_or(|b| beyond(key, b, false)))
        .take(plan.limit as usize + 1)
        .map(|(key, e)| ListedWithSignature {
            cursor: Cursor::new(name.clone(), key),
            organisation: e.organisation.clone(),
            signature: e.signature.clone(),
        })
        .collect();
    Ok(Listed {
        page: plan.finish(rows),
        total,
    })
}

/// The filter prepared once for a list: normalised terms and codes.
struct Matcher<'f> {
    filter: &'f OrganisationFilter,
    name: Option<String>,
    county_codes: Vec<&'f str>,
    programme_codes: Vec<String>,
    signed_from: Option<String>,
    signed_to: Option<String>,
}

impl<'f> Matcher<'f> {
    fn new(filter: &'f OrganisationFilter) -> Self {
        Self {
            filter,
            name: filter
                .name_contains
                .as_deref()
                .map(search_key)
                .filter(|t| !t.is_empty()),
            county_codes: filter.county_codes.iter().map(|c| c.trim()).collect(),
            programme_codes: filter
                .programme_codes
                .iter()
                .map(|c| c.trim().to_uppercase())
                .collect(),
            signed_from: filter.signed_from_year.map(|y| format!("{y:04}-01-01")),
            signed_to: filter.signed_to_year.map(|y| format!("{y:04}-12-31")),
        }
    }

    /// Mirrors `OrganisationFilter::apply`, condition for condition.
    fn matches(&self, entry: &Entry) -> bool {
        let f = self.filter;
        let org = &entry.organisation;
        let signature = entry.signature.as_ref();
        let signed_on = signature.and_then(|s| s.signed_on.as_deref());
        let kind = f.kinds.is_empty()
            || f.kinds.iter().any(|k| k.as_str() == org.kind)
            || (f.kinds.contains(&OrganisationKind::Region) && org.regional_county_code.is_some());
        let county = self.county_codes.is_empty()
            || org
                .county_code
                .as_deref()
                .is_some_and(|c| self.county_codes.contains(&c));
        let name = self
            .name
            .as_ref()
            .is_none_or(|term| org.search_name.contains(term.as_str()));
        let signatory = !f.signatories_only || signature.is_some();
        let origin = f.data_origins.is_empty()
            || signature
                .is_some_and(|s| f.data_origins.iter().any(|o| o.as_str() == s.data_origin));
        let status = f.statuses.is_empty() || f.statuses.contains(&entry.status.signatory_status());
        // A signing of unknown date matches no year range (NULL compares false in SQL).
        let from = self
            .signed_from
            .as_ref()
            .is_none_or(|from| signed_on.is_some_and(|d| d >= from.as_str()));
        let to = self
            .signed_to
            .as_ref()
            .is_none_or(|to| signed_on.is_some_and(|d| d <= to.as_str()));
        let plan = f.action_plan_statuses.is_empty()
            || entry
                .status
                .action_plan_status()
                .is_some_and(|s| f.action_plan_statuses.contains(&s));
        let programme = self.programme_codes.is_empty()
            || entry
                .programme_codes
                .iter()
                .any(|c| self.programme_codes.contains(c));
        kind && county && name && signatory && origin && status && from && to && plan && programme
    }
}
