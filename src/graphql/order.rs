//! Puts a response's fields in the order the query selected them.
//!
//! The GraphQL specification has a response map list its fields in the order of the
//! selection set (after merging fields and fragments). The executor resolves an object's
//! fields concurrently and records each as it completes, so fields that wait for the
//! database can come out in any order. This walks the result once along the operation's
//! selection sets and rebuilds each object in selection order.

use async_graphql::Name;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Value, indexmap::IndexMap};
use std::collections::HashSet;

/// Reorders `data`, the result of the operation `requested` (or the only one) of
/// `document`.
pub fn by_selection(document: &ExecutableDocument, requested: Option<&str>, data: &mut Value) {
    let Some(operation) = operation(document, requested) else {
        return;
    };
    let sets = [&operation.selection_set.node];
    reorder(document, &sets, data);
}

fn operation<'a>(
    document: &'a ExecutableDocument,
    requested: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, requested) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|op| &op.node)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|op| &op.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Reorders a value selected by `sets` (one field can be selected several times, each
/// with a selection set of its own: their fields merge).
fn reorder(document: &ExecutableDocument, sets: &[&SelectionSet], value: &mut Value) {
    match value {
        Value::List(items) => {
            for item in items {
                reorder(document, sets, item);
            }
        }
        Value::Object(map) => {
            let mut keys: Vec<(Name, Vec<&SelectionSet>)> = Vec::new();
            let mut seen_fragments = HashSet::new();
            for set in sets {
                collect(document, set, &mut keys, &mut seen_fragments);
            }
            let mut old = std::mem::take(map);
            let mut ordered = IndexMap::with_capacity(old.len());
            for (key, children) in keys {
                if let Some(mut child) = old.shift_remove(&key) {
                    if !children.is_empty() {
                        reorder(document, &children, &mut child);
                    }
                    ordered.insert(key, child);
                }
            }
            // Anything the walk did not name keeps its place after the named fields.
            ordered.extend(old);
            *map = ordered;
        }
        _ => {}
    }
}

/// The response keys a selection set names, in order, each with the selection sets of
/// its field.
fn collect<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    keys: &mut Vec<(Name, Vec<&'a SelectionSet>)>,
    seen_fragments: &mut HashSet<&'a str>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                let key = field.response_key().node.clone();
                let children = &field.selection_set.node;
                match keys.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, sets)) => sets.push(children),
                    None => keys.push((key, vec![children])),
                }
            }
            Selection::InlineFragment(fragment) => {
                collect(
                    document,
                    &fragment.node.selection_set.node,
                    keys,
                    seen_fragments,
                );
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                // A fragment spread twice at one level adds nothing the first did not.
                if seen_fragments.insert(name)
                    && let Some(fragment) = document.fragments.get(name)
                {
                    collect(
                        document,
                        &fragment.node.selection_set.node,
                        keys,
                        seen_fragments,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (Name::new(k), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn fields_follow_the_selection_through_aliases_fragments_and_lists() {
        let document = async_graphql::parser::parse_query(
            "query Q { b: county { ...F code } a: county { name } }
             fragment F on County { name list { y x } }",
        )
        .expect("parses");
        let item = || object(&[("x", Value::from(1)), ("y", Value::from(2))]);
        let mut data = object(&[
            ("a", object(&[("name", Value::from("A"))])),
            (
                "b",
                object(&[
                    ("code", Value::from("01")),
                    ("list", Value::List(vec![item(), item()])),
                    ("name", Value::from("B")),
                ]),
            ),
        ]);
        by_selection(&document, Some("Q"), &mut data);
        let text = serde_json::to_string(&data).expect("serialises");
        assert_eq!(
            text,
            r#"{"b":{"name":"B","list":[{"y":2,"x":1},{"y":2,"x":1}],"code":"01"},"a":{"name":"A"}}"#
        );
    }
}
