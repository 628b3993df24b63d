//! Static facts about a vendor that a generated crate declares once, in a `static`.

use crate::auth::AuthScheme;

/// What a generated crate knows about its vendor: name, default endpoint, auth scheme,
/// user agent and ETag concurrency policy.
///
/// All fields are public so that generated code can build it in a `static`:
///
/// ```
/// use cloudgen_runtime::codegen as rt;
/// static PROFILE: rt::VendorProfile = rt::VendorProfile {
///     name: "cloudcasa",
///     default_base_url: "https://api.cloudcasa.io/api",
///     auth: rt::AuthScheme::Bearer,
///     user_agent: "cloudcasa-rs/0.1.0",
///     etag: Some(rt::EtagPolicy { if_match_header: "If-Match" }),
/// };
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorProfile {
    /// Short vendor name, used in tracing spans and `Debug` output.
    pub name: &'static str,
    /// Base URL used when the caller does not set one.
    pub default_base_url: &'static str,
    /// How the vendor authenticates requests.
    pub auth: AuthScheme,
    /// Default `User-Agent` header value.
    pub user_agent: &'static str,
    /// ETag concurrency policy, if the vendor uses `ETag`/`If-Match`.
    ///
    /// When `None`, no `ETag` is remembered and [`crate::Request::if_match`] falls back
    /// to the standard `If-Match` header name with explicit values only.
    pub etag: Option<EtagPolicy>,
}

/// How a vendor does optimistic concurrency with `ETag`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EtagPolicy {
    /// Name of the request header that carries the expected ETag (usually `If-Match`).
    pub if_match_header: &'static str,
}
