//! Schema → IR types. Component schemas become named types; inline objects and enums are
//! hoisted into named types with stable names derived from where they sit
//! (`Kubecluster.status` → `KubeclusterStatus`). Shapes not supported yet are located
//! errors, never a silent `serde_json::Value`.

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};

use super::Lowerer;
use crate::error::{Error, Result, pointer_push};
use crate::ident::{Namespace, camel, snake};
use crate::ir::{Field, StringEnum, Struct, TypeDef, TypeKind, TypeRef, Variant};

/// A schema position: a reference or an inline schema.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SchemaAt<'a> {
    /// `$ref`.
    Ref(&'a str),
    /// Inline.
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaAt<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Self::Ref(reference),
            ReferenceOr::Item(s) => Self::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaAt<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Self::Ref(reference),
            ReferenceOr::Item(s) => Self::Item(s),
        }
    }
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

impl Lowerer<'_> {
    /// Assigns Rust names to every component schema, in document order.
    pub(crate) fn name_component_schemas(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        for name in components.schemas.keys() {
            let rust = self.type_names.claim(&camel(name));
            self.schema_names.insert(name.clone(), rust);
        }
    }

    /// Lowers every component schema into a named type.
    pub(crate) fn lower_component_schemas(&mut self) -> Result<()> {
        let Some(components) = &self.spec.components else {
            return Ok(());
        };
        for (name, schema) in &components.schemas {
            let pointer = pointer_push("/components/schemas", name);
            let rust = self
                .schema_names
                .get(name)
                .cloned()
                .unwrap_or_else(|| camel(name));
            let def = match SchemaAt::from(schema) {
                SchemaAt::Ref(r) => TypeDef {
                    name: rust.clone(),
                    origin: pointer.clone(),
                    docs: None,
                    deprecated: false,
                    kind: TypeKind::Alias(self.resolve_schema_ref(r, &pointer)?),
                },
                SchemaAt::Item(s) => self.lower_named(&rust, s, &pointer)?,
            };
            self.types.insert(rust, def);
            self.report.schemas_emitted += 1;
        }
        Ok(())
    }

    /// Resolves `#/components/schemas/X` to its Rust type.
    pub(crate) fn resolve_schema_ref(&self, reference: &str, pointer: &str) -> Result<TypeRef> {
        let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) else {
            return Err(Error::invalid(
                self.file,
                pointer,
                format!(
                    "`$ref: {reference}`: only references to `#/components/schemas/<name>` are \
                     supported in schema positions"
                ),
            ));
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        match self.schema_names.get(&name) {
            Some(rust) => Ok(TypeRef::Named(rust.clone())),
            None => Err(Error::invalid(
                self.file,
                pointer,
                format!("`$ref: {reference}` points to nothing: no schema `{name}` in components"),
            )),
        }
    }

    /// The inline component schema a `#/components/schemas/X` reference names, if any.
    fn component_schema(&self, reference: &str) -> Option<&Schema> {
        let name = reference
            .strip_prefix(SCHEMA_PREFIX)?
            .replace("~1", "/")
            .replace("~0", "~");
        match self.spec.components.as_ref()?.schemas.get(&name)? {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// Builds a named type from an inline schema (component or hoisted).
    fn lower_named(&mut self, rust: &str, schema: &Schema, pointer: &str) -> Result<TypeDef> {
        let kind = if let Some(values) = string_enum_values(schema) {
            TypeKind::StringEnum(enum_variants(&values))
        } else if let Some(props) = object_properties(schema) {
            TypeKind::Struct(self.lower_struct(rust, props, pointer)?)
        } else {
            TypeKind::Alias(self.lower_type(SchemaAt::Item(schema), pointer, rust)?)
        };
        Ok(TypeDef {
            name: rust.to_owned(),
            origin: pointer.to_owned(),
            docs: schema
                .schema_data
                .description
                .clone()
                .or_else(|| schema.schema_data.title.clone()),
            deprecated: schema.schema_data.deprecated,
            kind,
        })
    }

    /// Hoists an inline schema into a new named type called after `hint`.
    fn hoist(&mut self, hint: &str, schema: &Schema, pointer: &str) -> Result<TypeRef> {
        let rust = self.type_names.claim(&camel(hint));
        // The name is claimed before recursing, so nested types get distinct names.
        self.hoisted.push(rust.clone());
        let def = self.lower_named(&rust, schema, pointer)?;
        self.types.insert(rust.clone(), def);
        Ok(TypeRef::Named(rust))
    }

    fn lower_struct(
        &mut self,
        owner: &str,
        props: ObjectProps<'_>,
        pointer: &str,
    ) -> Result<Struct> {
        let mut names = Namespace::new();
        let mut fields = Vec::with_capacity(props.properties.len());
        for (wire, prop) in props.properties {
            let prop_pointer = pointer_push(&pointer_push(pointer, "properties"), wire);
            let at = SchemaAt::from(prop);
            let hint = format!("{owner}{}", camel(wire));
            let ty = self.lower_type(at, &prop_pointer, &hint)?;
            let (docs, nullable, read_only, deprecated) = match at {
                SchemaAt::Item(s) => (
                    s.schema_data
                        .description
                        .clone()
                        .or_else(|| s.schema_data.title.clone()),
                    s.schema_data.nullable,
                    s.schema_data.read_only,
                    s.schema_data.deprecated,
                ),
                // A referenced schema's own readOnly/deprecated apply to the field too
                // (3.0 ignores keywords beside `$ref`, so that is where they can be said).
                SchemaAt::Ref(r) => match self.component_schema(r) {
                    Some(target) => (
                        None,
                        false,
                        target.schema_data.read_only,
                        target.schema_data.deprecated,
                    ),
                    None => (None, false, false, false),
                },
            };
            fields.push(Field {
                rust_name: names.claim(&snake(wire)),
                wire_name: wire.clone(),
                ty,
                required: props.required.iter().any(|r| r == wire),
                nullable,
                read_only,
                docs,
                deprecated,
            });
        }
        Ok(Struct { fields })
    }

    /// Lowers a schema in a value position. `hint` names hoisted inline types.
    pub(crate) fn lower_type(
        &mut self,
        at: SchemaAt<'_>,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef> {
        let schema = match at {
            SchemaAt::Ref(r) => return self.resolve_schema_ref(r, pointer),
            SchemaAt::Item(s) => s,
        };
        if string_enum_values(schema).is_some() || object_properties(schema).is_some() {
            return self.hoist(hint, schema, pointer);
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => Ok(TypeRef::String),
            SchemaKind::Type(Type::Boolean(_)) => Ok(TypeRef::Bool),
            SchemaKind::Type(Type::Integer(i)) => Ok(match i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            }),
            SchemaKind::Type(Type::Number(n)) => Ok(match n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            }),
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let item_pointer = pointer_push(pointer, "items");
                    let inner = self.lower_type(
                        SchemaAt::from(items),
                        &item_pointer,
                        &format!("{hint}Item"),
                    )?;
                    Ok(TypeRef::Vec(Box::new(inner)))
                }
                None => Ok(TypeRef::Vec(Box::new(TypeRef::Json))),
            },
            SchemaKind::Type(Type::Object(o)) => match &o.additional_properties {
                Some(AdditionalProperties::Schema(s)) => {
                    let value_pointer = pointer_push(pointer, "additionalProperties");
                    let inner = self.lower_type(
                        SchemaAt::from(s.as_ref()),
                        &value_pointer,
                        &format!("{hint}Value"),
                    )?;
                    Ok(TypeRef::Map(Box::new(inner)))
                }
                // No properties and any (or unspecified) extra properties: free-form.
                _ => Ok(TypeRef::JsonObject),
            },
            SchemaKind::Any(any) if any.typ.is_none() && any.properties.is_empty() => {
                if any.one_of.is_empty() && any.all_of.is_empty() && any.any_of.is_empty() {
                    Ok(TypeRef::Json)
                } else {
                    Err(self.unsupported(
                        pointer,
                        "a schema mixing oneOf/allOf/anyOf with other keywords",
                    ))
                }
            }
            SchemaKind::OneOf { .. } => Err(self.unsupported(pointer, "`oneOf`")),
            SchemaKind::AnyOf { .. } => Err(self.unsupported(pointer, "`anyOf`")),
            SchemaKind::AllOf { .. } => Err(self.unsupported(pointer, "`allOf`")),
            SchemaKind::Not { .. } => Err(self.unsupported(pointer, "`not`")),
            SchemaKind::Any(_) => {
                Err(self.unsupported(pointer, "this combination of schema keywords"))
            }
        }
    }

    fn unsupported(&self, pointer: &str, what: &str) -> Error {
        Error::invalid(
            self.file,
            pointer,
            format!("{what} is not supported by this generator version"),
        )
    }
}

/// Properties and required list of an object schema with declared properties.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ObjectProps<'a> {
    properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'a [String],
}

fn object_properties(schema: &Schema) -> Option<ObjectProps<'_>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => Some(ObjectProps {
            properties: &o.properties,
            required: &o.required,
        }),
        SchemaKind::Any(a)
            if !a.properties.is_empty()
                && a.one_of.is_empty()
                && a.all_of.is_empty()
                && a.any_of.is_empty() =>
        {
            Some(ObjectProps {
                properties: &a.properties,
                required: &a.required,
            })
        }
        _ => None,
    }
}

fn string_enum_values(schema: &Schema) -> Option<Vec<String>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            Some(s.enumeration.iter().flatten().cloned().collect())
        }
        _ => None,
    }
}

fn enum_variants(values: &[String]) -> StringEnum {
    let catch_all = if values.iter().any(|v| camel(v) == "Unknown") {
        "Other"
    } else {
        "Unknown"
    };
    let mut names = Namespace::with_reserved([catch_all]);
    let mut seen = std::collections::BTreeSet::new();
    let variants = values
        .iter()
        .filter(|v| seen.insert(v.as_str()))
        .map(|v| Variant {
            rust_name: names.claim(&camel(v)),
            wire_value: v.clone(),
        })
        .collect();
    StringEnum {
        variants,
        catch_all: catch_all.to_owned(),
    }
}

/// The field steps to follow a JSON pointer (`/_links/next/href`) through IR structs,
/// starting at type `start`. Each step is (Rust field name, is `Option`). The final
/// field must be a string.
pub(crate) fn resolve_field_path(
    types: &std::collections::BTreeMap<String, TypeDef>,
    start: &str,
    pointer: &str,
) -> std::result::Result<Vec<(String, bool)>, String> {
    let mut current = TypeRef::Named(start.to_owned());
    let mut steps = Vec::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let TypeRef::Named(name) = &current else {
            return Err(format!("`{token}` is reached through a non-object value"));
        };
        let Some(TypeDef {
            kind: TypeKind::Struct(s),
            ..
        }) = types.get(name)
        else {
            return Err(format!(
                "`{token}` is looked up in `{name}`, which is not an object"
            ));
        };
        let Some(field) = s.fields.iter().find(|f| f.wire_name == token) else {
            return Err(format!("`{name}` has no property `{token}`"));
        };
        steps.push((field.rust_name.clone(), field.is_option()));
        current = field.ty.clone();
    }
    if current != TypeRef::String {
        return Err("the pointer does not end at a string".to_owned());
    }
    Ok(steps)
}
