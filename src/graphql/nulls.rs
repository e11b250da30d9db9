//! Null propagation as the GraphQL specification requires it (section 6.4.4, "Handling
//! Execution Errors"): when a field of a non-null type fails, the `null` it would be
//! spreads to its nearest nullable parent, which is then `null` in the response.
//!
//! The executor records the error but leaves the failed field's key out of its parent
//! object, so a client generated from the schema finds a required key missing. This
//! module repairs the response afterwards, and only when it carries field errors: the
//! error paths, the operation's document (for aliases and fragments) and the schema's
//! field types say where each `null` belongs. A response without errors is not touched.

use crate::graphql::shape::{SchemaShape, named};
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, Selection, SelectionSet, Type,
};
use async_graphql::{Name, PathSegment, Response, Value};

/// Moves the `null` of every failed non-null field to its nearest nullable parent (the
/// whole `data` when there is none). `query` is the executed document's text.
pub fn propagate(
    response: &mut Response,
    types: &SchemaShape,
    query: &str,
    operation: Option<&str>,
) {
    if response.errors.iter().all(|e| e.path.is_empty()) || response.data == Value::Null {
        return;
    }
    let Ok(document) = async_graphql::parser::parse_query(query) else {
        return;
    };
    let Some((root, selection)) = root_selection(&document, types, operation) else {
        return;
    };
    let paths: Vec<Vec<PathSegment>> = response
        .errors
        .iter()
        .filter(|e| !e.path.is_empty())
        .map(|e| e.path.clone())
        .collect();
    for path in paths {
        let Some(nullable) = nullability(&document, types, &root, selection, &path) else {
            continue;
        };
        if let Some(cut) = where_null_lands(&response.data, &path, &nullable) {
            match cut {
                Some(len) => set_null(&mut response.data, &path[..len]),
                None => response.data = Value::Null,
            }
        }
        if response.data == Value::Null {
            return;
        }
    }
}

fn root_selection<'d>(
    document: &'d ExecutableDocument,
    types: &SchemaShape,
    operation: Option<&str>,
) -> Option<(String, &'d SelectionSet)> {
    let definition = match (&document.operations, operation) {
        (DocumentOperations::Single(op), _) => &op.node,
        (DocumentOperations::Multiple(ops), Some(name)) => &ops.get(name)?.node,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => &ops.values().next()?.node,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    let root = match definition.ty {
        async_graphql::parser::types::OperationType::Mutation => types.mutation.clone(),
        _ => types.query.clone(),
    };
    Some((root, &definition.selection_set.node))
}

/// For each segment of an error path, whether the value there may be `null`; `None`
/// when the path does not fit the document (then nothing is changed).
fn nullability(
    document: &ExecutableDocument,
    types: &SchemaShape,
    root: &str,
    selection: &SelectionSet,
    path: &[PathSegment],
) -> Option<Vec<bool>> {
    let mut nullable = Vec::with_capacity(path.len());
    let mut parent = root.to_owned();
    let mut sets: Vec<&SelectionSet> = vec![selection];
    let mut current: Option<&Type> = None;
    for segment in path {
        match segment {
            PathSegment::Field(key) => {
                let mut found = Vec::new();
                for set in &sets {
                    collect_fields(document, set, &parent, key, &mut found);
                }
                let (field, on) = found.first()?;
                let ty = &types
                    .field(on, &field.name.node)
                    .or_else(|| types.field(&parent, &field.name.node))?
                    .ty;
                nullable.push(ty.nullable);
                current = Some(ty);
                sets = found.iter().map(|(f, _)| &f.selection_set.node).collect();
            }
            PathSegment::Index(_) => {
                let BaseType::List(item) = &current?.base else {
                    return None;
                };
                nullable.push(item.nullable);
                current = Some(item);
            }
        }
        if let Some(ty) = current {
            parent = named(ty).to_owned();
        }
    }
    Some(nullable)
}

/// The fields of a selection set (fragments included) answering to a response key, each
/// with the type it was selected on.
fn collect_fields<'d>(
    document: &'d ExecutableDocument,
    set: &'d SelectionSet,
    on: &str,
    key: &str,
    found: &mut Vec<(&'d Field, String)>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) if field.node.response_key().node.as_str() == key => {
                found.push((&field.node, on.to_owned()));
            }
            Selection::Field(_) => {}
            Selection::InlineFragment(fragment) => {
                let fragment = &fragment.node;
                let on = fragment
                    .type_condition
                    .as_ref()
                    .map_or(on, |c| c.node.on.node.as_str());
                collect_fields(document, &fragment.selection_set.node, on, key, found);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    let fragment = &fragment.node;
                    collect_fields(
                        document,
                        &fragment.selection_set.node,
                        fragment.type_condition.node.on.node.as_str(),
                        key,
                        found,
                    );
                }
            }
        }
    }
}

/// Where the failure at the end of `path` leaves its `null`: `None` when nothing needs
/// to change (a nullable place already holds it), `Some(Some(n))` for the first `n`
/// segments of the path, `Some(None)` for the whole `data`.
fn where_null_lands(
    data: &Value,
    path: &[PathSegment],
    nullable: &[bool],
) -> Option<Option<usize>> {
    // The first place along the path that holds no value.
    let mut value = data;
    let mut hole = None;
    for (depth, segment) in path.iter().enumerate() {
        let next = match (segment, value) {
            (PathSegment::Field(key), Value::Object(map)) => map.get(key.as_str()),
            (PathSegment::Index(i), Value::List(items)) => items.get(*i),
            _ => None,
        };
        match next {
            Some(Value::Null) | None => {
                hole = Some(depth);
                break;
            }
            Some(next) => value = next,
        }
    }
    let hole = hole?;
    let present_null = matches!(lookup(data, &path[..=hole]), Some(Value::Null));
    if present_null && nullable[hole] {
        return None;
    }
    Some(
        (0..hole)
            .rev()
            .find(|&depth| nullable[depth])
            .map(|depth| depth + 1),
    )
}

fn lookup<'v>(data: &'v Value, path: &[PathSegment]) -> Option<&'v Value> {
    path.iter()
        .try_fold(data, |value, segment| match (segment, value) {
            (PathSegment::Field(key), Value::Object(map)) => map.get(key.as_str()),
            (PathSegment::Index(i), Value::List(items)) => items.get(*i),
            _ => None,
        })
}

fn set_null(data: &mut Value, path: &[PathSegment]) {
    let Some((last, parents)) = path.split_last() else {
        *data = Value::Null;
        return;
    };
    let mut value = data;
    for segment in parents {
        let next = match (segment, value) {
            (PathSegment::Field(key), Value::Object(map)) => map.get_mut(key.as_str()),
            (PathSegment::Index(i), Value::List(items)) => items.get_mut(*i),
            _ => None,
        };
        let Some(next) = next else { return };
        value = next;
    }
    match (last, value) {
        (PathSegment::Field(key), Value::Object(map)) => {
            map.insert(Name::new(key), Value::Null);
        }
        (PathSegment::Index(i), Value::List(items)) => {
            if let Some(item) = items.get_mut(*i) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
}
