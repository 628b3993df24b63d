//! Emits `src/models.rs`: one Rust type per IR type. Structs tolerate unknown fields
//! (never `deny_unknown_fields`), skip absent optionals when serializing, and never send
//! read-only fields. String enums keep values added by the vendor later in `Unknown`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use super::features::{FeatureMap, cfg_attr};
use crate::ident::unraw;
use crate::ir::{Api, Field, StringEnum, Struct, TypeDef, TypeKind, TypeRef, Union};

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

/// The part of `models.rs` for the types at `range` (in name order); the part starting at
/// 0 carries the module docs. Printed parts joined in order equal the whole file printed
/// at once, so big files are spread over threads.
pub fn emit_chunk(api: &Api, features: &FeatureMap, range: std::ops::Range<usize>) -> TokenStream {
    let first = range.start == 0;
    let items = api
        .types
        .values()
        .skip(range.start)
        .take(range.len())
        .map(|def| {
            let cfg = cfg_attr(features.types.get(&def.name));
            let items = emit_type(def);
            // Every item of the type (its impls too) carries the type's cfg.
            quote! { #( #cfg #items )* }
        });
    let docs = first.then(|| {
        quote! {
            //! Data types of the API: one per schema of the document, plus the inline objects
            //! and enums it declares in place, named after where they sit.
        }
    });
    quote! {
        #docs
        #( #items )*
    }
}

fn emit_type(def: &TypeDef) -> Vec<TokenStream> {
    let mut doc_lines = def.docs.as_deref().map(docs::clean).unwrap_or_default();
    if !doc_lines.is_empty() {
        doc_lines.push(String::new());
    }
    doc_lines.push(format!("Schema `{}`.", def.origin.replace('`', "'")));
    let doc = docs::attrs(&doc_lines);
    let deprecated = def.deprecated.then(|| quote! { #[deprecated] });
    let mut items = match &def.kind {
        TypeKind::Struct(s) => emit_struct(&def.name, s),
        TypeKind::StringEnum(e) => emit_enum(&def.name, e),
        TypeKind::Union(u) => vec![emit_union(&def.name, u)],
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

/// The struct and its `Deserialize` impl, as separate items: each gets the type's
/// feature gate.
fn emit_struct(name: &str, s: &Struct) -> Vec<TokenStream> {
    let deserialize = emit_struct_deserialize(name, s);
    let name = ident(name);
    let all_optional = s.fields.iter().all(Field::is_option);
    let default = all_optional.then(|| quote! { Default, });
    let fields = s.fields.iter().map(emit_field);
    let definition = quote! {
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize)]
        pub struct #name {
            #( #fields )*
        }
    };
    vec![definition, deserialize]
}

/// `Deserialize` for a struct, written out rather than derived: the object's keys are
/// matched as strings (`rt::FieldKey`), unknown keys are skipped, `Option` fields may be
/// missing or null, and a missing required field is serde's "missing field" error. The
/// derive would add a field-identifier enum with its own visitor and a sequence visitor
/// JSON never uses: about twice the code for the compiler to check, per type.
fn emit_struct_deserialize(name: &str, s: &Struct) -> TokenStream {
    let ty = ident(name);
    let expecting = format!("an object `{name}`");
    let vars: Vec<_> = (0..s.fields.len()).map(|i| format_ident!("f{i}")).collect();
    let arms = s.fields.iter().zip(&vars).map(|(f, var)| {
        let wire = f.wire_name.as_str();
        if f.is_option() {
            quote! { #wire => #var = map.next_value()?, }
        } else {
            quote! { #wire => #var = Some(map.next_value()?), }
        }
    });
    let inits = s.fields.iter().zip(&vars).map(|(f, var)| {
        let field = ident(&f.rust_name);
        let wire = f.wire_name.as_str();
        if f.is_option() {
            quote! { #field: #var, }
        } else {
            quote! { #field: rt::required(#var, #wire)?, }
        }
    });
    let body = if s.fields.is_empty() {
        quote! {
            while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
            Ok(crate::models::#ty {})
        }
    } else {
        quote! {
            #( let mut #vars = None; )*
            while let Some(key) = map.next_key::<rt::FieldKey<'de>>()? {
                match key.as_str() {
                    #( #arms )*
                    _ => {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
            }
            Ok(crate::models::#ty { #( #inits )* })
        }
    };
    quote! {
        #[allow(deprecated, reason = "deprecated fields are decoded like the others")]
        impl<'de> serde::Deserialize<'de> for #ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use cloudgen_runtime::codegen as rt;
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = crate::models::#ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                        #body
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

fn emit_field(f: &Field) -> TokenStream {
    let name = ident(&f.rust_name);
    let inner = type_tokens(&f.ty, &TokenStream::new());
    let inner = if f.boxed {
        quote! { Box<#inner> }
    } else {
        inner
    };
    let ty = if f.is_option() {
        quote! { Option<#inner> }
    } else {
        inner
    };
    let mut serde_args = Vec::new();
    if unraw(&f.rust_name) != f.wire_name {
        let wire = &f.wire_name;
        serde_args.push(quote! { rename = #wire });
    }
    if f.read_only {
        serde_args.push(quote! { default });
        serde_args.push(quote! { skip_serializing });
    } else if !f.required {
        serde_args.push(quote! { default });
        serde_args.push(quote! { skip_serializing_if = "Option::is_none" });
    }
    let serde_attr = (!serde_args.is_empty()).then(|| quote! { #[serde( #(#serde_args),* )] });
    let mut doc_lines = f.docs.as_deref().map(docs::clean).unwrap_or_default();
    if f.read_only {
        if !doc_lines.is_empty() {
            doc_lines.push(String::new());
        }
        doc_lines.push("Read-only: set by the server and never sent in requests.".to_owned());
    }
    let doc = docs::attrs(&doc_lines);
    let deprecated = f.deprecated.then(|| quote! { #[deprecated] });
    quote! {
        #doc
        #deprecated
        #serde_attr
        pub #name: #ty,
    }
}

fn emit_union(name: &str, u: &Union) -> TokenStream {
    let name = ident(name);
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
    quote! {
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        #allow_large
        pub enum #name {
            #( #variants )*
        }
    }
}

/// `Display` through the enum's `as_str`, shared by open and closed string enums.
fn display_impl(name: &Ident) -> TokenStream {
    quote! {
        impl std::fmt::Display for #name {
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
