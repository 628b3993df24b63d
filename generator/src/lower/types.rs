//! Schema → IR types. Component schemas become named types; inline objects and enums are
//! hoisted into named types with stable names derived from where they sit
//! (`Kubecluster.status` → `KubeclusterStatus`). A shape this version cannot express
//! becomes `serde_json::Value` for that schema only, with a report note naming its pointer
//! and why (never silently); a broken document (a `$ref` to nothing) is a located error.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::Lowerer;
use crate::error::{Error, Result, pointer_push};
use crate::ident::{Namespace, camel, snake};
use crate::ir::{
    Additional, Field, IntEnum, StringEnum, Struct, Tagged, TaggedVariant, TypeDef, TypeKind,
    TypeRef, Union, Variant,
};
use crate::report::{Skipped, Stage};

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

impl<'a> Lowerer<'a> {
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
            let fell_back =
                def.kind == TypeKind::Alias(TypeRef::Json) && self.fallbacks.contains(&pointer);
            self.types.insert(rust, def);
            if fell_back {
                // Still emitted (as `serde_json::Value`), so references to it compile.
                self.report.schemas_skipped.push(Skipped {
                    pointer,
                    reason: "cannot be expressed by this generator version; emitted as \
                             `serde_json::Value` (see the note)"
                        .to_owned(),
                });
            } else {
                self.report.schemas_emitted += 1;
            }
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

    /// The inline component schema a `#/components/schemas/X` reference names, if any
    /// (through components that are themselves references, a bounded number of them).
    pub(crate) fn component_schema(&self, reference: &str) -> Option<&'a Schema> {
        let spec: &'a openapiv3::OpenAPI = self.spec;
        let mut reference = reference;
        for _ in 0..MAX_ALL_OF_DEPTH {
            let name = reference
                .strip_prefix(SCHEMA_PREFIX)?
                .replace("~1", "/")
                .replace("~0", "~");
            match spec.components.as_ref()?.schemas.get(&name)? {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    /// Builds a named type from an inline schema (component or hoisted).
    fn lower_named<'s>(&mut self, rust: &str, schema: &'s Schema, pointer: &str) -> Result<TypeDef>
    where
        'a: 's,
    {
        let kind = if let Some(values) = string_enum_values(schema) {
            TypeKind::StringEnum(enum_variants(&values))
        } else if let Some(values) = int_enum_values(schema) {
            TypeKind::IntEnum(int_enum_variants(&values, schema))
        } else if let Some(props) = self.object_properties(schema, pointer, 0)? {
            TypeKind::Struct(self.lower_struct(rust, props, pointer)?)
        } else if let Some((keyword, parts)) = union_parts(schema) {
            let tagged = match &schema.schema_data.discriminator {
                Some(d) => self.lower_tagged(keyword, parts, d, pointer)?,
                None => None,
            };
            if let Some(tagged) = tagged {
                TypeKind::Tagged(tagged)
            } else if parts.iter().all(|p| self.is_plain_string(p, 0)) {
                // Every alternative is a string (Dropshot's `NameOrId`: a UUID or a
                // name): the value is a string, usable as a path or query parameter.
                TypeKind::Alias(TypeRef::String)
            } else {
                TypeKind::Union(self.lower_union(rust, keyword, parts, pointer)?)
            }
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
    fn hoist<'s>(&mut self, hint: &str, schema: &'s Schema, pointer: &str) -> Result<TypeRef>
    where
        'a: 's,
    {
        if self.hoisting.iter().any(|p| p == pointer) || self.hoisting.len() > MAX_HOIST_DEPTH {
            // The same inline schema inside itself: an `allOf` inlined a schema that
            // contains that `allOf` (a tree whose children extend the node type).
            return Ok(self.fallback(
                pointer,
                "an inline schema that contains itself through `allOf`",
            ));
        }
        let rust = self.type_names.claim(&camel(hint));
        // The name is claimed before recursing, so nested types get distinct names.
        self.hoisted.push(rust.clone());
        self.hoisting.push(pointer.to_owned());
        let def = self.lower_named(&rust, schema, pointer);
        self.hoisting.pop();
        self.types.insert(rust.clone(), def?);
        Ok(TypeRef::Named(rust))
    }

    fn lower_struct(&mut self, owner: &str, props: Props<'_>, pointer: &str) -> Result<Struct> {
        let mut names = Namespace::new();
        let mut fields = Vec::with_capacity(props.entries.len());
        for (wire, at, prop_pointer) in props.entries {
            let hint = format!("{owner}{}", camel(wire));
            let ty = self.lower_type(at, &prop_pointer, &hint)?;
            let facts = match at {
                SchemaAt::Item(s) => FieldFacts::of(s, true),
                // A referenced schema's own readOnly/deprecated apply to the field too
                // (3.0 ignores keywords beside `$ref`, so that is where they can be said).
                SchemaAt::Ref(r) => self
                    .component_schema(r)
                    .map(|target| FieldFacts::of(target, false))
                    .unwrap_or_default(),
            };
            let default = facts
                .default
                .filter(|value| self.default_fits(&ty, value))
                .cloned();
            fields.push(Field {
                rust_name: names.claim(&snake(wire)),
                wire_name: wire.to_owned(),
                ty,
                required: props.required.contains(&wire),
                nullable: facts.nullable,
                read_only: facts.read_only,
                docs: facts.docs,
                deprecated: facts.deprecated,
                boxed: false,
                write_only: facts.write_only,
                default,
            });
        }
        let additional = match props.additional {
            None => Additional::Unspecified,
            Some(AdditionalProperties::Any(false)) => Additional::Forbidden,
            Some(AdditionalProperties::Any(true)) => {
                Additional::Typed(names.claim("additional_properties"), TypeRef::Json)
            }
            Some(AdditionalProperties::Schema(s)) => {
                let value_pointer = pointer_push(pointer, "additionalProperties");
                let ty = self.lower_type(
                    SchemaAt::from(s.as_ref()),
                    &value_pointer,
                    &format!("{owner}Value"),
                )?;
                Additional::Typed(names.claim("additional_properties"), ty)
            }
        };
        Ok(Struct { fields, additional })
    }

    /// Whether a `default` can be written as a value of `ty` (a scalar of its type, or a
    /// value of its enum): only then does the field hold it when the property is absent.
    fn default_fits(&self, ty: &TypeRef, value: &serde_json::Value) -> bool {
        use serde_json::Value;
        match (ty, value) {
            (TypeRef::String, Value::String(_)) | (TypeRef::Bool, Value::Bool(_)) => true,
            (TypeRef::I32, Value::Number(n)) => {
                n.as_i64().is_some_and(|v| i32::try_from(v).is_ok())
            }
            (TypeRef::I64, Value::Number(n)) => n.as_i64().is_some(),
            (TypeRef::U32, Value::Number(n)) => {
                n.as_u64().is_some_and(|v| u32::try_from(v).is_ok())
            }
            (TypeRef::U64, Value::Number(n)) => n.as_u64().is_some(),
            (TypeRef::F32 | TypeRef::F64, Value::Number(n)) => n.as_f64().is_some(),
            (TypeRef::Named(n), value) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::StringEnum(e)) => !e.catch_all.is_empty() && value.is_string(),
                Some(TypeKind::IntEnum(_)) => value.as_i64().is_some(),
                Some(TypeKind::Alias(inner)) => {
                    let inner = inner.clone();
                    self.default_fits(&inner, value)
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// A `oneOf`/`anyOf` with a `discriminator` whose every part is a reference to an
    /// object schema: a tagged union. `None` (an untagged union) when a part is inline
    /// or not an object, since then no tag names it.
    fn lower_tagged<'s>(
        &mut self,
        keyword: &str,
        parts: &'s [ReferenceOr<Schema>],
        discriminator: &openapiv3::Discriminator,
        pointer: &str,
    ) -> Result<Option<Tagged>>
    where
        'a: 's,
    {
        let property = discriminator.property_name.clone();
        let mut names = Namespace::new();
        let mut variants: Vec<TaggedVariant> = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let ReferenceOr::Reference { reference } = part else {
                return Ok(None);
            };
            let Some(component) = reference.strip_prefix(SCHEMA_PREFIX) else {
                return Ok(None);
            };
            let part_pointer = pointer_push(&pointer_push(pointer, keyword), &i.to_string());
            let ty = self.resolve_schema_ref(reference, &part_pointer)?;
            let Some(schema) = self.component_schema(reference) else {
                return Ok(None);
            };
            let Some(props) = self.object_properties(schema, &part_pointer, 0)? else {
                return Ok(None);
            };
            let has_property = props.entries.iter().any(|(w, _, _)| *w == property);
            // The mapping's values name schemas by reference or by bare name.
            let mut tags: Vec<String> = discriminator
                .mapping
                .iter()
                .filter(|(_, target)| {
                    target.as_str() == reference.as_str() || target.as_str() == component
                })
                .map(|(tag, _)| tag.clone())
                .collect();
            if tags.is_empty() {
                // Implicit mapping: the schema's name is the tag.
                tags.push(component.replace("~1", "/").replace("~0", "~"));
            }
            if variants.iter().any(|v| v.ty == ty) {
                continue;
            }
            let TypeRef::Named(type_name) = &ty else {
                return Ok(None);
            };
            variants.push(TaggedVariant {
                rust_name: names.claim(type_name),
                tags,
                ty,
                has_property,
            });
        }
        let catch_all = if variants.iter().any(|v| v.rust_name == "Unknown") {
            "Other"
        } else {
            "Unknown"
        };
        Ok(Some(Tagged {
            property,
            variants,
            catch_all: catch_all.to_owned(),
        }))
    }

    /// Lowers a schema in a value position. `hint` names hoisted inline types.
    pub(crate) fn lower_type<'s>(
        &mut self,
        at: SchemaAt<'s>,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef>
    where
        'a: 's,
    {
        let schema = match at {
            SchemaAt::Ref(r) => return self.resolve_schema_ref(r, pointer),
            SchemaAt::Item(s) => s,
        };
        if let Some(single) = single_ref_all_of(schema) {
            // `allOf: [{$ref}]` (often with a description beside it) is the referenced type.
            return self.resolve_schema_ref(single, &pointer_push(pointer, "allOf/0"));
        }
        if let Some((i, part)) = single_part_all_of(schema) {
            // `allOf` with one meaningful part (`{title, allOf: [{type: string}]}`, the
            // other parts empty) is that part.
            let part_pointer = pointer_push(&pointer_push(pointer, "allOf"), &i.to_string());
            return self.lower_type(SchemaAt::from(part), &part_pointer, hint);
        }
        if string_enum_values(schema).is_some()
            || int_enum_values(schema).is_some()
            || union_parts(schema).is_some()
            || self.object_properties(schema, pointer, 0)?.is_some()
        {
            return self.hoist(hint, schema, pointer);
        }
        match &schema.schema_kind {
            // `enum: [null]`: the only value is `null`.
            SchemaKind::Type(Type::String(s))
                if !s.enumeration.is_empty() && s.enumeration.iter().all(Option::is_none) =>
            {
                Ok(TypeRef::Json)
            }
            SchemaKind::Type(Type::String(s)) => Ok(match &s.format {
                VariantOrUnknownOrEmpty::Item(f) => match f {
                    StringFormat::DateTime => TypeRef::DateTime,
                    StringFormat::Date => TypeRef::Date,
                    StringFormat::Byte => TypeRef::Base64,
                    _ => TypeRef::String,
                },
                VariantOrUnknownOrEmpty::Unknown(f) => string_format(f),
                VariantOrUnknownOrEmpty::Empty => TypeRef::String,
            }),
            SchemaKind::Type(Type::Boolean(_)) => Ok(TypeRef::Bool),
            SchemaKind::Type(Type::Integer(i)) => Ok(match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                VariantOrUnknownOrEmpty::Unknown(f) => integer_format(f),
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
            SchemaKind::Any(any) => self.lower_any(any, pointer, hint),
            SchemaKind::OneOf { .. } => Ok(self.fallback(pointer, "an empty `oneOf`")),
            SchemaKind::AnyOf { .. } => Ok(self.fallback(pointer, "an empty `anyOf`")),
            SchemaKind::AllOf { .. } => {
                Ok(self.fallback(pointer, "`allOf` over parts that are not all objects"))
            }
            SchemaKind::Not { .. } => Ok(self.fallback(pointer, "`not`")),
        }
    }

    /// A schema `openapiv3` could not classify (keywords of several types, or a type
    /// beside `oneOf`/`allOf`/`anyOf`): lowered by its `type` when the other keywords
    /// only constrain values (`type: string` with `additionalProperties`), else a
    /// `serde_json::Value` with a note.
    fn lower_any<'s>(
        &mut self,
        any: &'s openapiv3::AnySchema,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef>
    where
        'a: 's,
    {
        if !any.one_of.is_empty() || !any.all_of.is_empty() || !any.any_of.is_empty() {
            return Ok(self.fallback(
                pointer,
                "a schema mixing oneOf/allOf/anyOf with each other or with other keywords",
            ));
        }
        if !any.properties.is_empty() {
            return Ok(self.fallback(pointer, "this combination of schema keywords"));
        }
        let Some(typ) = any.typ.as_deref() else {
            if any.not.is_some() {
                return Ok(self.fallback(pointer, "`not`"));
            }
            // No type and nothing that shapes a value: any JSON value.
            return Ok(TypeRef::Json);
        };
        Ok(match typ {
            "string" => any.format.as_deref().map_or(TypeRef::String, string_format),
            "boolean" => TypeRef::Bool,
            "integer" => any.format.as_deref().map_or(TypeRef::I64, integer_format),
            "number" => match any.format.as_deref() {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            },
            "array" => match &any.items {
                Some(items) => {
                    let item_pointer = pointer_push(pointer, "items");
                    let inner = self.lower_type(
                        SchemaAt::from(items),
                        &item_pointer,
                        &format!("{hint}Item"),
                    )?;
                    TypeRef::Vec(Box::new(inner))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            },
            "object" => match &any.additional_properties {
                Some(AdditionalProperties::Schema(s)) => {
                    let value_pointer = pointer_push(pointer, "additionalProperties");
                    let inner = self.lower_type(
                        SchemaAt::from(s.as_ref()),
                        &value_pointer,
                        &format!("{hint}Value"),
                    )?;
                    TypeRef::Map(Box::new(inner))
                }
                _ => TypeRef::JsonObject,
            },
            other => self.fallback(pointer, &format!("`type: {other}`")),
        })
    }

    /// Whether a schema is a string without an `enum` (directly, through references and
    /// through a one-part `allOf`).
    fn is_plain_string(&self, at: &ReferenceOr<Schema>, depth: usize) -> bool {
        if depth > MAX_ALL_OF_DEPTH {
            return false;
        }
        let schema = match at {
            ReferenceOr::Item(s) => s,
            ReferenceOr::Reference { reference } => match self.component_schema(reference) {
                Some(s) => s,
                None => return false,
            },
        };
        if let Some(single) = single_ref_all_of(schema) {
            let part = ReferenceOr::Reference {
                reference: single.to_owned(),
            };
            return self.is_plain_string(&part, depth + 1);
        }
        if let Some((_, part)) = single_part_all_of(schema) {
            return self.is_plain_string(part, depth + 1);
        }
        matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if s.enumeration.is_empty())
    }

    /// A union variant that is an object with a required single-value enum property
    /// declared in place (Dropshot's tagged enums: `{type: {enum: [create]}, ...}`): that
    /// enum becomes closed (no catch-all variant), so the property tells the variants
    /// apart when the union is decoded by trying each variant in order. Returns the value
    /// of the first such tag.
    fn close_tags(&mut self, ty: &TypeRef) -> Option<String> {
        let TypeRef::Named(name) = ty else {
            return None;
        };
        let Some(TypeDef {
            kind: TypeKind::Struct(s),
            ..
        }) = self.types.get(name)
        else {
            return None;
        };
        let tags: Vec<String> = s
            .fields
            .iter()
            .filter(|f| f.shape() == crate::ir::FieldShape::Plain)
            .filter_map(|f| match &f.ty {
                TypeRef::Named(n) if self.hoisted.contains(n) => Some(n.clone()),
                _ => None,
            })
            .collect();
        let mut first = None;
        for tag in tags {
            if let Some(TypeDef {
                kind: TypeKind::StringEnum(e),
                ..
            }) = self.types.get_mut(&tag)
            {
                if let [only] = e.variants.as_slice() {
                    // An empty catch-all name means a closed enum (see `emit::models`).
                    e.catch_all.clear();
                    first.get_or_insert_with(|| only.wire_value.clone());
                }
            }
        }
        first
    }

    /// A schema this version cannot express: `serde_json::Value`, with a note in the
    /// report (once per pointer) saying where and why.
    fn fallback(&mut self, pointer: &str, what: &str) -> TypeRef {
        if self.fallbacks.insert(pointer.to_owned()) {
            self.report.note(
                Stage::Lower,
                format!(
                    "{pointer}: {what} is not supported by this generator version; the value \
                     is a `serde_json::Value`"
                ),
            );
        }
        TypeRef::Json
    }

    /// An object schema's properties (through `allOf`): (name, schema, required).
    pub(crate) fn property_list<'s>(
        &self,
        schema: &'s Schema,
        pointer: &str,
    ) -> Result<Option<Vec<PropertyInfo<'s>>>>
    where
        'a: 's,
    {
        Ok(self.object_properties(schema, pointer, 0)?.map(|props| {
            props
                .entries
                .iter()
                .map(|(name, at, _)| (*name, *at, props.required.contains(name)))
                .collect()
        }))
    }

    /// Whether a schema is binary content (`format: binary`, or an array of it), as
    /// multipart file parts are.
    pub(crate) fn is_binary(&self, at: SchemaAt<'_>) -> bool {
        let schema = match at {
            SchemaAt::Item(s) => s,
            SchemaAt::Ref(r) => match self.component_schema(r) {
                Some(s) => s,
                None => return false,
            },
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                matches!(
                    s.format,
                    VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
                )
            }
            SchemaKind::Type(Type::Array(a)) => a
                .items
                .as_ref()
                .is_some_and(|i| self.is_binary(SchemaAt::from(i))),
            _ => false,
        }
    }

    /// The variants of a `oneOf`/`anyOf`, named after their types.
    fn lower_union<'s>(
        &mut self,
        owner: &str,
        keyword: &str,
        parts: &'s [ReferenceOr<Schema>],
        pointer: &str,
    ) -> Result<Union>
    where
        'a: 's,
    {
        let mut names = Namespace::new();
        let mut variants = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let part_pointer = pointer_push(&pointer_push(pointer, keyword), &i.to_string());
            // An inline part's `title` names it (Stripe's `range_query_specs`), better
            // than its position.
            let title = match part {
                ReferenceOr::Item(schema) => schema
                    .schema_data
                    .title
                    .as_deref()
                    .map(camel)
                    .filter(|t| !t.is_empty()),
                ReferenceOr::Reference { .. } => None,
            };
            let hint = match &title {
                Some(title) => format!("{owner}{title}"),
                None => format!("{owner}Variant{i}"),
            };
            let ty = self.lower_type(SchemaAt::from(part), &part_pointer, &hint)?;
            if variants.iter().any(|(_, t)| *t == ty) {
                continue;
            }
            // A tagged variant is named after its tag value (`DiskSource::Blank`), a
            // titled inline one after its title.
            let name = match (self.close_tags(&ty), &title, &ty) {
                (Some(tag), _, _) => camel(&tag),
                (None, Some(title), TypeRef::Named(_)) => title.clone(),
                _ => variant_name(&ty),
            };
            variants.push((names.claim(&name), ty));
        }
        Ok(Union { variants })
    }
}

/// The properties of an object schema, flattened through `allOf`: (wire name, schema,
/// pointer), in order, first declaration winning; and the required names.
#[derive(Debug, Clone, Default)]
pub(crate) struct Props<'s> {
    entries: Vec<(&'s str, SchemaAt<'s>, String)>,
    required: Vec<&'s str>,
    /// `additionalProperties` of the schema, else of the first `allOf` part saying it.
    additional: Option<&'s AdditionalProperties>,
}

impl<'s> Props<'s> {
    /// Adds a property unless one of that name is already there (first declaration wins).
    fn push(&mut self, wire: &'s str, at: SchemaAt<'s>, pointer: String) {
        if !self.entries.iter().any(|(w, _, _)| *w == wire) {
            self.entries.push((wire, at, pointer));
        }
    }

    /// Marks a property required (once).
    fn require(&mut self, wire: &'s str) {
        if !self.required.contains(&wire) {
            self.required.push(wire);
        }
    }

    /// Adds an object schema's own properties and required names.
    fn add(
        &mut self,
        properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'s [String],
        pointer: &str,
    ) {
        let base = pointer_push(pointer, "properties");
        for (wire, prop) in properties {
            self.push(wire, SchemaAt::from(prop), pointer_push(&base, wire));
        }
        required.iter().for_each(|r| self.require(r));
    }

    /// Adds another part's properties (an `allOf` part).
    fn merge(&mut self, other: Props<'s>) {
        for (wire, at, pointer) in other.entries {
            self.push(wire, at, pointer);
        }
        self.additional = self.additional.or(other.additional);
        other.required.into_iter().for_each(|r| self.require(r));
    }
}

/// A property: (name, schema, required).
pub(crate) type PropertyInfo<'s> = (&'s str, SchemaAt<'s>, bool);

/// An object schema's own properties, required names and `allOf` parts.
type ObjectParts<'s> = (
    Option<&'s IndexMap<String, ReferenceOr<Box<Schema>>>>,
    &'s [String],
    &'s [ReferenceOr<Schema>],
);

/// Deepest nesting of inline schemas hoisted into named types.
const MAX_HOIST_DEPTH: usize = 64;

/// Deepest `allOf` nesting followed before giving up (a cycle).
const MAX_ALL_OF_DEPTH: usize = 32;

impl<'a> Lowerer<'a> {
    /// The properties of `schema` when it is an object with declared properties, directly
    /// or through `allOf` (every part must then be an object).
    fn object_properties<'s>(
        &self,
        schema: &'s Schema,
        pointer: &str,
        depth: usize,
    ) -> Result<Option<Props<'s>>>
    where
        'a: 's,
    {
        if depth > MAX_ALL_OF_DEPTH {
            return Err(Error::invalid(
                self.file,
                pointer,
                "`allOf` nesting too deep (a reference cycle?)",
            ));
        }
        let (properties, required, all_of): ObjectParts<'s> = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
                (Some(&o.properties), &o.required, &[])
            }
            SchemaKind::AllOf { all_of } if single_ref_all_of(schema).is_none() => {
                (None, &[], all_of)
            }
            SchemaKind::Any(a)
                if (!a.properties.is_empty() || !a.all_of.is_empty())
                    && constraints_only(&a.one_of, &a.properties)
                    && constraints_only(&a.any_of, &a.properties)
                    && single_ref_all_of(schema).is_none() =>
            {
                // A `oneOf`/`anyOf` of constraints only (GitHub's "at least one of these
                // properties is required") does not change the shape: every property it
                // names stays optional.
                (Some(&a.properties), &a.required, &a.all_of)
            }
            _ => return Ok(None),
        };
        let mut props = Props::default();
        for (i, part) in all_of.iter().enumerate() {
            let part_pointer = pointer_push(&pointer_push(pointer, "allOf"), &i.to_string());
            let (part_schema, at) = match part {
                ReferenceOr::Item(s) => (s, part_pointer.clone()),
                ReferenceOr::Reference { reference } => match self.component_schema(reference) {
                    Some(s) => (s, reference.trim_start_matches('#').to_owned()),
                    None => {
                        // A missing schema is an error; a reference cycle is not an object.
                        self.resolve_schema_ref(reference, &part_pointer)?;
                        return Ok(None);
                    }
                },
            };
            match self.object_properties(part_schema, &at, depth + 1)? {
                Some(part_props) => props.merge(part_props),
                None if is_free_form_object(part_schema) => {}
                // Not an object: the schema is not a struct (the caller decides what it is).
                None => return Ok(None),
            }
        }
        if let Some(properties) = properties {
            props.add(properties, required, pointer);
        }
        let own_additional = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.additional_properties.as_ref(),
            SchemaKind::Any(a) => a.additional_properties.as_ref(),
            _ => None,
        };
        if own_additional.is_some() {
            props.additional = own_additional;
        }
        if props.entries.is_empty() && all_of.is_empty() {
            return Ok(None);
        }
        Ok(Some(props))
    }
}

/// The parts of a `oneOf`/`anyOf` schema that has nothing else (no properties).
fn union_parts(schema: &Schema) -> Option<(&'static str, &[ReferenceOr<Schema>])> {
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } if !one_of.is_empty() => Some(("oneOf", one_of)),
        SchemaKind::AnyOf { any_of } if !any_of.is_empty() => Some(("anyOf", any_of)),
        SchemaKind::Any(a) if a.properties.is_empty() && a.all_of.is_empty() => {
            match (a.one_of.is_empty(), a.any_of.is_empty()) {
                (false, true) => Some(("oneOf", &a.one_of)),
                (true, false) => Some(("anyOf", &a.any_of)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A union variant's name, from its type.
fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Bool => "Boolean".to_owned(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => "Integer".to_owned(),
        TypeRef::F32 | TypeRef::F64 => "Number".to_owned(),
        TypeRef::Vec(inner) => format!("{}List", variant_name(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_name(inner)),
        TypeRef::JsonObject => "Object".to_owned(),
        TypeRef::Json => "Value".to_owned(),
        TypeRef::Boxed(inner) => variant_name(inner),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Date => "Date".to_owned(),
        TypeRef::Uuid => "Uuid".to_owned(),
        TypeRef::Base64 => "Bytes".to_owned(),
    }
}

/// `allOf` with exactly one part, a `$ref`, and no properties of its own.
fn single_ref_all_of(schema: &Schema) -> Option<&str> {
    let parts = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(a)
            if a.properties.is_empty() && a.one_of.is_empty() && a.any_of.is_empty() =>
        {
            &a.all_of
        }
        _ => return None,
    };
    match parts.as_slice() {
        [ReferenceOr::Reference { reference }] => Some(reference),
        _ => None,
    }
}

/// Whether every part of a `oneOf`/`anyOf` beside `properties` only constrains them: an
/// inline schema with no type other than `object`, no combinators of its own, and no
/// properties but ones already declared (`{required: [name]}`, `{properties: {status:
/// {enum: [completed]}}}`).
fn constraints_only(
    parts: &[ReferenceOr<Schema>],
    properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
) -> bool {
    parts.iter().all(|part| match part {
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Any(a),
            ..
        }) => {
            a.typ.as_deref().is_none_or(|t| t == "object")
                && a.one_of.is_empty()
                && a.any_of.is_empty()
                && a.all_of.is_empty()
                && a.not.is_none()
                && a.properties.keys().all(|k| properties.contains_key(k))
        }
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::Object(o)),
            ..
        }) => o.properties.keys().all(|k| properties.contains_key(k)),
        _ => false,
    })
}

/// `allOf` whose parts are all empty (`{}`, or only a description) but one, with no
/// properties, `oneOf` or `anyOf` beside it: (index, the part).
fn single_part_all_of(schema: &Schema) -> Option<(usize, &ReferenceOr<Schema>)> {
    let parts = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(a)
            if a.properties.is_empty() && a.one_of.is_empty() && a.any_of.is_empty() =>
        {
            &a.all_of
        }
        _ => return None,
    };
    let mut meaningful = parts.iter().enumerate().filter(|(_, p)| match p {
        ReferenceOr::Reference { .. } => true,
        ReferenceOr::Item(s) => !is_empty_schema(s),
    });
    let first = meaningful.next()?;
    meaningful.next().is_none().then_some(first)
}

/// A schema with no keyword that shapes a value (`{}`, or only docs).
fn is_empty_schema(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(a) => *a == openapiv3::AnySchema::default(),
        _ => false,
    }
}

/// The Rust integer for an integer `format` openapiv3 does not know: `i32` for the small
/// formats, `u32`/`u64` for the unsigned ones (a `uint64` above `i64::MAX` must decode),
/// else `i64` (an unknown format is never an error).
fn integer_format(format: &str) -> TypeRef {
    match format {
        "int8" | "int16" | "uint8" | "uint16" => TypeRef::I32,
        "uint32" => TypeRef::U32,
        "uint64" | "uint" => TypeRef::U64,
        _ => TypeRef::I64,
    }
}

/// `type: object` (or no type) with no properties: contributes nothing to an `allOf`.
fn is_free_form_object(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.properties.is_empty(),
        SchemaKind::Any(a) => {
            a.properties.is_empty()
                && a.all_of.is_empty()
                && a.one_of.is_empty()
                && a.any_of.is_empty()
        }
        _ => false,
    }
}

/// The values of a string enum: `type: string` with `enum`, or a `oneOf`/`anyOf` whose
/// parts are all inline string enums (Dropshot documents each value of an enum that way).
fn string_enum_values(schema: &Schema) -> Option<Vec<String>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
            // `enum: [null]` (Dropshot's unit type) has no string values: not an enum.
            (!values.is_empty()).then_some(values)
        }
        _ => {
            let (_, parts) = union_parts(schema)?;
            let mut values = Vec::new();
            for part in parts {
                match part {
                    ReferenceOr::Item(Schema {
                        schema_kind: SchemaKind::Type(Type::String(s)),
                        ..
                    }) if !s.enumeration.is_empty() => {
                        values.extend(s.enumeration.iter().flatten().cloned());
                    }
                    _ => return None,
                }
            }
            Some(values)
        }
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
            rust_name: names.claim(&camel(&spelled_symbols(v))),
            wire_value: v.clone(),
        })
        .collect();
    StringEnum {
        variants,
        catch_all: catch_all.to_owned(),
    }
}

/// An enum value made only of symbols, spelled in words so its variant says what it is
/// (`>=` → `Ge`, `!=` → `NotEquals`, `+` → `Plus`) instead of `Empty2`; other values as they
/// are. The empty string stays empty (its variant is `Empty`).
fn spelled_symbols(value: &str) -> std::borrow::Cow<'_, str> {
    if value.is_empty() || value.chars().any(char::is_alphanumeric) {
        return value.into();
    }
    let whole = match value {
        "=" | "==" | "===" => Some("equals"),
        "!=" | "<>" | "!==" => Some("not equals"),
        ">" => Some("gt"),
        ">=" => Some("ge"),
        "<" => Some("lt"),
        "<=" => Some("le"),
        "=~" => Some("matches"),
        "!~" => Some("not matches"),
        _ => None,
    };
    if let Some(words) = whole {
        return words.into();
    }
    let words: Vec<&str> = value
        .chars()
        .map(|c| match c {
            '=' => "equals",
            '!' => "bang",
            '<' => "less",
            '>' => "greater",
            '+' => "plus",
            '-' => "minus",
            '*' => "star",
            '/' => "slash",
            '\\' => "backslash",
            '%' => "percent",
            '&' => "and",
            '|' => "pipe",
            '^' => "caret",
            '~' => "tilde",
            '?' => "question",
            '.' => "dot",
            ',' => "comma",
            ':' => "colon",
            ';' => "semicolon",
            '#' => "hash",
            '@' => "at",
            '$' => "dollar",
            '_' => "underscore",
            ' ' => "space",
            '(' | ')' => "paren",
            '[' | ']' => "bracket",
            '{' | '}' => "brace",
            '\'' | '"' | '`' => "quote",
            _ => "symbol",
        })
        .collect();
    words.join(" ").into()
}

/// The Rust type of a string `format` openapiv3 does not name: `uuid` is typed; every
/// other format (`uri`, `email`, `ipv4`, …, or one never heard of) stays a `String`, since
/// vendors put relative URIs, CIDRs and host names in such fields and a stricter type
/// would refuse their answers.
fn string_format(format: &str) -> TypeRef {
    match format {
        "uuid" => TypeRef::Uuid,
        "date-time" => TypeRef::DateTime,
        "date" => TypeRef::Date,
        "byte" => TypeRef::Base64,
        _ => TypeRef::String,
    }
}

/// What a property's schema says about the field holding it.
#[derive(Debug, Default)]
struct FieldFacts<'s> {
    docs: Option<String>,
    nullable: bool,
    read_only: bool,
    write_only: bool,
    deprecated: bool,
    default: Option<&'s serde_json::Value>,
}

impl<'s> FieldFacts<'s> {
    /// Facts of the property's own schema (`inline`), or of the schema it references
    /// (then the docs and constraints stay with the type; a referenced schema that is
    /// `nullable` makes the field nullable, since the type itself cannot hold `null`).
    fn of(schema: &'s Schema, inline: bool) -> Self {
        let data = &schema.schema_data;
        let mut docs = inline
            .then(|| data.description.clone().or_else(|| data.title.clone()))
            .flatten();
        if inline {
            if let Some(constraints) = constraints_text(schema) {
                let text = docs.get_or_insert_with(String::new);
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(&constraints);
            }
        }
        Self {
            docs,
            nullable: data.nullable,
            read_only: data.read_only,
            write_only: data.write_only,
            deprecated: data.deprecated,
            default: data.default.as_ref(),
        }
    }
}

/// The value constraints of a schema, as a sentence for the field's docs (not checked
/// by the client: the server is the judge, and a client refusing what a newer server
/// accepts would be worse than sending it).
fn constraints_text(schema: &Schema) -> Option<String> {
    let mut parts = Vec::new();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            if let Some(min) = s.min_length {
                parts.push(format!("at least {min} characters"));
            }
            if let Some(max) = s.max_length {
                parts.push(format!("at most {max} characters"));
            }
            if let Some(pattern) = &s.pattern {
                parts.push(format!("matches `{}`", pattern.replace('`', "'")));
            }
        }
        SchemaKind::Type(Type::Integer(i)) => {
            let op = |exclusive: bool, inclusive: &'static str, strict: &'static str| {
                if exclusive { strict } else { inclusive }
            };
            if let Some(min) = i.minimum {
                parts.push(format!("{} {min}", op(i.exclusive_minimum, "≥", ">")));
            }
            if let Some(max) = i.maximum {
                parts.push(format!("{} {max}", op(i.exclusive_maximum, "≤", "<")));
            }
        }
        SchemaKind::Type(Type::Number(n)) => {
            if let Some(min) = n.minimum {
                parts.push(format!(
                    "{} {min}",
                    if n.exclusive_minimum { ">" } else { "≥" }
                ));
            }
            if let Some(max) = n.maximum {
                parts.push(format!(
                    "{} {max}",
                    if n.exclusive_maximum { "<" } else { "≤" }
                ));
            }
        }
        SchemaKind::Type(Type::Array(a)) => {
            if let Some(min) = a.min_items {
                parts.push(format!("at least {min} items"));
            }
            if let Some(max) = a.max_items {
                parts.push(format!("at most {max} items"));
            }
        }
        _ => {}
    }
    (!parts.is_empty())
        .then(|| format!("Constraints (checked by the server): {}.", parts.join(", ")))
}

/// The values of an integer enum (`type: integer` with `enum`).
fn int_enum_values(schema: &Schema) -> Option<Vec<i64>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => {
            let values: Vec<i64> = i.enumeration.iter().flatten().copied().collect();
            (!values.is_empty()).then_some(values)
        }
        _ => None,
    }
}

/// Variant names of an integer enum: from `x-enum-varnames` (or `x-enumNames`) when it
/// names every value, else `V{value}` (`VMinus1` for -1).
fn int_enum_variants(values: &[i64], schema: &Schema) -> IntEnum {
    let named: Option<Vec<String>> = ["x-enum-varnames", "x-enumNames"]
        .iter()
        .find_map(|key| schema.schema_data.extensions.get(*key))
        .and_then(|names| names.as_array())
        .filter(|names| names.len() == values.len())
        .and_then(|names| names.iter().map(|n| n.as_str().map(camel)).collect());
    let mut names = Namespace::with_reserved(["Unknown"]);
    let mut seen = std::collections::BTreeSet::new();
    let variants = values
        .iter()
        .enumerate()
        .filter(|(_, v)| seen.insert(**v))
        .map(|(i, v)| {
            let name = match &named {
                Some(given) => given[i].clone(),
                None if *v < 0 => format!("VMinus{}", v.unsigned_abs()),
                None => format!("V{v}"),
            };
            (names.claim(&name), *v)
        })
        .collect();
    IntEnum {
        variants,
        catch_all: "Unknown".to_owned(),
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
        if field.shape() == crate::ir::FieldShape::Nullable {
            return Err(format!(
                "`{name}.{token}` is optional and nullable; pagination can't follow it yet"
            ));
        }
        steps.push((field.rust_name.clone(), field.is_option()));
        current = field.ty.clone();
    }
    if current != TypeRef::String {
        return Err("the pointer does not end at a string".to_owned());
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_values_get_names_that_say_what_they_are() {
        let values: Vec<String> = ["=", "!=", ">=", "<", "", "+", "a-b", "**"]
            .iter()
            .map(|v| (*v).to_owned())
            .collect();
        let names: Vec<String> = enum_variants(&values)
            .variants
            .into_iter()
            .map(|v| v.rust_name)
            .collect();
        assert_eq!(
            names,
            [
                "Equals",
                "NotEquals",
                "Ge",
                "Lt",
                "Empty",
                "Plus",
                "AB",
                "StarStar"
            ]
        );
    }
}
