//! Limits on GraphQL documents, checked on the parsed document before validation and
//! execution, each with its own error code. Fragments are measured once each (memoised),
//! so a small document of nested fragments cannot make the check itself expensive, and a
//! fragment cycle is reported before any validator expands it.
//!
//! Complexity counts every field as 1 plus its children, multiplied by the field's
//! `first` or `last` argument when it has one: a page of 100 items costs 100 times its
//! items.

use async_graphql::Name;
use async_graphql::Variables;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet,
};
use async_graphql_value::{ConstValue, Value};
use std::collections::{HashMap, HashSet};

/// The configured limits.
#[derive(Debug, Clone)]
pub struct QueryLimits {
    pub max_depth: u64,
    pub max_complexity: u64,
    pub max_aliases: u64,
    pub max_root_fields: u64,
    pub max_directives_per_field: usize,
    /// Fields after expanding fragments: bounds fragment amplification.
    pub max_selections: u64,
    /// Whether `__schema` and `__type` may be queried.
    pub introspection: bool,
}

/// A limit the document exceeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitExceeded {
    pub code: &'static str,
    pub message: String,
}

/// What a selection set adds up to.
#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    depth: u64,
    complexity: u64,
    aliases: u64,
    selections: u64,
}

impl Measure {
    fn add(self, other: Measure) -> Measure {
        Measure {
            depth: self.depth.max(other.depth),
            complexity: self.complexity.saturating_add(other.complexity),
            aliases: self.aliases.saturating_add(other.aliases),
            selections: self.selections.saturating_add(other.selections),
        }
    }
}

struct Walker<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    limits: &'a QueryLimits,
    memo: HashMap<Name, Measure>,
    visiting: HashSet<Name>,
}

impl Walker<'_> {
    fn multiplier(&self, field: &Field) -> u64 {
        field
            .arguments
            .iter()
            .filter(|(name, _)| name.node.as_str() == "first" || name.node.as_str() == "last")
            .find_map(|(_, value)| {
                let number = match &value.node {
                    Value::Number(n) => n.as_i64(),
                    Value::Variable(name) => match self.variables.get(name) {
                        Some(ConstValue::Number(n)) => n.as_i64(),
                        _ => None,
                    },
                    _ => None,
                };
                number.map(|n| n.clamp(1, 100) as u64)
            })
            .unwrap_or(1)
    }

    fn selection_set(&mut self, set: &SelectionSet) -> Result<Measure, LimitExceeded> {
        let mut total = Measure::default();
        for selection in &set.items {
            let measure = match &selection.node {
                Selection::Field(field) => self.field(&field.node)?,
                Selection::InlineFragment(fragment) => {
                    self.directives(fragment.node.directives.len())?;
                    self.selection_set(&fragment.node.selection_set.node)?
                }
                Selection::FragmentSpread(spread) => {
                    self.directives(spread.node.directives.len())?;
                    self.fragment(&spread.node.fragment_name.node)?
                }
            };
            total = total.add(measure);
            if total.selections > self.limits.max_selections {
                return Err(too_large(self.limits));
            }
        }
        Ok(total)
    }

    fn field(&mut self, field: &Field) -> Result<Measure, LimitExceeded> {
        self.directives(field.directives.len())?;
        let name = field.name.node.as_str();
        if !self.limits.introspection && (name == "__schema" || name == "__type") {
            return Err(LimitExceeded {
                code: "INTROSPECTION_DISABLED",
                message: "introspection is disabled on this server".into(),
            });
        }
        let children = self.selection_set(&field.selection_set.node)?;
        let multiplier = self.multiplier(field);
        Ok(Measure {
            depth: children.depth + 1,
            complexity: children
                .complexity
                .saturating_mul(multiplier)
                .saturating_add(1),
            aliases: children
                .aliases
                .saturating_mul(multiplier)
                .saturating_add(u64::from(field.alias.is_some())),
            selections: children.selections.saturating_add(1),
        })
    }

    fn fragment(&mut self, name: &Name) -> Result<Measure, LimitExceeded> {
        if let Some(measure) = self.memo.get(name) {
            return Ok(*measure);
        }
        if !self.visiting.insert(name.clone()) {
            return Err(LimitExceeded {
                code: "FRAGMENT_CYCLE",
                message: format!("fragment {name} spreads itself"),
            });
        }
        let Some(definition) = self.document.fragments.get(name) else {
            // Unknown fragments are the validator's to report.
            return Ok(Measure::default());
        };
        self.directives(definition.node.directives.len())?;
        let measure = self.selection_set(&definition.node.selection_set.node)?;
        self.visiting.remove(name);
        self.memo.insert(name.clone(), measure);
        Ok(measure)
    }

    fn directives(&self, count: usize) -> Result<(), LimitExceeded> {
        if count > self.limits.max_directives_per_field {
            return Err(LimitExceeded {
                code: "DIRECTIVE_LIMIT_EXCEEDED",
                message: format!(
                    "{count} directives on one selection; at most {}",
                    self.limits.max_directives_per_field
                ),
            });
        }
        Ok(())
    }
}

fn too_large(limits: &QueryLimits) -> LimitExceeded {
    LimitExceeded {
        code: "QUERY_TOO_LARGE",
        message: format!(
            "the query selects more than {} fields",
            limits.max_selections
        ),
    }
}

fn operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match &document.operations {
        DocumentOperations::Single(op) => Some(&op.node),
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops
                .iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, op)| &op.node),
            None if ops.len() == 1 => ops.values().next().map(|op| &op.node),
            None => None,
        },
    }
}

/// Checks the operation that would run against the limits; returns its complexity.
pub fn check(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    limits: &QueryLimits,
) -> Result<u64, LimitExceeded> {
    let mut walker = Walker {
        document,
        variables,
        limits,
        memo: HashMap::new(),
        visiting: HashSet::new(),
    };
    // Fragments are checked even when unused, so a cycle is always reported here.
    for name in document.fragments.keys() {
        walker.fragment(name)?;
    }
    let Some(operation) = operation(document, operation_name) else {
        return Ok(0);
    };
    walker.directives(operation.directives.len())?;
    let root = walker.selection_set(&operation.selection_set.node)?;
    let root_fields = operation.selection_set.node.items.len() as u64;
    let checks = [
        (
            root.depth > limits.max_depth,
            "DEPTH_LIMIT_EXCEEDED",
            format!(
                "the query is nested {} deep; at most {}",
                root.depth, limits.max_depth
            ),
        ),
        (
            root.complexity > limits.max_complexity,
            "COMPLEXITY_LIMIT_EXCEEDED",
            format!(
                "the query's complexity is {}; at most {} (list fields count `first` times)",
                root.complexity, limits.max_complexity
            ),
        ),
        (
            root.aliases > limits.max_aliases,
            "ALIAS_LIMIT_EXCEEDED",
            format!(
                "the query uses {} aliases; at most {}",
                root.aliases, limits.max_aliases
            ),
        ),
        (
            root_fields > limits.max_root_fields,
            "ROOT_FIELD_LIMIT_EXCEEDED",
            format!(
                "the operation selects {root_fields} root fields; at most {}",
                limits.max_root_fields
            ),
        ),
    ];
    match checks.into_iter().find(|(exceeded, _, _)| *exceeded) {
        Some((_, code, message)) => Err(LimitExceeded { code, message }),
        None => Ok(root.complexity),
    }
}
