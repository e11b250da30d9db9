//! Answers of public register queries, kept per read-model snapshot.
//!
//! The same few queries are asked over and over (a front-end's list, a detail page), and
//! while the register does not change their answers do not either. An answer is kept
//! only when it cannot depend on who asks or on anything but the snapshot: the operation
//! is a query, and every field it selects is one the snapshot answers and that shows the
//! same to everyone (`PUBLIC_FIELDS`); it had no error. It is served again only for the
//! same text, operation, variables and snapshot, so a write (a new snapshot) or a new day
//! retires every kept answer at once. The total size is bounded.

use crate::graphql::shape::{SchemaShape, named};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The fields that are answered from the snapshot and show the same to every caller, by
/// type. Any other field (the caller's own data, restricted records, anything read from
/// SQL per request) makes a query's answer uncacheable.
const PUBLIC_FIELDS: &[(&str, &[&str])] = &[
    (
        "Query",
        &[
            "organisations",
            "signatories",
            "organisation",
            "county",
            "counties",
        ],
    ),
    (
        "Organisation",
        &[
            "id",
            "code",
            "name",
            "kind",
            "hasRegionalResponsibility",
            "county",
            "signatoryStatus",
            "actionPlanStatus",
            "signature",
            "actionPlans",
            "programmeParticipations",
            "version",
            "updatedAt",
        ],
    ),
    (
        "County",
        &["id", "code", "name", "countyBoard", "organisations"],
    ),
    ("CountyBoard", &["id", "name"]),
    (
        "Signature",
        &[
            "id",
            "isCurrent",
            "status",
            "signedOn",
            "signedPrecision",
            "notLaterThan",
            "signedYear",
            "decidedOn",
            "decisionBody",
            "decisionReference",
            "initiative",
            "charterEdition",
            "newArticlesAdoptedOn",
            "withdrawnOn",
            "withdrawalReason",
            "actionPlanDueOn",
            "source",
            "planMissingOn",
            "planMissingSource",
            "note",
            "dataOrigin",
            "version",
            "updatedAt",
        ],
    ),
    (
        "ActionPlan",
        &[
            "id",
            "title",
            "adoptedOn",
            "decisionBody",
            "periodStartYear",
            "periodEndYear",
            "priorities",
            "resources",
            "documentUrl",
            "followUps",
            "followUpCount",
            "dataOrigin",
            "version",
            "updatedAt",
        ],
    ),
    (
        "FollowUpReport",
        &["id", "reportedOn", "summary", "dataOrigin"],
    ),
    (
        "ProgrammeParticipation",
        &["id", "programme", "fromYear", "toYear"],
    ),
    (
        "SupportProgramme",
        &[
            "id",
            "code",
            "name",
            "nameEn",
            "startYear",
            "endYear",
            "requiresPoliticalCommitment",
            "description",
            "version",
        ],
    ),
    (
        "OrganisationConnection",
        &["pageInfo", "edges", "nodes", "totalCount"],
    ),
    ("OrganisationEdge", &["cursor", "node"]),
    (
        "PageInfo",
        &["hasPreviousPage", "hasNextPage", "startCursor", "endCursor"],
    ),
];

/// What identifies an answer.
#[derive(PartialEq, Eq, Hash)]
struct Key {
    query: Arc<str>,
    operation: Option<String>,
    variables: String,
    media: &'static str,
}

struct Kept {
    snapshot: u64,
    body: Arc<RawValue>,
}

/// The kept answers of one replica.
pub struct ResponseCache {
    budget: usize,
    kept: Mutex<Store>,
}

#[derive(Default)]
struct Store {
    snapshot: u64,
    bytes: usize,
    answers: HashMap<Key, Kept>,
}

/// A request's place in the cache: where to look and where to keep its answer.
pub struct Slot {
    key: Key,
    snapshot: u64,
}

impl ResponseCache {
    /// A cache of at most `budget` bytes of answers (0: none kept).
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            kept: Mutex::new(Store::default()),
        }
    }

    /// The slot of a request whose answer may be kept, or `None`.
    pub fn slot(
        &self,
        shape: &SchemaShape,
        document: &ExecutableDocument,
        operation: Option<&str>,
        query: &str,
        variables: &async_graphql::Variables,
        media: &'static str,
        snapshot: u64,
    ) -> Option<Slot> {
        if self.budget == 0 || !public_only(shape, document, operation) {
            return None;
        }
        Some(Slot {
            key: Key {
                query: query.into(),
                operation: operation.map(str::to_owned),
                variables: serde_json::to_string(variables).ok()?,
                media,
            },
            snapshot,
        })
    }

    /// The kept answer for the slot, if it is of the slot's snapshot.
    pub fn get(&self, slot: &Slot) -> Option<Arc<RawValue>> {
        let store = self.kept.lock().ok()?;
        store
            .answers
            .get(&slot.key)
            .filter(|kept| kept.snapshot == slot.snapshot)
            .map(|kept| kept.body.clone())
    }

    /// Keeps an answer; answers of older snapshots go first, and when the budget is
    /// spent every kept answer goes.
    pub fn put(&self, slot: Slot, body: Arc<RawValue>) {
        let size = body.get().len() + slot.key.query.len() + slot.key.variables.len();
        if size > self.budget / 4 {
            return;
        }
        let Ok(mut store) = self.kept.lock() else {
            return;
        };
        if slot.snapshot > store.snapshot {
            *store = Store {
                snapshot: slot.snapshot,
                ..Store::default()
            };
        } else if slot.snapshot < store.snapshot {
            return;
        }
        if store.bytes + size > self.budget {
            // Start over rather than stop keeping: a client asking many distinct
            // queries must not leave the budget full of answers nobody asks again.
            store.answers.clear();
            store.bytes = 0;
        }
        store.bytes += size;
        let replaced = store.answers.insert(
            slot.key,
            Kept {
                snapshot: slot.snapshot,
                body,
            },
        );
        if let Some(old) = replaced {
            store.bytes = store.bytes.saturating_sub(old.body.get().len());
        }
    }
}

/// Whether the operation is a query selecting only public snapshot fields.
fn public_only(
    shape: &SchemaShape,
    document: &ExecutableDocument,
    operation: Option<&str>,
) -> bool {
    let Some((_, op)) = crate::graphql::operations::selected(document, operation) else {
        return false;
    };
    op.ty == OperationType::Query
        && walk(
            shape,
            &document.fragments,
            &shape.query,
            &op.selection_set,
            0,
        )
}

/// Fragments nest at most this deep here (validation refuses cycles later; this only
/// keeps the walk finite).
const DEPTH: usize = 32;

fn walk(
    shape: &SchemaShape,
    fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
    parent: &str,
    selections: &Positioned<SelectionSet>,
    depth: usize,
) -> bool {
    if depth > DEPTH {
        return false;
    }
    selections
        .node
        .items
        .iter()
        .all(|selection| match &selection.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                if name == "__typename" {
                    return true;
                }
                let allowed = PUBLIC_FIELDS
                    .iter()
                    .any(|(ty, fields)| *ty == parent && fields.contains(&name));
                if !allowed {
                    return false;
                }
                if field.node.selection_set.node.items.is_empty() {
                    return true;
                }
                let Some(declared) = shape.field(parent, name) else {
                    return false;
                };
                walk(
                    shape,
                    fragments,
                    named(&declared.ty),
                    &field.node.selection_set,
                    depth + 1,
                )
            }
            Selection::InlineFragment(inline) => {
                let on = inline
                    .node
                    .type_condition
                    .as_ref()
                    .map_or(parent, |c| c.node.on.node.as_str());
                walk(shape, fragments, on, &inline.node.selection_set, depth + 1)
            }
            Selection::FragmentSpread(spread) => {
                let Some(fragment) = fragments.get(&spread.node.fragment_name.node) else {
                    return false;
                };
                let on = fragment.node.type_condition.node.on.node.as_str();
                walk(
                    shape,
                    fragments,
                    on,
                    &fragment.node.selection_set,
                    depth + 1,
                )
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> SchemaShape {
        SchemaShape::from_sdl(&crate::graphql::schema::sdl()).expect("the schema's shape")
    }

    fn public(query: &str) -> bool {
        let document = async_graphql::parser::parse_query(query).expect("a query");
        public_only(&shape(), &document, None)
    }

    #[test]
    fn only_queries_of_public_snapshot_fields_are_kept() {
        assert!(public(
            "{ signatories(first: 5) { nodes { code county { name } actionPlans { title followUps { summary } } } } }"
        ));
        assert!(public(
            "query { organisation(code: \"0180\") { ...F } } fragment F on Organisation { name signature { signedOn } }"
        ));
        assert!(public("{ counties { ... on County { code __typename } } }"));
        // The caller's own data, restricted or SQL-only fields, mutations: never.
        assert!(!public(
            "{ organisation(code: \"0180\") { code } me { role } }"
        ));
        assert!(!public(
            "{ organisation(code: \"0180\") { signatureHistory { signedOn } } }"
        ));
        assert!(!public(
            "query { organisation(code: \"0180\") { ...F } } fragment F on Organisation { countyBoardSupport { year } }"
        ));
        assert!(!public(
            "{ counties { ... on County { region { code } } } }"
        ));
        assert!(!public("{ studies { title } }"));
        assert!(!public("{ __schema { types { name } } }"));
        assert!(!public(
            "mutation { createOrganisation(code: \"X\", facts: { name: \"X\", kind: OTHER }) { organisation { code } } }"
        ));
        assert!(!public("query { ...Missing }"));
    }

    fn slot(cache: &ResponseCache, variables: &str, snapshot: u64) -> Slot {
        let document =
            async_graphql::parser::parse_query("{ counties { code } }").expect("a query");
        let variables = async_graphql::Variables::from_json(
            serde_json::from_str(variables).expect("variables"),
        );
        cache
            .slot(
                &shape(),
                &document,
                None,
                "{ counties { code } }",
                &variables,
                "application/json",
                snapshot,
            )
            .expect("a public query has a slot")
    }

    fn body(text: &str) -> Arc<RawValue> {
        RawValue::from_string(text.to_owned()).expect("JSON").into()
    }

    #[test]
    fn an_answer_is_served_only_for_its_snapshot_and_variables() {
        let cache = ResponseCache::new(64 * 1024);
        cache.put(slot(&cache, "{}", 7), body(r#"{"data":1}"#));
        assert_eq!(
            cache
                .get(&slot(&cache, "{}", 7))
                .map(|b| b.get().to_owned()),
            Some(r#"{"data":1}"#.to_owned())
        );
        assert!(cache.get(&slot(&cache, r#"{"a":1}"#, 7)).is_none());
        assert!(cache.get(&slot(&cache, "{}", 8)).is_none());
        // A newer snapshot's answer retires the older ones.
        cache.put(slot(&cache, r#"{"a":1}"#, 8), body(r#"{"data":2}"#));
        assert!(cache.get(&slot(&cache, "{}", 7)).is_none());
        // An older snapshot's answer is not kept any more.
        cache.put(slot(&cache, "{}", 7), body(r#"{"data":3}"#));
        assert!(cache.get(&slot(&cache, "{}", 7)).is_none());
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let cache = ResponseCache::new(1024);
        let big = format!(r#"{{"data":"{}"}}"#, "x".repeat(400));
        cache.put(slot(&cache, "{}", 1), body(&big));
        assert!(
            cache.get(&slot(&cache, "{}", 1)).is_none(),
            "over a quarter of the budget"
        );
        for i in 0..100 {
            cache.put(
                slot(&cache, &format!(r#"{{"i":{i}}}"#), 1),
                body(r#"{"data":"small"}"#),
            );
        }
        let kept = (0..100)
            .filter(|i| {
                cache
                    .get(&slot(&cache, &format!(r#"{{"i":{i}}}"#), 1))
                    .is_some()
            })
            .count();
        assert!(kept > 0 && kept < 100, "{kept} kept");
        assert!(
            ResponseCache::new(0)
                .slot(
                    &shape(),
                    &async_graphql::parser::parse_query("{ counties { code } }").expect("q"),
                    None,
                    "q",
                    &async_graphql::Variables::default(),
                    "application/json",
                    1
                )
                .is_none()
        );
    }
}
