//! What a document and its variables may carry, checked before anything runs, so that a
//! bad value refuses the whole document instead of failing one field while the others
//! (a mutation's writes among them) go ahead:
//!
//! - no NUL character in any string (the query text, a literal, a variable, a key):
//!   PostgreSQL refuses it in text, SQLite would store it; `BAD_USER_INPUT`;
//! - every `Int` value within 32 bits, as the specification defines `Int`, in literals
//!   and variables alike, nested in lists and input objects too. The executor only finds
//!   out when it parses the argument, after validation; `GRAPHQL_VALIDATION_FAILED`.

use crate::graphql::shape::{SchemaShape, named};
use async_graphql::Variables;
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
    Type,
};
use async_graphql_value::{ConstValue, Value};

/// Why a document is refused before it runs.
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

/// Checks the document and the variables of the operation that will run.
pub fn check(
    query: &str,
    document: &ExecutableDocument,
    operation: Option<&str>,
    variables: &Variables,
    shape: &SchemaShape,
) -> Result<(), Refusal> {
    if query.contains('\0') {
        return Err(nul("the document"));
    }
    for (name, value) in variables.iter() {
        if name.contains('\0') || const_has_nul(value) {
            return Err(nul(&format!("the variable ${name}")));
        }
    }
    let checker = Checker { shape };
    for (_, definition) in document.operations.iter() {
        let definition = &definition.node;
        let root = match definition.ty {
            async_graphql::parser::types::OperationType::Mutation => &shape.mutation,
            _ => &shape.query,
        };
        checker.selection_set(&definition.selection_set.node, root)?;
        for variable in &definition.variable_definitions {
            if let Some(default) = &variable.node.default_value {
                checker.constant(&default.node, &variable.node.var_type.node, "a default")?;
            }
        }
    }
    for fragment in document.fragments.values() {
        let fragment = &fragment.node;
        checker.selection_set(
            &fragment.selection_set.node,
            &fragment.type_condition.node.on.node,
        )?;
    }
    if let Some(definition) = selected(document, operation) {
        for variable in &definition.variable_definitions {
            let variable = &variable.node;
            if let Some(value) = variables.get(&variable.name.node) {
                let place = format!("the variable ${}", variable.name.node);
                checker.constant(value, &variable.var_type.node, &place)?;
            }
        }
    }
    Ok(())
}

fn nul(place: &str) -> Refusal {
    Refusal {
        code: "BAD_USER_INPUT",
        message: format!("{place} contains a NUL character (U+0000), which no text may hold"),
    }
}

fn out_of_range(number: &serde_json::Number, place: &str) -> Refusal {
    Refusal {
        code: "GRAPHQL_VALIDATION_FAILED",
        message: format!(
            "{number} in {place} is not an Int: Int is 32-bit ({} to {})",
            i32::MIN,
            i32::MAX
        ),
    }
}

fn selected<'d>(
    document: &'d ExecutableDocument,
    operation: Option<&str>,
) -> Option<&'d OperationDefinition> {
    match (&document.operations, operation) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

fn const_has_nul(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(s) => s.contains('\0'),
        ConstValue::Enum(name) => name.contains('\0'),
        ConstValue::List(items) => items.iter().any(const_has_nul),
        ConstValue::Object(map) => map
            .iter()
            .any(|(k, v)| k.contains('\0') || const_has_nul(v)),
        _ => false,
    }
}

struct Checker<'a> {
    shape: &'a SchemaShape,
}

impl Checker<'_> {
    fn selection_set(&self, set: &SelectionSet, parent: &str) -> Result<(), Refusal> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let declared = self.shape.field(parent, &field.name.node);
                    for (name, value) in &field.arguments {
                        let ty = declared.and_then(|d| d.arguments.get(name.node.as_str()));
                        let place = format!("the argument {}.{}", field.name.node, name.node);
                        self.value(&value.node, ty, &place)?;
                    }
                    for directive in &field.directives {
                        for (_, value) in &directive.node.arguments {
                            self.value(&value.node, None, "a directive")?;
                        }
                    }
                    if let Some(declared) = declared {
                        let child = named(&declared.ty).to_owned();
                        self.selection_set(&field.selection_set.node, &child)?;
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let on = fragment
                        .type_condition
                        .as_ref()
                        .map_or(parent, |c| c.node.on.node.as_str());
                    self.selection_set(&fragment.selection_set.node, on)?;
                }
                // Fragment definitions are checked on their own.
                Selection::FragmentSpread(_) => {}
            }
        }
        Ok(())
    }

    /// A literal in the document; `ty` is its declared type when the schema knows it.
    fn value(&self, value: &Value, ty: Option<&Type>, place: &str) -> Result<(), Refusal> {
        match value {
            Value::String(s) if s.contains('\0') => Err(nul(place)),
            Value::Number(n) if ty.is_some_and(is_int) && !fits_int(n) => {
                Err(out_of_range(n, place))
            }
            Value::List(items) => {
                let item = ty.and_then(list_item);
                items.iter().try_for_each(|v| self.value(v, item, place))
            }
            Value::Object(map) => {
                let fields = ty.and_then(|t| self.shape.input(named(t)));
                map.iter().try_for_each(|(key, v)| {
                    if key.contains('\0') {
                        return Err(nul(place));
                    }
                    let field_ty = fields.and_then(|f| f.get(key.as_str()));
                    self.value(v, field_ty, &format!("{place}.{key}"))
                })
            }
            _ => Ok(()),
        }
    }

    /// A variable's value (or a default) against its declared type.
    fn constant(&self, value: &ConstValue, ty: &Type, place: &str) -> Result<(), Refusal> {
        match value {
            ConstValue::Number(n) if is_int(ty) && !fits_int(n) => Err(out_of_range(n, place)),
            ConstValue::List(items) => match list_item(ty) {
                Some(item) => items.iter().try_for_each(|v| self.constant(v, item, place)),
                None => Ok(()),
            },
            // A single value where a list is expected counts as a list of one.
            ConstValue::Number(_) if list_item(ty).is_some() => {
                list_item(ty).map_or(Ok(()), |item| self.constant(value, item, place))
            }
            ConstValue::Object(map) => {
                let Some(fields) = self.shape.input(named(ty)) else {
                    return Ok(());
                };
                map.iter()
                    .try_for_each(|(key, v)| match fields.get(key.as_str()) {
                        Some(field_ty) => self.constant(v, field_ty, &format!("{place}.{key}")),
                        None => Ok(()),
                    })
            }
            _ => Ok(()),
        }
    }
}

fn is_int(ty: &Type) -> bool {
    matches!(&ty.base, BaseType::Named(name) if name.as_str() == "Int")
}

fn list_item(ty: &Type) -> Option<&Type> {
    match &ty.base {
        BaseType::List(item) => Some(item),
        BaseType::Named(_) => None,
    }
}

fn fits_int(n: &serde_json::Number) -> bool {
    n.as_i64().is_some_and(|i| i32::try_from(i).is_ok())
}
