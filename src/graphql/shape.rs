//! The schema's shape as the HTTP handler needs it before and after execution: the
//! declared type of every field and argument, and the fields of every input object.
//! Read once at start-up from the schema's own SDL, so it cannot drift from the schema.

use async_graphql::parser::types::{ServiceDocument, Type, TypeKind, TypeSystemDefinition};
use std::collections::HashMap;

/// Field, argument and input field types by name.
pub struct SchemaShape {
    /// (type, field) → the field's type and its arguments' types.
    fields: HashMap<(String, String), FieldShape>,
    /// Input object → its fields' types.
    inputs: HashMap<String, HashMap<String, Type>>,
    pub query: String,
    pub mutation: String,
}

/// A field's type and its arguments' types.
pub struct FieldShape {
    pub ty: Type,
    pub arguments: HashMap<String, Type>,
}

impl SchemaShape {
    /// Reads the shape from the schema's SDL.
    pub fn from_sdl(sdl: &str) -> anyhow::Result<Self> {
        let document: ServiceDocument = async_graphql::parser::parse_schema(sdl)?;
        let mut shape = Self {
            fields: HashMap::new(),
            inputs: HashMap::new(),
            query: "Query".into(),
            mutation: "Mutation".into(),
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(query) = &schema.node.query {
                        shape.query = query.node.to_string();
                    }
                    if let Some(mutation) = &schema.node.mutation {
                        shape.mutation = mutation.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(definition) => {
                    let definition = definition.node;
                    let name = definition.name.node.to_string();
                    let fields = match definition.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        TypeKind::InputObject(input) => {
                            let fields = input
                                .fields
                                .into_iter()
                                .map(|f| (f.node.name.node.to_string(), f.node.ty.node))
                                .collect();
                            shape.inputs.insert(name, fields);
                            continue;
                        }
                        _ => continue,
                    };
                    for field in fields {
                        let field = field.node;
                        let arguments = field
                            .arguments
                            .into_iter()
                            .map(|a| (a.node.name.node.to_string(), a.node.ty.node))
                            .collect();
                        shape.fields.insert(
                            (name.clone(), field.name.node.to_string()),
                            FieldShape {
                                ty: field.ty.node,
                                arguments,
                            },
                        );
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        Ok(shape)
    }

    /// A field of an object or interface type.
    pub fn field(&self, parent: &str, field: &str) -> Option<&FieldShape> {
        self.fields.get(&(parent.to_owned(), field.to_owned()))
    }

    /// The fields of an input object type.
    pub fn input(&self, name: &str) -> Option<&HashMap<String, Type>> {
        self.inputs.get(name)
    }
}

/// The named type at the bottom of a (list, non-null) type.
pub fn named(ty: &Type) -> &str {
    match &ty.base {
        async_graphql::parser::types::BaseType::Named(name) => name.as_str(),
        async_graphql::parser::types::BaseType::List(item) => named(item),
    }
}
