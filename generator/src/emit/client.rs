//! Emits `src/lib.rs` (crate docs, lints, modules) and `src/client.rs` (the vendor profile,
//! the `Client` handle and the crate's `Error` alias).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::features::{FeatureMap, feature_of};
use super::models::ident;
use super::operations::envelope_type;
use crate::ir::{Api, Auth};
use crate::settings::Settings;

fn vendor_name(api: &Api, settings: &Settings) -> String {
    settings
        .krate
        .vendor
        .clone()
        .unwrap_or_else(|| api.title.trim().to_owned())
}

/// `src/lib.rs`.
pub fn emit_lib<'a>(
    api: &Api,
    settings: &Settings,
    modules: impl Iterator<Item = &'a str>,
    feature_map: &FeatureMap,
) -> TokenStream {
    let vendor = vendor_name(api, settings);
    let mut lines = vec![
        format!("Typed async client for the {vendor} API."),
        String::new(),
    ];
    lines.push(format!(
        "Document: {} (version `{}`).",
        api.title.trim(),
        api.version.replace('`', "'")
    ));
    if let Some(description) = &api.description {
        lines.push(String::new());
        lines.extend(docs::clean(description));
    }
    lines.extend([
        String::new(),
        "Start with [`Client::builder`]; every operation is a method on [`Client`] that takes \
         the operation's required parameters and returns a request builder: set optional \
         parameters, then `.send().await`. List operations also offer `.items()` and \
         `.pages()` streams. Every call returns [`Error`] on failure."
            .to_owned(),
    ]);
    let example = feature_map
        .tags
        .iter()
        .next()
        .map(String::as_str)
        .unwrap_or("tag");
    lines.extend([
        String::new(),
        format!(
            "Cargo features: one per operation group ({} in all, named after the document's \
             tags, e.g. `{example}`), each compiling that group's operations and only the types \
             they use. The default feature `all` enables every group; to compile less, depend \
             on this crate with `default-features = false, features = [\"{example}\"]`.",
            feature_map.tags.len()
        ),
    ]);
    let doc = lines.iter().map(|l| format!(" {l}"));
    let modules: Vec<TokenStream> = modules
        .map(|m| {
            let m = ident(m);
            let feature = feature_of(&m.to_string());
            quote! { #[cfg(feature = #feature)] #[rustfmt::skip] pub mod #m; }
        })
        .collect();
    quote! {
        #( #![doc = #doc] )*
        #![forbid(unsafe_code)]

        // Generated files are formatted by prettyplease; rustfmt would only reformat them.
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        mod pagination;
        #( #modules )*

        pub use client::{Client, Error, PROFILE};
        /// The runtime this crate is built on: `Response`, streams, and error details.
        pub use cloudgen_runtime as runtime;
    }
}

/// `src/client.rs`.
pub fn emit_client(api: &Api, settings: &Settings) -> TokenStream {
    let vendor = vendor_name(api, settings);
    let name = settings.krate.name.as_str();
    let base_url = api.base_url.as_str();
    let auth = match &api.auth {
        Auth::None => quote! { rt::AuthScheme::None },
        Auth::Bearer => quote! { rt::AuthScheme::Bearer },
        Auth::ApiKey { header } => quote! { rt::AuthScheme::ApiKey { header: #header } },
    };
    let etag = match &api.if_match_header {
        Some(h) => quote! { Some(rt::EtagPolicy { if_match_header: #h }) },
        None => quote! { None },
    };
    let envelope = envelope_type(api);
    let credentials = match &api.auth {
        Auth::None => "The API takes no credentials.".to_owned(),
        Auth::Bearer => "Authenticate with `.bearer_token(token)`.".to_owned(),
        Auth::ApiKey { header } => {
            format!("Authenticate with `.api_key(key)` (sent as `{header}`).")
        }
    };
    let client_doc =
        format!(" A client for the {vendor} API: a cheap `Clone` over one connection pool.");
    let builder_doc1 =
        " A builder with this vendor's defaults: base URL, authentication scheme, user agent."
            .to_owned();
    let builder_doc2 = format!(" {credentials}");
    let base_doc = if base_url.is_empty() {
        " The document declares no server: set one with `.base_url(..)`.".to_owned()
    } else {
        format!(" Default base URL: `{base_url}`; change it with `.base_url(..)`.")
    };
    let error_doc = format!(
        " The error of every call: transport, timeout, HTTP status (with the {vendor} error \
         body decoded when it has the documented shape), or a response that does not decode."
    );
    quote! {
        //! The client handle and the vendor profile it is built from.
        use cloudgen_runtime::codegen as rt;

        /// What the runtime needs to know about this vendor.
        pub static PROFILE: rt::VendorProfile = rt::VendorProfile {
            name: #name,
            default_base_url: #base_url,
            auth: #auth,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            etag: #etag,
        };

        #[doc = #error_doc]
        pub type Error = rt::Error<#envelope>;

        #[doc = #client_doc]
        #[derive(Debug, Clone)]
        pub struct Client {
            core: rt::ClientCore,
        }

        impl From<rt::ClientCore> for Client {
            fn from(core: rt::ClientCore) -> Self {
                Self { core }
            }
        }

        impl Client {
            #[doc = #builder_doc1]
            #[doc = ""]
            #[doc = #builder_doc2]
            #[doc = #base_doc]
            pub fn builder() -> rt::ClientBuilder<Client> {
                rt::ClientBuilder::new(&PROFILE)
            }

            /// The runtime client underneath: base URL, remembered ETags.
            pub fn core(&self) -> &rt::ClientCore {
                &self.core
            }
        }
    }
}
