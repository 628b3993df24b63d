//! Vendor settings: what a `specs/<vendor>/settings.toml` declares about a vendor beyond
//! its document (crate name, base URL, auth, pagination, error envelope, ETag policy,
//! fixes). Every field has a default so any document generates with no settings at all.

use serde::Deserialize;

use crate::error::{Error, Location, Result};

/// All settings for one generated crate.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The generated crate.
    #[serde(rename = "crate")]
    pub krate: CrateSettings,
    /// Where the vendor's document comes from (used by xtask, not by the library).
    pub document: Option<DocumentSource>,
    /// Client defaults.
    pub client: ClientSettings,
    /// List operations and how to page through them.
    pub pagination: Option<PaginationSettings>,
    /// The vendor's error body.
    pub errors: ErrorSettings,
    /// Optimistic concurrency.
    pub etag: Option<EtagSettings>,
    /// Declared fixes for the document's defects.
    pub fixes: FixSettings,
    /// How operations are named and grouped into modules and cargo features.
    pub operations: OperationSettings,
    /// Retry policy (the runtime's standard policy when absent).
    pub retry: RetrySettings,
    /// Client-side rate limits by path prefix.
    pub rate_limits: Option<RateLimitSettings>,
    /// A per-client scope (project, organization) and the method deriving a scoped client.
    pub scope: Option<ScopeSettings>,
    /// A login endpoint that trades user credentials for an expiring token.
    pub login: Option<LoginSettings>,
    /// Response envelopes.
    #[serde(default)]
    pub responses: ResponseSettings,
    /// Async tasks returned by writes.
    pub tasks: Option<TaskSettings>,
}

/// Retry policy.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RetrySettings {
    /// Attempts per call, the first included (the runtime's default when absent).
    pub max_attempts: Option<u32>,
}

/// A vendor's published rate limits.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitSettings {
    /// The limit for paths no prefix matches.
    pub default: Option<RateLimitRow>,
    /// Limits by path prefix (longest match wins; `:uid` or `{x}` matches one segment).
    pub prefixes: Vec<RateLimitRow>,
}

/// One rate limit.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitRow {
    /// Path prefix (ignored for the default).
    pub prefix: String,
    /// Sustained requests per second.
    pub per_second: f64,
    /// Requests allowed at once after a quiet period.
    pub burst: u32,
}

/// Where a scope value goes.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ScopeLocation {
    /// A request header (Palette `ProjectUid`).
    Header,
    /// A query parameter (CloudMC `org_id`).
    Query,
}

/// A per-client scope.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScopeSettings {
    /// Header or query.
    #[serde(rename = "in")]
    pub location: ScopeLocation,
    /// Header or parameter name.
    pub name: String,
    /// Name of the generated `Client` method deriving a scoped client (`with_project`).
    pub method: String,
    /// What the scope means, for the method's docs.
    pub description: Option<String>,
}

/// A login endpoint: `POST path` with `{user_field: user, password_field: password}`,
/// answering `{token_field: token}`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LoginSettings {
    /// Path relative to the base URL.
    pub path: String,
    /// JSON field of the user name / email.
    pub user_field: String,
    /// JSON field of the password.
    pub password_field: String,
    /// JSON field of the token in the answer.
    pub token_field: String,
    /// Token lifetime in seconds, when the vendor documents one.
    pub lifetime_seconds: Option<u64>,
    /// How the token is sent: `bearer` (`Authorization: Bearer <t>`) or
    /// `raw-authorization` (`Authorization: <t>`).
    pub token_header: TokenHeaderSetting,
}

/// How a login token is sent.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum TokenHeaderSetting {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: <token>`.
    RawAuthorization,
}

/// Naming and grouping of operations.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct OperationSettings {
    /// What makes an operation group (a module and a cargo feature).
    pub group_by: GroupBy,
    /// A prefix removed from every operationId before it becomes a method name
    /// (Palette's `v1`: `v1SpectroClustersGet` → `spectro_clusters_get`).
    pub strip_operation_id_prefix: Option<String>,
    /// A group whose operations reach more model types than this is compiled in parts: one
    /// cargo feature per path segment after the segments all its paths share
    /// (`spectroclusters-aws` for `/v1/spectroclusters/aws/...`, `spectroclusters-vms` for
    /// `/v1/spectroclusters/{uid}/vms/...`), the rest in `<group>-core`; the group's own
    /// feature enables every part. Unset: groups are never split.
    pub split_groups_above_types: Option<usize>,
    /// A crate with more model types than this writes each type that only one group's
    /// operations reach to `src/models/<group>.rs`, a file the compiler does not even read
    /// unless that group (or one of its parts) is enabled; the others stay in
    /// `src/models.rs`. Reading the whole of Palette's models was most of what a
    /// one-group build cost.
    pub split_models_above_types: usize,
}

impl Default for OperationSettings {
    fn default() -> Self {
        Self {
            group_by: GroupBy::default(),
            strip_operation_id_prefix: None,
            split_groups_above_types: None,
            split_models_above_types: DEFAULT_SPLIT_MODELS_ABOVE_TYPES,
        }
    }
}

/// Default of [`OperationSettings::split_models_above_types`]: a crate this small parses
/// its models in well under a tenth of a second, and one file reads better.
pub const DEFAULT_SPLIT_MODELS_ABOVE_TYPES: usize = 500;

/// What makes an operation group.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum GroupBy {
    /// The operation's first tag (untagged operations go to `other`).
    #[default]
    Tag,
    /// The first path segment that is neither a version (`v1`) nor a parameter:
    /// `/v1/spectroclusters/{uid}` → `spectroclusters`. For documents whose tags are too
    /// coarse to choose what to compile.
    Path,
}

/// Name and metadata of the generated crate.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CrateSettings {
    /// Cargo package name, e.g. `cloudcasa-api`.
    pub name: String,
    /// Cargo package version (the document's `info.version` is often not semver).
    pub version: String,
    /// One-line description; defaults to the document's title.
    pub description: Option<String>,
    /// Human name of the vendor, for docs (`CloudCasa`); defaults to the document title.
    pub vendor: Option<String>,
}

impl Default for CrateSettings {
    fn default() -> Self {
        Self {
            name: "api-client".to_owned(),
            version: "0.1.0".to_owned(),
            description: None,
            vendor: None,
        }
    }
}

/// Where to find the vendor's document: a local path (relative to the workspace root)
/// and/or a public URL pinned by sha256.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DocumentSource {
    /// Local path, relative to the workspace root.
    pub path: Option<String>,
    /// Public URL of the same bytes.
    pub url: Option<String>,
    /// Expected sha256 of the document's bytes (lower-case hex).
    pub sha256: Option<String>,
    /// The project wrote this document from public facts (the vendor publishes none);
    /// the crate's docs say so.
    #[serde(default)]
    pub written_by_project: bool,
}

/// Client defaults baked into the generated crate.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ClientSettings {
    /// Default base URL; defaults to the document's first server.
    pub base_url: Option<String>,
    /// Authentication; defaults to what the document's security schemes say.
    pub auth: Option<AuthSettings>,
}

/// How the vendor authenticates.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum AuthSettings {
    /// No credentials.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// An API key sent in a header with this name.
    ApiKey {
        /// Header name, e.g. `ApiKey`, `MC-Api-Key`.
        header: String,
    },
}

/// Pagination strategy for list operations.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PaginationSettings {
    /// The strategy.
    pub style: PaginationStyle,
    /// Property of the list response holding the array of items (`_items`, `items`).
    /// Optional for `offset`: without it, a list response is either an array itself or
    /// an object with exactly one array property (Spheron's `{projects: [...]}`).
    pub items: Option<String>,
    /// JSON pointer into the list response to the cursor: the next page's href for
    /// `next-link` (`/_links/next/href`), the continue token for `token`
    /// (`/listmeta/continue`). Required for those two styles; unused by `offset`.
    /// Several pointers may be given (`["/listmeta/continue", "/metadata/continue"]`):
    /// each list response uses the first its type has.
    #[serde(alias = "next_link")]
    pub next: Option<Pointers>,
    /// Query parameter whose presence marks a GET operation as a paged list (`page`,
    /// `continue`, `skip`). For `offset` it is also the parameter carrying the offset.
    pub marker_param: String,
    /// For `token`: the query parameter that carries the cursor (defaults to
    /// `marker_param`).
    pub token_param: Option<String>,
    /// For `offset`: the page-size parameter (`limit`); a page shorter than the
    /// requested size ends the listing without another request.
    pub limit_param: Option<String>,
}

/// One JSON pointer, or several tried in order.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Pointers {
    /// One pointer.
    One(String),
    /// Pointers tried in order.
    Many(Vec<String>),
}

impl Pointers {
    /// Every pointer, in order.
    pub fn all(&self) -> Vec<&str> {
        match self {
            Pointers::One(p) => vec![p.as_str()],
            Pointers::Many(ps) => ps.iter().map(String::as_str).collect(),
        }
    }
}

/// Pagination strategies the runtime knows.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum PaginationStyle {
    /// Follow a next-page link found in the response body (Eve's `_links.next`).
    NextLink,
    /// Send back a cursor found in the response body as a query parameter; an empty or
    /// missing cursor ends the listing (Palette's `continue` / `listmeta.continue`).
    Token,
    /// Skip/limit: the next page's offset is this one's plus its item count; an empty
    /// or short page ends the listing (Spheron's `skip` / `limit`).
    Offset,
}

impl PaginationSettings {
    /// Checks the keys each style needs; the message names the missing key.
    fn check(&self) -> std::result::Result<(), String> {
        match self.style {
            PaginationStyle::NextLink | PaginationStyle::Token => {
                if self.next.is_none() {
                    return Err("this style needs `next`, the JSON pointer to the cursor".into());
                }
                if self.items.is_none() {
                    return Err("this style needs `items`, the property holding the items".into());
                }
                if self.limit_param.is_some() {
                    return Err("`limit_param` only applies to style = \"offset\"".into());
                }
            }
            PaginationStyle::Offset => {
                if self.next.is_some() || self.token_param.is_some() {
                    return Err(
                        "style = \"offset\" takes no `next` or `token_param`: the offset is counted"
                            .into(),
                    );
                }
            }
        }
        Ok(())
    }
}

/// The vendor's error envelope.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ErrorSettings {
    /// Name of the schema (in `components/schemas`) that every error body follows.
    pub envelope: Option<String>,
}

/// ETag / `If-Match` policy.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EtagSettings {
    /// Name of the precondition header (`If-Match`).
    pub if_match_header: String,
    /// Attempts of the generated read-modify-write helpers (`replace_x_with`) before a
    /// persistent 412 is returned.
    #[serde(default = "default_update_attempts")]
    pub update_attempts: u32,
}

fn default_update_attempts() -> u32 {
    3
}

/// Success envelopes.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ResponseSettings {
    /// A JSON success body whose schema is an object with this one property (required)
    /// and no other is returned unwrapped: the caller gets the property's value
    /// (CloudMC's `{"data": ...}`).
    pub unwrap: Option<String>,
}

/// Writes that answer "accepted, running" with a task to poll (CloudMC's
/// `{taskId, taskStatus}` polled with `GET /tasks/{id}`). Every operation whose success
/// schema is `accepted` gets a `send_and_wait()` that polls the task to its end.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TaskSettings {
    /// Name of the schema (in `components/schemas`) of the accepted answer.
    pub accepted: String,
    /// Path of the poll request (relative to the base URL) with an `{id}` parameter.
    pub poll_path: String,
    /// JSON pointers to the task id in the accepted answer, tried in order.
    pub id: Vec<String>,
    /// JSON pointers to the status, in the accepted answer and in poll answers.
    pub status: Vec<String>,
    /// JSON pointers to the result of a succeeded task.
    #[serde(default)]
    pub result: Vec<String>,
    /// JSON pointers to a failure message.
    #[serde(default)]
    pub message: Vec<String>,
    /// Status values meaning success.
    pub succeeded: Vec<String>,
    /// Status values meaning failure; any other status means pending.
    pub failed: Vec<String>,
}

/// Declared fixes.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FixSettings {
    /// Overlay 1.0 documents, relative to the settings file, applied in order.
    pub overlays: Vec<String>,
    /// Named fixups built into the generator, applied in order after the overlays.
    pub fixups: Vec<String>,
}

impl Settings {
    /// Parses settings from TOML text; `file` names the file in errors.
    pub fn from_toml(text: &str, file: &str) -> Result<Self> {
        let settings: Self = toml::from_str(text).map_err(|e| {
            let pointer = e
                .span()
                .map(|span| {
                    let before = text.get(..span.start).unwrap_or(text);
                    let line = before.matches('\n').count() + 1;
                    format!("line {line}")
                })
                .unwrap_or_default();
            Error::Settings {
                location: Location::new(file, pointer),
                message: e.message().to_owned(),
            }
        })?;
        if let Some(pagination) = &settings.pagination {
            pagination.check().map_err(|message| Error::Settings {
                location: Location::new(file, "[pagination]"),
                message,
            })?;
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_settings() {
        let text = r#"
            [crate]
            name = "x-api"
            version = "0.2.0"
            [client]
            base_url = "https://x/api"
            auth = { kind = "api-key", header = "MC-Api-Key" }
            [pagination]
            style = "next-link"
            items = "_items"
            next_link = "/_links/next/href"
            marker_param = "page"
            [errors]
            envelope = "Error"
            [etag]
            if_match_header = "If-Match"
            [fixes]
            overlays = ["overlay.yaml"]
            fixups = ["eve-operation-ids"]
        "#;
        let s = Settings::from_toml(text, "s.toml").expect("valid");
        assert_eq!(s.krate.name, "x-api");
        assert_eq!(
            s.client.auth,
            Some(AuthSettings::ApiKey {
                header: "MC-Api-Key".into()
            })
        );
        assert_eq!(
            s.pagination.map(|p| p.style),
            Some(PaginationStyle::NextLink)
        );
    }

    #[test]
    fn unknown_key_is_a_located_error() {
        let err = Settings::from_toml("[crate]\nname = \"a\"\nnmae = 1\n", "s.toml")
            .expect_err("unknown key");
        let text = err.to_string();
        assert!(text.contains("s.toml"), "{text}");
        assert!(text.contains("line 3"), "{text}");
        assert!(text.contains("nmae"), "{text}");
    }
}
