//! Emits `src/lib.rs` (crate docs, lints, modules) and `src/client.rs` (the vendor profile,
//! the `Client` handle and the crate's `Error` alias).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::features::{FeatureMap, feature_of};
use super::models::ident;
use super::operations::envelope_type;
use crate::ir::{Api, Auth, Provenance};
use crate::settings::{
    LoginSettings, RateLimitRow, ScopeLocation, ScopeSettings, Settings, TaskSettings,
    TokenHeaderSetting,
};

fn vendor_name(api: &Api, settings: &Settings) -> String {
    settings
        .krate
        .vendor
        .clone()
        .unwrap_or_else(|| api.title.trim().to_owned())
}

/// The crate's one-line summary: "Typed async client for the Zoom API." (not "the Zoom
/// API API": many titles already end in "API" or "APIs").
pub fn summary_line(name: &str) -> String {
    let name = name.trim();
    let last_word = name.rsplit(char::is_whitespace).next().unwrap_or_default();
    if ["api", "apis"].contains(&last_word.to_ascii_lowercase().as_str()) {
        format!("Typed async client for the {name}.")
    } else {
        format!("Typed async client for the {name} API.")
    }
}

/// `src/lib.rs`.
pub fn emit_lib<'a>(
    api: &Api,
    settings: &Settings,
    modules: impl Iterator<Item = &'a str>,
    feature_map: &FeatureMap,
) -> TokenStream {
    let vendor = vendor_name(api, settings);
    let mut lines = vec![summary_line(&vendor), String::new()];
    lines.push(format!(
        "Document: {} (version `{}`).",
        api.title.trim(),
        api.version.replace('`', "'")
    ));
    if let Some(description) = &api.description {
        lines.push(String::new());
        lines.extend(docs::clean(description));
    }
    let streams = if api.operations.iter().any(|op| op.pagination.is_some()) {
        " Paged list operations also offer `.items()` and `.pages()` streams."
    } else {
        ""
    };
    lines.extend([
        String::new(),
        format!(
            "Start with [`Client::builder`]; every operation is a method on [`Client`] that \
             takes the operation's required parameters and returns a request builder: set \
             optional parameters and per-call overrides (`.timeout()`, `.header()`, \
             `.idempotency_key()`, `.no_retry()`), then `.send().await`.{streams} Every call \
             returns [`Error`] on failure."
        ),
    ]);
    lines.push(String::new());
    match &api.provenance {
        Provenance::Project => lines.push(
            "The vendor publishes no OpenAPI document: this crate is generated from one this \
             project wrote from the vendor's public documentation and official clients \
             (`specs/` in the cloudgen repository, every choice commented there)."
                .to_owned(),
        ),
        Provenance::Vendor { added_by_fixes } if added_by_fixes.is_empty() => lines.push(
            "Every operation comes from the vendor's published document (repairs, if any, \
             are declared in `specs/` in the cloudgen repository)."
                .to_owned(),
        ),
        Provenance::Vendor { added_by_fixes } => {
            lines.push(format!(
                "Operations come from the vendor's published document, except {} that this \
                 project's declared fixes add because the API serves them but the document \
                 omits them (`specs/` in the cloudgen repository):",
                added_by_fixes.len()
            ));
            lines.push(String::new());
            let by_key: std::collections::BTreeMap<String, &str> = api
                .operations
                .iter()
                .map(|op| (format!("{} {}", op.method, op.path), op.rust_name.as_str()))
                .collect();
            for key in added_by_fixes {
                match by_key.get(key) {
                    Some(method) => lines.push(format!(
                        "- [`Client::{0}`](Client::{0}): `{key}`",
                        crate::ident::unraw(method)
                    )),
                    None => lines.push(format!("- `{key}`")),
                }
            }
        }
    }
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
    if let Some((group, parts)) = feature_map.parts.iter().next() {
        let split: Vec<String> = feature_map.parts.keys().map(|g| format!("`{g}`")).collect();
        let part = parts
            .iter()
            .find(|p| !p.ends_with("-core"))
            .unwrap_or(group);
        lines.extend([
            String::new(),
            format!(
                "The largest groups ({}) are also compiled in parts, one feature per resource \
                 under the group's path (e.g. `{part}`), with `{group}-core` for the rest; the \
                 group's own feature enables all of its parts. Each method's docs name its part.",
                split.join(", ")
            ),
        ]);
    }
    // An empty line is `//!`, with no trailing space (rustfmt checks lib.rs).
    let doc = lines.iter().map(|l| match l.is_empty() {
        true => String::new(),
        false => format!(" {l}"),
    });
    // One `use`, in rustfmt's order, so rustfmt leaves lib.rs as generated.
    let mut reexports = vec![
        quote! { Client },
        quote! { Error },
        quote! { POLICIES },
        quote! { PROFILE },
    ];
    if settings.rate_limits.is_some() {
        reexports.push(quote! { RATE_LIMITS });
    }
    if settings.tasks.is_some() {
        reexports.push(quote! { TASK_POLL_PATH });
        reexports.push(quote! { TASK_SHAPE });
    }
    // A group compiled in parts has each operation gated by its part inside the module,
    // so the module itself needs no gate (an `any` of every part would be longer than
    // rustfmt keeps on one line, and rustfmt checks lib.rs).
    let modules: Vec<TokenStream> = modules
        .map(|m| {
            let feature = feature_of(m);
            let cfg = (!feature_map.parts.contains_key(&feature))
                .then(|| quote! { #[cfg(feature = #feature)] });
            let m = ident(m);
            quote! { #cfg #[rustfmt::skip] pub mod #m; }
        })
        .collect();
    quote! {
        #( #![doc = #doc] )*
        #![forbid(unsafe_code)]
        #![allow(deprecated, reason = "the crate uses what its document deprecates")]

        // Generated files are printed by the generator; rustfmt would only reformat them.
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod pagination;
        #( #modules )*

        pub use client::{ #( #reexports ),* };
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
    let policies = emit_policies(settings);
    let scope = settings.scope.as_ref().map(emit_scope);
    let login = settings.login.as_ref().map(emit_login);
    let tasks = settings.tasks.as_ref().map(emit_tasks);
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

        #policies

        #tasks

        impl Client {
            #[doc = #builder_doc1]
            #[doc = ""]
            #[doc = #builder_doc2]
            #[doc = #base_doc]
            #[doc = ""]
            #[doc = " Retries, rate limits and other policies come from [`POLICIES`]."]
            pub fn builder() -> rt::ClientBuilder<Client> {
                rt::ClientBuilder::new(&PROFILE).policies(&POLICIES)
            }

            #scope
            #login

            /// The runtime client underneath: base URL, remembered ETags.
            pub fn core(&self) -> &rt::ClientCore {
                &self.core
            }
        }
    }
}

/// The task-polling constants behind `send_and_wait()`.
fn emit_tasks(tasks: &TaskSettings) -> TokenStream {
    let list = |values: &[String]| {
        let values = values.iter().map(String::as_str);
        quote! { &[ #( #values ),* ] }
    };
    let id = list(&tasks.id);
    let status = list(&tasks.status);
    let result = list(&tasks.result);
    let message = list(&tasks.message);
    let succeeded = list(&tasks.succeeded);
    let failed = list(&tasks.failed);
    let path = tasks.poll_path.as_str();
    let path_doc = format!(
        " Where `send_and_wait()` polls a task: `GET {path}`, with the client's poll policy."
    );
    quote! {
        #[doc = #path_doc]
        pub const TASK_POLL_PATH: &str = #path;

        /// Where task answers keep the id, status, result and message (JSON pointers, tried
        /// in order), and which statuses end a task.
        pub const TASK_SHAPE: rt::TaskShape = rt::TaskShape {
            id: #id,
            status: #status,
            result: #result,
            message: #message,
            succeeded: #succeeded,
            failed: #failed,
        };
    }
}

fn limit_tokens(row: &RateLimitRow) -> TokenStream {
    let prefix = row.prefix.as_str();
    let per_second = row.per_second;
    let burst = row.burst;
    quote! { rt::RateLimit { prefix: #prefix, per_second: #per_second, burst: #burst } }
}

/// `POLICIES` (and the rate-limit table it points to).
fn emit_policies(settings: &Settings) -> TokenStream {
    let mut chain = quote! { rt::VendorPolicies::new() };
    if let Some(attempts) = settings.retry.max_attempts {
        chain = quote! { #chain.retry(rt::RetryPolicy::STANDARD.max_attempts(#attempts)) };
    }
    let mut table_static = TokenStream::new();
    let mut lines = vec![
        "How this client treats the vendor's service:".to_owned(),
        String::new(),
    ];
    match settings.retry.max_attempts {
        Some(n) => lines.push(format!("- retries: at most {n} attempts per call, exponential backoff with jitter, `Retry-After` honoured, only for requests safe to repeat;")),
        None => lines.push("- retries: the runtime's standard policy (3 attempts, exponential backoff with jitter, `Retry-After` honoured, only for requests safe to repeat);".to_owned()),
    }
    if let Some(limits) = &settings.rate_limits {
        let rows = limits.prefixes.iter().map(limit_tokens);
        table_static = quote! {
            /// The vendor's published rate limits by path prefix.
            pub static RATE_LIMITS: &[rt::RateLimit] = &[ #( #rows ),* ];
        };
        let mut table = quote! { rt::RateLimitTable::new(RATE_LIMITS) };
        if let Some(default) = &limits.default {
            let d = limit_tokens(default);
            table = quote! { #table.default_limit(#d) };
            lines.push(format!(
                "- client-side rate limits: {} per second (burst {}) by default, and the \
                 [`RATE_LIMITS`] table by path prefix, so a well-behaved client never sees a 429;",
                default.per_second, default.burst
            ));
        } else {
            lines.push(
                "- client-side rate limits: the [`RATE_LIMITS`] table by path prefix;".to_owned(),
            );
        }
        chain = quote! { #chain.rate_limits(#table) };
    } else {
        lines.push("- no client-side rate limits (the vendor documents none);".to_owned());
    }
    lines.push("- timeouts: as set on the builder.".to_owned());
    let doc = docs::attrs(&lines);
    quote! {
        #table_static

        #doc
        pub static POLICIES: rt::VendorPolicies = #chain;
    }
}

/// `Client::with_<scope>`: a client sharing connections and caches, in another scope.
fn emit_scope(scope: &ScopeSettings) -> TokenStream {
    let method = ident(&scope.method);
    let name = scope.name.as_str();
    let (call, place) = match scope.location {
        ScopeLocation::Header => (quote! { header }, format!("the `{name}` header")),
        ScopeLocation::Query => (quote! { query }, format!("the `{name}` query parameter")),
    };
    let mut lines = vec![format!(
        "A client for the same service in another scope: every request carries {place}."
    )];
    if let Some(d) = &scope.description {
        lines.push(String::new());
        lines.extend(docs::clean(d));
    }
    lines.push(String::new());
    lines.push(
        "The new client shares the connection pool, credentials, rate limiters and retry \
         budget; remembered ETags are kept per scope. Fails only when `value` cannot be sent \
         (for example, a newline in a header)."
            .to_owned(),
    );
    let doc = docs::attrs(&lines);
    quote! {
        #doc
        pub fn #method(&self, value: impl Into<String>) -> Result<Client, rt::BuildError> {
            let scope = rt::Scope::new().#call(#name, value);
            Ok(Client { core: self.core.with_scope(scope)? })
        }
    }
}

/// `Client::login`: a token provider for the vendor's login endpoint.
fn emit_login(login: &LoginSettings) -> TokenStream {
    let path = login.path.as_str();
    let user_field = login.user_field.as_str();
    let password_field = login.password_field.as_str();
    let token_field = login.token_field.as_str();
    let lifetime = login.lifetime_seconds.map(|secs| {
        quote! { .lifetime(std::time::Duration::from_secs(#secs)) }
    });
    let header = match login.token_header {
        TokenHeaderSetting::Bearer => quote! { rt::TokenHeader::BEARER },
        TokenHeaderSetting::RawAuthorization => quote! { rt::TokenHeader::RAW_AUTHORIZATION },
    };
    let lifetime_text = login
        .lifetime_seconds
        .map(|s| format!(" The token lives {s} s and is refreshed before it expires."))
        .unwrap_or_default();
    let lines = vec![
        format!(
            "Credentials for `POST {path}`: pass this to the builder's `.token_provider(..)` to \
             log in with a user's credentials instead of an API key.{lifetime_text}"
        ),
        String::new(),
        "The token is fetched on first use, shared by concurrent calls, and fetched again \
         once after a 401. The password is never printed."
            .to_owned(),
    ];
    let doc = docs::attrs(&lines);
    quote! {
        #doc
        pub fn login(user: impl Into<String>, password: impl Into<rt::Secret>) -> rt::LoginProvider {
            rt::LoginProvider::new(#path, #user_field, user, #password_field, password, #token_field)
                #lifetime
                .with_header(#header)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::summary_line;

    #[test]
    fn the_summary_says_api_once() {
        assert_eq!(
            summary_line("Zoom API"),
            "Typed async client for the Zoom API."
        );
        assert_eq!(
            summary_line(" 1Forge Finance APIs "),
            "Typed async client for the 1Forge Finance APIs."
        );
        assert_eq!(
            summary_line("Palette"),
            "Typed async client for the Palette API."
        );
        assert_eq!(
            summary_line("Rapid API Gateway"),
            "Typed async client for the Rapid API Gateway API."
        );
    }
}
