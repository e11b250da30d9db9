//! What the endpoint learns about an operation before running it: which operation of the
//! document runs, its name (for the request log, and as a bounded metrics label), how
//! many `login` fields it would execute, and what it costs against the caller's rate
//! limit.

use crate::http::rate_limit::cost;
use async_graphql::Name;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// The `login` fields an HTTP request has executed so far, across its batch: the
/// resolver refuses any after the first, whatever the document looked like.
#[derive(Debug, Clone, Default)]
pub struct LoginsInRequest(Arc<AtomicU32>);

impl LoginsInRequest {
    /// Counts one more login; false when one already ran in this request.
    pub fn admit_one(&self) -> bool {
        self.0.fetch_add(1, Ordering::SeqCst) == 0
    }
}

/// The operation that would run, with its name: the one named by `operationName`, or
/// the document's only operation.
pub fn selected<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<(Option<&'a Name>, &'a OperationDefinition)> {
    match &document.operations {
        DocumentOperations::Single(op) => Some((None, &op.node)),
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops
                .iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(n, op)| (Some(n), &op.node)),
            None if ops.len() == 1 => ops.iter().next().map(|(n, op)| (Some(n), &op.node)),
            None => None,
        },
    }
}

/// The name of the operation that would run, if it has one. Only a name the document
/// defines is returned, never the client's `operationName` text as such.
pub fn name(document: &ExecutableDocument, requested: Option<&str>) -> Option<String> {
    selected(document, requested).and_then(|(name, _)| name.map(|n| n.to_string()))
}

/// Whether the operation that would run is a mutation (or a subscription, which is not
/// served over GET either).
pub fn is_mutation(document: &ExecutableDocument, name: Option<&str>) -> bool {
    matches!(
        selected(document, name).map(|(_, op)| op.ty),
        Some(OperationType::Mutation | OperationType::Subscription)
    )
}

/// How many `login` fields the operation would execute: root fields of a mutation,
/// aliases and fragments included, whatever `@skip` or `@include` say.
pub fn logins(document: &ExecutableDocument, name: Option<&str>) -> u32 {
    match selected(document, name) {
        Some((_, op)) if op.ty == OperationType::Mutation => count_root_fields(
            document,
            &op.selection_set.node,
            "login",
            &mut HashSet::new(),
        ),
        _ => 0,
    }
}

fn count_root_fields(
    document: &ExecutableDocument,
    set: &SelectionSet,
    field: &str,
    visited: &mut HashSet<Name>,
) -> u32 {
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(f) => u32::from(f.node.name.node.as_str() == field),
            Selection::InlineFragment(fragment) => {
                count_root_fields(document, &fragment.node.selection_set.node, field, visited)
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                // A fragment counts once per spread; a cycle is refused by the limits.
                match document.fragments.get(name) {
                    Some(definition) if visited.insert(name.clone()) => {
                        let n = count_root_fields(
                            document,
                            &definition.node.selection_set.node,
                            field,
                            visited,
                        );
                        visited.remove(name);
                        n
                    }
                    _ => 0,
                }
            }
        })
        .fold(0, u32::saturating_add)
}

/// What an operation costs: one unit, one more per `COMPLEXITY_PER_UNIT` of
/// complexity, and a login's price per login.
pub fn cost(complexity: u64, logins: u32) -> u32 {
    let by_complexity = u32::try_from(complexity / cost::COMPLEXITY_PER_UNIT).unwrap_or(u32::MAX);
    cost::OPERATION
        .saturating_add(by_complexity)
        .saturating_add(logins.saturating_mul(cost::LOGIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(query).expect("parses")
    }

    #[test]
    fn logins_are_counted_through_aliases_and_fragments() {
        let doc = parse(
            "mutation M { a: login(email: \"x\", password: \"y\") { accessToken } \
             ...F ... on Mutation { c: login(email: \"x\", password: \"y\") { accessToken } } } \
             fragment F on Mutation { b: login(email: \"x\", password: \"y\") { accessToken } }",
        );
        assert_eq!(logins(&doc, None), 3);
        assert_eq!(logins(&parse("{ counties { code } }"), None), 0);
    }

    #[test]
    fn only_names_the_document_defines_are_returned() {
        let doc = parse("query A { counties { code } } query B { counties { code } }");
        assert_eq!(name(&doc, Some("B")).as_deref(), Some("B"));
        assert_eq!(name(&doc, Some("not\nthere")), None);
        assert_eq!(name(&parse("{ counties { code } }"), None), None);
    }

    #[test]
    fn costs_grow_with_complexity_and_logins() {
        assert_eq!(cost(5, 0), 1);
        assert_eq!(cost(20_000, 0), 21);
        assert_eq!(cost(3, 1), 11);
    }
}
