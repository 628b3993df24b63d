//! The model table of a generated crate (`tests/models/<vendor>.rs`): every model type
//! with the JSON pointer of the schema it comes from and a function that decodes a JSON
//! value as that type, encodes it and decodes it again. The round-trip property test
//! (which defines `Model` and `round_trip`) generates random values from each schema and
//! runs them through the table.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::EmitOptions;
use crate::emit::models::ident;
use crate::error::Result;
use crate::ir::{Api, TypeKind};

/// Builds the model table of the crate `crate_name`.
pub fn emit(api: &Api, crate_name: &str, opts: &EmitOptions) -> Result<String> {
    let krate = format_ident!("{}", crate_name.replace('-', "_"));
    let entries: Vec<TokenStream> = api
        .types
        .values()
        // Aliases name another type (or a primitive); the type itself is in the table.
        .filter(|def| !matches!(def.kind, TypeKind::Alias(_)))
        .map(|def| {
            let name = def.name.as_str();
            let ty = ident(name);
            let origin = def.origin.as_str();
            quote! { (#name, #origin, super::round_trip::<api::models::#ty>), }
        })
        .collect();
    let count = entries.len();
    let doc = format!(
        " Every model type of `{crate_name}` ({count}) with the schema it comes from, for \
         the round-trip property test."
    );
    let tokens = quote! {
        #![doc = #doc]
        #![allow(deprecated, reason = "deprecated types round-trip like the others")]

        use #krate as api;

        /// (Rust type, JSON pointer of its schema in the normalized document, round trip).
        pub const MODELS: &[super::Model] = &[
            #( #entries )*
        ];
    };
    crate::emit::render(tokens, &format!("{crate_name} model table"), opts)
}
