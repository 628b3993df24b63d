//! Emits `src/models.rs`: one Rust type per IR type. Structs tolerate unknown fields
//! (never `deny_unknown_fields`), skip absent optionals when serializing, and never send
//! read-only fields. String enums keep values added by the vendor later in `Unknown`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use super::features::{FeatureMap, cfg_attr};
use crate::ident::unraw;
use crate::ir::{
    Additional, Api, Field, FieldShape, IntEnum, Operation, StringEnum, Struct, Tagged, TypeDef,
    TypeKind, TypeRef, Union, writes_as_text,
};
use crate::settings::Settings;

/// An identifier token, raw when needed (`r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Tokens for a type; named types are written `#prefix Name` (`crate::models::` outside
/// the models module).
pub fn type_tokens(ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(n) => {
            let n = ident(n);
            quote! { #prefix #n }
        }
        TypeRef::String => quote! { String },
        TypeRef::Bool => quote! { bool },
        TypeRef::I32 => quote! { i32 },
        TypeRef::I64 => quote! { i64 },
        TypeRef::U32 => quote! { u32 },
        TypeRef::U64 => quote! { u64 },
        TypeRef::F32 => quote! { f32 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::DateTime => quote! { cloudgen_runtime::DateTime },
        TypeRef::Date => quote! { cloudgen_runtime::Date },
        TypeRef::Uuid => quote! { cloudgen_runtime::Uuid },
        TypeRef::Base64 => quote! { cloudgen_runtime::Base64 },
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, prefix);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, prefix);
            quote! { std::collections::BTreeMap<String, #inner> }
        }
        TypeRef::JsonObject => quote! { serde_json::Map<String, serde_json::Value> },
        TypeRef::Json => quote! { serde_json::Value },
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner, prefix);
            quote! { Box<#inner> }
        }
    }
}

/// Names a module of the models may not take: the crates and the standard library its
/// code names by path (`serde::Serialize`), which a module of that name would shadow.
const MODELS_RESERVED: &[&str] = &[
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "cloudgen_runtime",
];

/// Why a group file may not use its import of the other models.
const UNUSED_IMPORT_REASON: &str = "not every feature compiles a type that uses it";

/// One file of model types: `src/models.rs`, or `src/models/<group>.rs` for the types only
/// one group's features compile (see `split_models_above_types`).
#[derive(Debug)]
pub struct ModelsFile<'a> {
    /// The file's module in `models` and the features that compile it; `None` for the
    /// root file.
    group: Option<Group>,
    /// The group files the root file declares (empty in group files).
    groups: Vec<Group>,
    /// The file's types, in name order.
    types: Vec<&'a TypeDef>,
    /// Whether a group file's types name types outside it (it then imports the models).
    imports: bool,
}

/// A group file: the group, its module in `models`, and the features compiling it.
#[derive(Debug, Clone)]
struct Group {
    /// The group's feature (`spectroclusters`).
    name: String,
    /// The file's name without `.rs`: the module's name, unraw.
    file: String,
    /// The module's identifier (raw when needed: `r#type`).
    module: String,
    features: BTreeSet<String>,
}

/// Some types of one models file, printed by one job; the file's first chunk also carries
/// what comes before its types.
#[derive(Debug)]
pub struct Chunk<'a> {
    group: Option<Group>,
    /// The root's group declarations, or a group file's import: only in the first chunk.
    preamble: Option<(Vec<Group>, bool)>,
    /// The chunk's types.
    pub types: Vec<&'a TypeDef>,
}

impl<'a> ModelsFile<'a> {
    /// The file in parts of at most `per_chunk` types (one part when it has none).
    pub fn chunks(self, per_chunk: usize) -> Vec<Chunk<'a>> {
        let mut parts: Vec<Vec<&TypeDef>> = self
            .types
            .chunks(per_chunk.max(1))
            .map(<[_]>::to_vec)
            .collect();
        if parts.is_empty() {
            parts.push(Vec::new());
        }
        let mut preamble = Some((self.groups, self.imports));
        parts
            .into_iter()
            .map(|types| Chunk {
                group: self.group.clone(),
                preamble: preamble.take(),
                types,
            })
            .collect()
    }
}

impl Chunk<'_> {
    /// The file the chunk belongs to, relative to the crate root.
    pub fn path(&self) -> String {
        match &self.group {
            None => "src/models.rs".to_owned(),
            Some(group) => format!("src/models/{}.rs", group.file),
        }
    }
}

/// Spreads the model types over files: all in `src/models.rs` for a crate with at most
/// `split_models_above_types` types; otherwise each type that only one group's features
/// compile goes to that group's file, which the root declares under the group's gate, so
/// that a build without the group does not even read it.
pub fn files<'a>(
    api: &'a Api,
    settings: &Settings,
    features: &FeatureMap,
    modules: &BTreeMap<&'a str, Vec<&'a Operation>>,
) -> Vec<ModelsFile<'a>> {
    let mut root = ModelsFile {
        group: None,
        groups: Vec::new(),
        types: Vec::new(),
        imports: false,
    };
    if api.types.len() <= settings.operations.split_models_above_types {
        root.types = api.types.values().collect();
        return vec![root];
    }
    let homes = features.homes();
    let mut by_group: BTreeMap<&str, Vec<&TypeDef>> = BTreeMap::new();
    for def in api.types.values() {
        match homes.get(def.name.as_str()) {
            Some(group) => by_group.entry(group).or_default().push(def),
            None => root.types.push(def),
        }
    }
    let mut files = Vec::new();
    for module in modules.keys() {
        let feature = super::features::feature_of(module);
        let Some(types) = by_group.remove(feature.as_str()) else {
            continue;
        };
        let (file, module_ident) = match MODELS_RESERVED.contains(&unraw(module)) {
            true => (format!("{feature}_group"), format!("{feature}_group")),
            false => (unraw(module).to_owned(), (*module).to_owned()),
        };
        // Exactly the features compiling one of its types: the file is read only when
        // something in it is compiled, so its re-export is never empty (and unused).
        let gate = types
            .iter()
            .filter_map(|def| features.types.get(&def.name))
            .flatten()
            .cloned()
            .collect();
        let group = Group {
            name: feature,
            file,
            module: module_ident,
            features: gate,
        };
        let inside: BTreeSet<&str> = types.iter().map(|def| def.name.as_str()).collect();
        let imports = types
            .iter()
            .flat_map(|def| def.children())
            .any(|child| !inside.contains(child));
        root.groups.push(group.clone());
        files.push(ModelsFile {
            group: Some(group),
            groups: Vec::new(),
            types,
            imports,
        });
    }
    // A type whose group has no module (none should) stays in the root file.
    root.types.extend(by_group.into_values().flatten());
    root.types.sort_by(|a, b| a.name.cmp(&b.name));
    files.insert(0, root);
    files
}

/// A chunk of a models file: its types, each item under the type's feature gate, after
/// the file's docs and declarations when it is the file's first chunk. Printed chunks
/// joined in order equal the whole file printed at once, so big files are spread over
/// threads.
pub fn emit_chunk(api: &Api, features: &FeatureMap, chunk: &Chunk<'_>) -> TokenStream {
    let items = chunk.types.iter().map(|def| {
        let cfg = cfg_attr(features.types.get(&def.name));
        let items = emit_type(api, def);
        // Every item of the type (its impls too) carries the type's cfg.
        quote! { #( #cfg #items )* }
    });
    let preamble = chunk
        .preamble
        .as_ref()
        .map(|(groups, imports)| match &chunk.group {
            None => {
                let declarations = groups.iter().map(|group| {
                    let cfg = cfg_attr(Some(&group.features));
                    let module = ident(&group.module);
                    quote! {
                        #cfg
                        mod #module;
                        #cfg
                        pub use #module::*;
                    }
                });
                quote! {
                    //! Data types of the API: one per schema of the document, plus the inline objects
                    //! and enums it declares in place, named after where they sit.
                    #( #declarations )*
                }
            }
            Some(group) => {
                let doc = format!(
                    " Model types only the `{}` operations reach; `models` re-exports them.",
                    group.name
                );
                // A build with one part of the group may compile none of the types that
                // name other models.
                let import = imports.then(|| {
                    quote! {
                        #[allow(unused_imports, reason = #UNUSED_IMPORT_REASON)]
                        use super::*;
                    }
                });
                quote! {
                    #![doc = #doc]
                    #import
                }
            }
        });
    quote! {
        #preamble
        #( #items )*
    }
}

fn emit_type(api: &Api, def: &TypeDef) -> Vec<TokenStream> {
    let mut doc_lines = def.docs.as_deref().map(docs::clean).unwrap_or_default();
    if !doc_lines.is_empty() {
        doc_lines.push(String::new());
    }
    doc_lines.push(format!("Schema `{}`.", def.origin.replace('`', "'")));
    let doc = docs::attrs(&doc_lines);
    let deprecated = def.deprecated.then(|| quote! { #[deprecated] });
    let eq = api.eq_types.contains(&def.name);
    let mut items = match &def.kind {
        TypeKind::Struct(s) => emit_struct(api, &def.name, s, eq),
        TypeKind::StringEnum(e) => emit_enum(&def.name, e),
        TypeKind::IntEnum(e) => emit_int_enum(&def.name, e),
        TypeKind::Union(u) => emit_union(api, &def.name, u, eq),
        TypeKind::Tagged(t) => emit_tagged(&def.name, t, eq),
        TypeKind::Alias(ty) => {
            let name = ident(&def.name);
            let ty = type_tokens(ty, &TokenStream::new());
            vec![quote! { pub type #name = #ty; }]
        }
    };
    if let Some(first) = items.first_mut() {
        *first = quote! { #doc #deprecated #first };
    }
    items
}

/// The struct, its `Serialize` and `Deserialize` impls, its constructor and its default
/// accessors, as separate items: each gets the type's feature gate.
fn emit_struct(api: &Api, name: &str, s: &Struct, eq: bool) -> Vec<TokenStream> {
    let deserialize = emit_struct_deserialize(name, s);
    let ty = ident(name);
    let defaultable = s.fields.iter().all(Field::may_be_missing);
    let derive_default = defaultable.then(|| quote! { Default, });
    let derive_eq = eq.then(|| quote! { Eq, });
    let fields = s.fields.iter().map(|f| emit_field(s, f));
    let additional = additional_field(&s.additional);
    let definition = quote! {
        #[derive(Debug, Clone, PartialEq, #derive_eq #derive_default)]
        pub struct #ty {
            #( #fields )*
            #additional
        }
    };
    let mut items = vec![definition, emit_struct_serialize(name, s)];
    items.extend(deserialize);
    if !defaultable {
        items.push(constructor(name, s));
    }
    if let Some(accessors) = default_accessors(api, name, s) {
        items.push(accessors);
    }
    items
}

/// Whether the Rust type of `ty` is `Copy` (numbers, booleans, integer enums and closed
/// string enums, and aliases of them), so that an accessor neither clones it nor defers
/// its default to a closure (clippy's `clone_on_copy`, `unnecessary_lazy_evaluations`).
fn is_copy(api: &Api, ty: &TypeRef) -> bool {
    let mut ty = ty;
    // Aliases of aliases, with a bound in case a document makes a cycle of them.
    for _ in 0..16 {
        match ty {
            TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U32
            | TypeRef::U64
            | TypeRef::F32
            | TypeRef::F64 => return true,
            TypeRef::Named(n) => match api.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::IntEnum(_)) => return true,
                Some(TypeKind::StringEnum(e)) => return e.catch_all.is_empty(),
                Some(TypeKind::Alias(inner)) => ty = inner,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

/// The name of a field's `{field}_or_default()` accessor: `self_` (an escaped keyword)
/// gives `self_or_default`, not `self__or_default`, unless that would be another
/// field's accessor.
fn default_accessor(s: &Struct, f: &Field) -> String {
    let plain = unraw(&f.rust_name);
    let trimmed = plain.trim_end_matches('_');
    let base = if trimmed.is_empty() || s.fields.iter().any(|g| unraw(&g.rust_name) == trimmed) {
        plain
    } else {
        trimmed
    };
    format!("{base}_or_default")
}

/// `{field}_or_default()` for each optional field with a document default: the value,
/// or the default the server applies when the property is absent.
fn default_accessors(api: &Api, name: &str, s: &Struct) -> Option<TokenStream> {
    let methods: Vec<TokenStream> = s
        .fields
        .iter()
        .filter(|f| f.shape() == FieldShape::Option && !f.boxed)
        .filter_map(|f| {
            let value = f.default.as_ref()?;
            let field = ident(&f.rust_name);
            let method = format_ident!("{}", default_accessor(s, f));
            let literal = default_literal(api, &f.ty, value);
            let doc = format!(
                " `{}`, or the document's default `{}` when absent.",
                f.wire_name.replace('`', "'"),
                value.to_string().replace('`', "'")
            );
            Some(match (&f.ty, value) {
                (TypeRef::String, serde_json::Value::String(text)) => quote! {
                    #[doc = #doc]
                    pub fn #method(&self) -> &str {
                        self.#field.as_deref().unwrap_or(#text)
                    }
                },
                (TypeRef::Named(_), _) if !is_copy(api, &f.ty) => {
                    let ty = type_tokens(&f.ty, &TokenStream::new());
                    quote! {
                        #[doc = #doc]
                        pub fn #method(&self) -> #ty {
                            self.#field.clone().unwrap_or_else(|| #literal)
                        }
                    }
                }
                _ => {
                    let ty = type_tokens(&f.ty, &TokenStream::new());
                    quote! {
                        #[doc = #doc]
                        pub fn #method(&self) -> #ty {
                            self.#field.unwrap_or(#literal)
                        }
                    }
                }
            })
        })
        .collect();
    if methods.is_empty() {
        return None;
    }
    let ty = ident(name);
    Some(quote! {
        impl #ty {
            #( #methods )*
        }
    })
}

/// `new(required…)`: the required properties as arguments, every other field absent, so a
/// caller never spells out the optional ones.
fn constructor(name: &str, s: &Struct) -> TokenStream {
    let ty = ident(name);
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.shape() == FieldShape::Plain)
        .collect();
    let args = required.iter().map(|f| {
        let arg = ident(&f.rust_name);
        let inner = type_tokens(&f.ty, &TokenStream::new());
        let ty = if f.boxed {
            quote! { Box<#inner> }
        } else {
            inner
        };
        quote! { #arg: #ty }
    });
    let inits = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        match f.shape() {
            FieldShape::Plain => quote! { #field, },
            _ => quote! { #field: Default::default(), },
        }
    });
    let rest = additional_name(&s.additional).map(|n| {
        let n = ident(n);
        quote! { #n: Default::default(), }
    });
    let allow = (required.len() > 7).then(|| {
        quote! { #[allow(clippy::too_many_arguments, reason = "one argument per required property")] }
    });
    quote! {
        impl #ty {
            /// A value with the required properties given and every other one absent.
            #allow
            #[inline]
            pub fn new( #( #args ),* ) -> Self {
                Self { #( #inits )* #rest }
            }
        }
    }
}

/// The Rust name of the map field holding extra properties, if any.
fn additional_name(additional: &Additional) -> Option<&str> {
    match additional {
        Additional::Typed(name, _) | Additional::Preserved(name) => Some(name),
        Additional::Unspecified | Additional::Forbidden => None,
    }
}

/// The flattened map field of a struct that keeps extra properties.
fn additional_field(additional: &Additional) -> Option<TokenStream> {
    let (name, ty, doc) = match additional {
        Additional::Typed(name, ty) => (
            name,
            type_tokens(ty, &TokenStream::new()),
            " Properties beyond the declared ones (`additionalProperties`), by name.",
        ),
        Additional::Preserved(name) => (
            name,
            quote! { serde_json::Value },
            " Properties this version of the client does not know, kept as received so that \
             sending the value back (read, modify, write) loses nothing.",
        ),
        Additional::Unspecified | Additional::Forbidden => return None,
    };
    let name = ident(name);
    let map = match additional {
        Additional::Preserved(_) => quote! { serde_json::Map<String, #ty> },
        _ => quote! { std::collections::BTreeMap<String, #ty> },
    };
    Some(quote! {
        #[doc = #doc]
        pub #name: #map,
    })
}

/// A Rust expression of type `ty` for a document `default` (checked to fit when lowered).
fn default_literal(api: &Api, ty: &TypeRef, value: &serde_json::Value) -> TokenStream {
    use serde_json::Value;
    match (ty, value) {
        (TypeRef::Named(n), _) => match api.types.get(n).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) => default_literal(api, inner, value),
            Some(TypeKind::IntEnum(_)) => {
                let v = value.as_i64().unwrap_or_default();
                let n = ident(n);
                quote! { crate::models::#n::from(#v) }
            }
            _ => {
                let text = value.as_str().unwrap_or_default();
                let n = ident(n);
                quote! { crate::models::#n::from(#text) }
            }
        },
        (_, Value::String(text)) => quote! { #text.to_owned() },
        (_, Value::Bool(b)) => quote! { #b },
        (TypeRef::F32 | TypeRef::F64, Value::Number(n)) => {
            let v = proc_macro2::Literal::f64_unsuffixed(n.as_f64().unwrap_or_default());
            quote! { #v }
        }
        (TypeRef::U32 | TypeRef::U64, Value::Number(n)) => {
            let v = proc_macro2::Literal::u64_unsuffixed(n.as_u64().unwrap_or_default());
            quote! { #v }
        }
        (_, Value::Number(n)) => {
            let v = proc_macro2::Literal::i64_unsuffixed(n.as_i64().unwrap_or_default());
            quote! { #v }
        }
        _ => quote! { Default::default() },
    }
}

/// `Deserialize` for a struct, written out rather than derived: the object's keys are
/// matched as strings (`rt::FieldKey`), unknown keys are skipped (or kept, for a struct
/// with a map of extra properties), `Option` and `Nullable` fields may be missing, and a
/// missing required field is serde's "missing field" error. The derive would add a
/// field-identifier enum with its own visitor and a sequence visitor JSON never uses:
/// about twice the code for the compiler to check, per type. Each arm stores its value
/// with `rt::read` and the loop applies one `?` to the match, not one per field (see
/// `rt::read` for why).
fn emit_struct_deserialize(name: &str, s: &Struct) -> Vec<TokenStream> {
    let ty = ident(name);
    let expecting = format!("an object `{name}`");
    let vars: Vec<_> = (0..s.fields.len()).map(|i| format_ident!("f{i}")).collect();
    let lets = s.fields.iter().zip(&vars).map(|(f, var)| match f.shape() {
        FieldShape::Nullable => quote! { let mut #var = rt::Nullable::Absent; },
        _ => quote! { let mut #var = None; },
    });
    let arms = s.fields.iter().zip(&vars).map(|(f, var)| {
        let wire = f.wire_name.as_str();
        match f.shape() {
            FieldShape::Plain => quote! { #wire => rt::read_required(&mut map, &mut #var), },
            FieldShape::Option | FieldShape::Nullable => {
                quote! { #wire => rt::read(&mut map, &mut #var), }
            }
        }
    });
    let inits = s.fields.iter().zip(&vars).map(|(f, var)| {
        let field = ident(&f.rust_name);
        let wire = f.wire_name.as_str();
        match f.shape() {
            FieldShape::Plain => quote! { #field: rt::required(#var, #wire)?, },
            _ => quote! { #field: #var, },
        }
    });
    let rest = additional_name(&s.additional).map(ident);
    let (rest_let, unknown_arm, rest_init) = match &rest {
        Some(rest) => (
            match &s.additional {
                Additional::Preserved(_) => quote! { let mut #rest = serde_json::Map::new(); },
                _ => quote! { let mut #rest = std::collections::BTreeMap::new(); },
            },
            quote! {
                other => map.next_value().map(|value| {
                    #rest.insert(other.to_owned(), value);
                }),
            },
            quote! { #rest, },
        ),
        None => (
            TokenStream::new(),
            quote! { _ => rt::skip_value(&mut map), },
            TokenStream::new(),
        ),
    };
    let body = if s.fields.is_empty() && rest.is_none() {
        quote! {
            while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
            Ok(crate::models::#ty {})
        }
    } else {
        quote! {
            #( #lets )*
            #rest_let
            while let Some(key) = map.next_key::<rt::FieldKey<'de>>()? {
                match key.as_str() {
                    #( #arms )*
                    #unknown_arm
                }?;
            }
            Ok(crate::models::#ty { #( #inits )* #rest_init })
        }
    };
    vec![
        quote! {
            impl<'de> serde::Deserialize<'de> for #ty {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    cloudgen_runtime::codegen::object(deserializer)
                }
            }
        },
        quote! {
            impl<'de> cloudgen_runtime::codegen::DecodeObject<'de> for #ty {
                const EXPECTING: &'static str = #expecting;

                fn visit_map<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                    use cloudgen_runtime::codegen as rt;
                    #body
                }
            }
        },
    ]
}

/// `Serialize` for a struct, written out rather than derived: one chained
/// `rt::Object` call per property in declaration order, so an absent `Option` or
/// `Nullable` property is left out, a required nullable one is written as `null`, a
/// read-only one is never sent, and a map of extra properties is written beside the
/// declared ones. The derive's per-field length term, branch and `?` are several times
/// the code for the compiler to check, for the same JSON.
fn emit_struct_serialize(name: &str, s: &Struct) -> TokenStream {
    let ty = ident(name);
    let calls = s.fields.iter().filter(|f| !f.read_only).map(|f| {
        let field = ident(&f.rust_name);
        let wire = f.wire_name.as_str();
        let method = match f.shape() {
            FieldShape::Option if !f.required || f.write_only => quote! { optional },
            FieldShape::Nullable => quote! { nullable },
            FieldShape::Plain | FieldShape::Option => quote! { field },
        };
        quote! { .#method(#wire, &self.#field) }
    });
    let rest = additional_name(&s.additional).map(|rest| {
        let rest = ident(rest);
        quote! { .entries(&self.#rest) }
    });
    quote! {
        impl serde::Serialize for #ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                cloudgen_runtime::codegen::Object::begin(serializer)
                    #( #calls )*
                    #rest
                    .end()
            }
        }
    }
}

fn emit_field(s: &Struct, f: &Field) -> TokenStream {
    let name = ident(&f.rust_name);
    let inner = type_tokens(&f.ty, &TokenStream::new());
    let inner = if f.boxed {
        quote! { Box<#inner> }
    } else {
        inner
    };
    let shape = f.shape();
    let ty = match shape {
        FieldShape::Plain => inner,
        FieldShape::Option => quote! { Option<#inner> },
        FieldShape::Nullable => quote! { cloudgen_runtime::Nullable<#inner> },
    };
    let mut doc_lines = f.docs.as_deref().map(docs::clean).unwrap_or_default();
    let mut notes = Vec::new();
    if f.read_only {
        notes.push("Read-only: set by the server and never sent in requests.".to_owned());
    }
    if f.write_only {
        notes.push("Write-only: sent in requests, never in the server's answers.".to_owned());
    }
    if shape == FieldShape::Nullable {
        notes.push(
            "Absent, `null` or a value: `Absent` leaves the server's value as it is, `Null` \
             clears it."
                .to_owned(),
        );
    }
    if let (FieldShape::Option, Some(value)) = (shape, &f.default) {
        notes.push(format!(
            "Default: `{}` when absent (the server's; read it with `{}()`).",
            value.to_string().replace('`', "'"),
            default_accessor(s, f)
        ));
    }
    for note in notes {
        if !doc_lines.is_empty() {
            doc_lines.push(String::new());
        }
        doc_lines.push(note);
    }
    let doc = docs::attrs(&doc_lines);
    let deprecated = f.deprecated.then(|| quote! { #[deprecated] });
    quote! {
        #doc
        #deprecated
        pub #name: #ty,
    }
}

/// A `oneOf`/`anyOf` with a `discriminator`: one variant per mapped schema, chosen by the
/// tag property when decoding (no trying in turn, so an object that would fit several
/// variants still lands in the right one), and a catch-all keeping objects with a tag
/// this version does not know.
fn emit_tagged(name: &str, t: &Tagged, eq: bool) -> Vec<TokenStream> {
    let ty = ident(name);
    let property = t.property.as_str();
    let catch_all = format_ident!("{}", t.catch_all);
    let derive_eq = eq.then(|| quote! { Eq, });
    let variants = t.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let inner = type_tokens(&v.ty, &TokenStream::new());
        let tags: Vec<String> = v
            .tags
            .iter()
            .map(|tag| format!("`{property}: {}`", tag.replace('`', "'")))
            .collect();
        let doc = format!(" {}", tags.join(" or "));
        quote! { #[doc = #doc] #variant(#inner), }
    });
    let catch_all_doc = format!(
        " An object whose `{property}` this version of the client does not know, kept whole."
    );
    let serialize_arms = t.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        if v.has_property {
            quote! { Self::#variant(value) => serde::Serialize::serialize(value, serializer), }
        } else {
            let tag = v.tags.first().map(String::as_str).unwrap_or_default();
            quote! {
                Self::#variant(value) => {
                    cloudgen_runtime::codegen::serialize_tagged(serializer, #property, #tag, value)
                }
            }
        }
    });
    let deserialize_arms = t.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.rust_name);
        let tags = &v.tags;
        quote! { #( #tags )|* => rt::variant(value, &tag).map(Self::#variant), }
    });
    vec![
        quote! {
            #[derive(Debug, Clone, PartialEq, #derive_eq)]
            #[allow(clippy::large_enum_variant)]
            pub enum #ty {
                #( #variants )*
                #[doc = #catch_all_doc]
                #catch_all(serde_json::Value),
            }
        },
        quote! {
            impl serde::Serialize for #ty {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #( #serialize_arms )*
                        Self::#catch_all(value) => serde::Serialize::serialize(value, serializer),
                    }
                }
            }
        },
        quote! {
            impl<'de> serde::Deserialize<'de> for #ty {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    use cloudgen_runtime::codegen as rt;
                    let (tag, value) = rt::discriminated(deserializer, #property)?;
                    match tag.as_str() {
                        #( #deserialize_arms )*
                        _ => Ok(Self::#catch_all(value)),
                    }
                }
            }
        },
    ]
}

/// An integer enum: a variant per value and a catch-all for values added later.
fn emit_int_enum(name: &str, e: &IntEnum) -> Vec<TokenStream> {
    let ty = ident(name);
    let variants: Vec<Ident> = e
        .variants
        .iter()
        .map(|(v, _)| format_ident!("{}", v))
        .collect();
    let values: Vec<i64> = e.variants.iter().map(|(_, v)| *v).collect();
    let docs = values.iter().map(|v| format!(" `{v}`"));
    let catch_all = format_ident!("{}", e.catch_all);
    vec![
        quote! {
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #ty {
                #( #[doc = #docs] #variants, )*
                /// A value this version of the client does not know; kept so it round-trips.
                #catch_all(i64),
            }
        },
        quote! {
            impl #ty {
                /// The value as sent on the wire.
                #[inline]
                pub fn value(&self) -> i64 {
                    match self {
                        #( Self::#variants => #values, )*
                        Self::#catch_all(other) => *other,
                    }
                }
            }
        },
        quote! {
            impl From<i64> for #ty {
                #[inline]
                fn from(value: i64) -> Self {
                    match value {
                        #( #values => Self::#variants, )*
                        other => Self::#catch_all(other),
                    }
                }
            }
        },
        quote! {
            impl std::fmt::Display for #ty {
                #[inline]
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    self.value().fmt(f)
                }
            }
        },
        quote! {
            impl serde::Serialize for #ty {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_i64(self.value())
                }
            }
        },
        quote! {
            impl<'de> serde::Deserialize<'de> for #ty {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    <i64 as serde::Deserialize<'de>>::deserialize(deserializer).map(Self::from)
                }
            }
        },
    ]
}

fn emit_union(api: &Api, name: &str, u: &Union, eq: bool) -> Vec<TokenStream> {
    let text = writes_as_text(&api.types, &TypeRef::Named(name.to_owned()));
    let name = ident(name);
    let derive_eq = eq.then(|| quote! { Eq, });
    let variants = u.variants.iter().map(|(variant, ty)| {
        let variant = format_ident!("{}", variant);
        let ty = type_tokens(ty, &TokenStream::new());
        quote! { #variant(#ty), }
    });
    // Variants that are named types may be structs of very different sizes (GitHub's
    // timeline events); boxing them all would make every use clumsier for a one-off
    // move cost. Scalar variants are never large.
    let allow_large = u
        .variants
        .iter()
        .any(|(_, ty)| matches!(ty, TypeRef::Named(_)))
        .then(|| quote! { #[allow(clippy::large_enum_variant)] });
    let mut items = vec![quote! {
        #[derive(Debug, Clone, PartialEq, #derive_eq serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        #allow_large
        pub enum #name {
            #( #variants )*
        }
    }];
    if text {
        items.push(union_display(api, &name, u));
    }
    items.extend(union_froms(api, &name, u));
    items
}

/// `Display` for a union of values written as text (a parameter's type): the value held,
/// as the parameter would be written alone.
fn union_display(api: &Api, name: &Ident, u: &Union) -> TokenStream {
    let arms = u.variants.iter().map(|(variant, ty)| {
        let variant = format_ident!("{}", variant);
        if resolves_to_date_time(api, ty) {
            quote! { Self::#variant(value) => std::fmt::Display::fmt(&cloudgen_runtime::codegen::Rfc3339(*value), f), }
        } else {
            quote! { Self::#variant(value) => std::fmt::Display::fmt(value, f), }
        }
    });
    quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #( #arms )*
                }
            }
        }
    }
}

/// `From` each variant's type that no other variant shares (and from `&str` for a
/// `String` variant), so that a setter taking `impl Into<Union>` takes `42_i64`,
/// `"ci.yml"` or a variant's struct.
fn union_froms(api: &Api, name: &Ident, u: &Union) -> Vec<TokenStream> {
    let unboxed = |ty: &TypeRef| match ty {
        TypeRef::Boxed(inner) => (**inner).clone(),
        other => other.clone(),
    };
    let own = TypeRef::Named(name.to_string());
    let mut items = Vec::new();
    for (variant, ty) in &u.variants {
        let inner = unboxed(ty);
        // Aliases are `type` items: two variants of one type after them would make two
        // `From` impls of one type; and `From<Self>` is the standard library's.
        let resolved = resolve_alias(api, &inner);
        let shared = u
            .variants
            .iter()
            .filter(|(_, other)| resolve_alias(api, &unboxed(other)) == resolved)
            .count()
            > 1;
        if shared || *resolved == own {
            continue;
        }
        let variant = format_ident!("{}", variant);
        let tokens = type_tokens(&inner, &TokenStream::new());
        let wrap = if matches!(ty, TypeRef::Boxed(_)) {
            quote! { Box::new(value) }
        } else {
            quote! { value }
        };
        items.push(quote! {
            impl From<#tokens> for #name {
                #[inline]
                fn from(value: #tokens) -> Self {
                    Self::#variant(#wrap)
                }
            }
        });
        if *resolved == TypeRef::String {
            items.push(quote! {
                impl From<&str> for #name {
                    #[inline]
                    fn from(value: &str) -> Self {
                        Self::#variant(value.to_owned())
                    }
                }
            });
        }
    }
    items
}

/// Whether `ty` is a timestamp, directly or through aliases (its `Display` is not the
/// wire form).
fn resolves_to_date_time(api: &Api, ty: &TypeRef) -> bool {
    *resolve_alias(api, ty) == TypeRef::DateTime
}

/// The type `ty` names once aliases are followed.
fn resolve_alias<'t>(api: &'t Api, ty: &'t TypeRef) -> &'t TypeRef {
    crate::ir::through_aliases(&api.types, ty)
}

/// `Display` through the enum's `as_str`, shared by open and closed string enums.
fn display_impl(name: &Ident) -> TokenStream {
    quote! {
        impl std::fmt::Display for #name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

/// `Serialize` as the wire string, shared by open and closed string enums.
fn serialize_impl(name: &Ident) -> TokenStream {
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    }
}

fn emit_enum(name: &str, e: &StringEnum) -> Vec<TokenStream> {
    if e.catch_all.is_empty() {
        return emit_closed_enum(name, e);
    }
    let name = ident(name);
    let variants: Vec<Ident> = e
        .variants
        .iter()
        .map(|v| format_ident!("{}", v.rust_name))
        .collect();
    let wires: Vec<&str> = e.variants.iter().map(|v| v.wire_value.as_str()).collect();
    let catch_all = format_ident!("{}", e.catch_all);
    let variant_docs = wires.iter().map(|w| format!(" `{}`", w.replace('`', "'")));
    vec![
        quote! {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            /// A value this version of the client does not know; kept verbatim so it
            /// round-trips.
            #catch_all(String),
        }
        },
        quote! {
        impl #name {
            /// The value as sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::#catch_all(other) => other,
                }
            }
        }
        },
        quote! {
        impl From<&str> for #name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#variants, )*
                    other => Self::#catch_all(other.to_owned()),
                }
            }
        }
        },
        quote! {
        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            #[inline]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        },
        display_impl(&name),
        serialize_impl(&name),
        quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str> as serde::Deserialize<'de>>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
        },
    ]
}

/// A string enum with no catch-all (an empty `catch_all` name): the tag property of a
/// union variant, where an unknown value must fail so the next variant is tried.
fn emit_closed_enum(name: &str, e: &StringEnum) -> Vec<TokenStream> {
    let name = ident(name);
    let variants: Vec<Ident> = e
        .variants
        .iter()
        .map(|v| format_ident!("{}", v.rust_name))
        .collect();
    let wires: Vec<&str> = e.variants.iter().map(|v| v.wire_value.as_str()).collect();
    let variant_docs = wires.iter().map(|w| format!(" `{}`", w.replace('`', "'")));
    vec![
        quote! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
        }
        },
        quote! {
        impl #name {
            /// The value as sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &'static str {
                match self {
                    #( Self::#variants => #wires, )*
                }
            }
        }
        },
        quote! {
        impl std::str::FromStr for #name {
            type Err = String;
            #[inline]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value {
                    #( #wires => Ok(Self::#variants), )*
                    other => Err(format!("unexpected value {other:?}")),
                }
            }
        }
        },
        display_impl(&name),
        serialize_impl(&name),
        quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str> as serde::Deserialize<'de>>::deserialize(deserializer)?;
                value.parse().map_err(serde::de::Error::custom)
            }
        }
        },
    ]
}
