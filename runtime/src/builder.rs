//! [`ClientBuilder`]: turns a [`VendorProfile`] plus user settings into a client, and
//! [`BuildError`], which says what setting was wrong.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::auth::{AuthScheme, Credentials, CredentialsError, Secret, TokenCache, TokenProvider};
use crate::client::{ClientCore, Inner, ScopeState};
use crate::policy::VendorPolicies;
use crate::profile::VendorProfile;
use crate::rate_limit::{RateLimitTable, RateLimiter};
use crate::retry::{BudgetState, RetryPolicy};
use crate::scope::Scope;
use crate::task::PollPolicy;
use crate::time::{Clock, RandomSource, SeededRandom, SystemClock};

/// Default connect timeout.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default per-request timeout.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Why a client could not be built. Never contains a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL does not parse or cannot be used as a base.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A header name or value is invalid.
    #[error("invalid header `{name}`: {reason}")]
    InvalidHeader {
        /// The header name as given.
        name: String,
        /// What is wrong (the value is never printed).
        reason: String,
    },
    /// `api_key` was set but the vendor does not authenticate with an API key header.
    #[error("vendor `{vendor}` does not take an API key header; use `bearer_token` instead")]
    ApiKeyNotSupported {
        /// The vendor name.
        vendor: &'static str,
    },
    /// The underlying `reqwest` client could not be built.
    #[error("could not build the HTTP client")]
    Http(#[source] reqwest::Error),
}

#[derive(Clone)]
enum PendingAuth {
    Bearer(Secret),
    ApiKey(Secret),
    Provider(Arc<dyn TokenProvider>),
}

/// Builds a client `C` (a generated client wrapping a [`ClientCore`]) for one vendor.
///
/// ```no_run
/// # use cloudgen_runtime::{ClientBuilder, ClientCore, VendorProfile, AuthScheme};
/// # static PROFILE: VendorProfile = VendorProfile { name: "v", default_base_url: "https://example.com",
/// #     auth: AuthScheme::Bearer, user_agent: "ua", etag: None };
/// let client: ClientCore = ClientBuilder::new(&PROFILE).bearer_token("token").build()?;
/// # Ok::<(), cloudgen_runtime::BuildError>(())
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<C = ClientCore> {
    profile: &'static VendorProfile,
    base_url: Option<String>,
    auth: Option<PendingAuth>,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: Option<String>,
    default_headers: Vec<(String, String)>,
    reqwest_client: Option<reqwest::Client>,
    policies: VendorPolicies,
    operation_timeout: Option<Duration>,
    scope: Scope,
    clock: Option<Arc<dyn Clock>>,
    random: Option<Arc<dyn RandomSource>>,
    _client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            None => "none",
            Some(PendingAuth::Bearer(_)) => "bearer(***)",
            Some(PendingAuth::ApiKey(_)) => "api_key(***)",
            Some(PendingAuth::Provider(_)) => "token_provider(***)",
        };
        let header_names: Vec<&str> = self
            .default_headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        f.debug_struct("ClientBuilder")
            .field("vendor", &self.profile.name)
            .field(
                "base_url",
                &self
                    .base_url
                    .as_deref()
                    .unwrap_or(self.profile.default_base_url),
            )
            .field("auth", &auth)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("default_headers", &header_names)
            .field("custom_reqwest_client", &self.reqwest_client.is_some())
            .field("operation_timeout", &self.operation_timeout)
            .field("policies", &self.policies)
            .field("scope", &self.scope)
            .finish()
    }
}

impl<C: From<ClientCore>> ClientBuilder<C> {
    /// Starts a builder with the vendor's defaults.
    pub fn new(profile: &'static VendorProfile) -> Self {
        Self {
            profile,
            base_url: None,
            auth: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: None,
            default_headers: Vec::new(),
            reqwest_client: None,
            policies: VendorPolicies::new(),
            operation_timeout: None,
            scope: Scope::new(),
            clock: None,
            random: None,
            _client: PhantomData,
        }
    }

    /// Applies a vendor's policies (retries, rate limits, envelope, token margin, task
    /// polling). Later calls of the individual setters override them.
    pub fn policies(mut self, policies: &'static VendorPolicies) -> Self {
        self.policies = *policies;
        self
    }

    /// The retry policy ([`RetryPolicy::STANDARD`] by default; [`RetryPolicy::NONE`]
    /// switches retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policies.retry = policy;
        self
    }

    /// Client-side rate limits (none by default).
    pub fn rate_limits(mut self, table: RateLimitTable) -> Self {
        self.policies.rate_limits = Some(table);
        self
    }

    /// Unwrap `{"data": ...}` success bodies by default ([`crate::Request::unwrap_data`]
    /// overrides it per call).
    pub fn unwrap_data(mut self, unwrap: bool) -> Self {
        self.policies.unwrap_data = unwrap;
        self
    }

    /// How async tasks are polled by [`ClientCore::poll_task`].
    pub fn task_poll(mut self, policy: PollPolicy) -> Self {
        self.policies.task_poll = policy;
        self
    }

    /// Timeout of a whole call: all attempts, retry waits and rate-limit waits
    /// (none by default). Exceeding it is [`crate::Error::OperationTimeout`].
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Default headers and query parameters saying where the client acts (see
    /// [`Scope`]). Validated by `build`.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// Authenticates with login tokens from `provider` (e.g.
    /// [`crate::LoginProvider::palette`]). Replaces a bearer token or API key.
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.auth = Some(PendingAuth::Provider(Arc::new(provider)));
        self
    }

    /// Refresh login tokens this long before they expire (default 60 s, at most half
    /// the token's lifetime).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.policies.token_refresh_margin = margin;
        self
    }

    /// The clock for waits, deadlines, token expiry and `Retry-After` dates
    /// ([`SystemClock`] by default; tests use [`crate::ManualClock`]).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Seeds the backoff jitter, for reproducible runs.
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.random = Some(Arc::new(SeededRandom::new(seed)));
        self
    }

    /// The random source of the backoff jitter.
    pub fn random_source(mut self, random: impl RandomSource) -> Self {
        self.random = Some(Arc::new(random));
        self
    }

    /// Overrides the vendor's default base URL, e.g. `http://127.0.0.1:8080/api`.
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base_url = Some(url.as_ref().to_owned());
        self
    }

    /// Authenticates with `Authorization: Bearer <token>`. Replaces any API key set before.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(PendingAuth::Bearer(Secret::new(token)));
        self
    }

    /// Authenticates with the API key header named by the vendor's
    /// [`AuthScheme::ApiKey`]. Replaces any bearer token set before. `build` fails if
    /// the vendor has no API key scheme.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.auth = Some(PendingAuth::ApiKey(Secret::new(key)));
        self
    }

    /// Connect timeout (default 10 s). Ignored with [`Self::reqwest_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout for each attempt, from sending to the end of the body (default 60 s).
    /// [`crate::Request::timeout`] overrides it per call. See also
    /// [`Self::operation_timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Overrides the vendor's default `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Adds a header sent with every request (a request's own header of the same name
    /// wins). Validated by `build`.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Uses this `reqwest` client instead of building one (proxies, custom TLS...).
    /// Connect timeout and redirect policy are then the given client's.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.reqwest_client = Some(client);
        self
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let base_url_is_default = self.base_url.is_none();
        let base_url = parse_base_url(
            self.base_url
                .as_deref()
                .unwrap_or(self.profile.default_base_url),
        )?;
        let credentials = self.credentials()?;
        let default_headers = self.default_headers()?;
        let http = match self.reqwest_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .use_rustls_tls()
                .connect_timeout(self.connect_timeout)
                // Redirects are not followed: a 3xx is an error. Following them could
                // send an API key header to another host.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(BuildError::Http)?,
        };
        let scope = ScopeState::new(self.scope.clone())?;
        let token = match &self.auth {
            Some(PendingAuth::Provider(provider)) => Some(TokenCache::new(
                provider.clone(),
                self.policies.token_refresh_margin,
            )),
            _ => None,
        };
        let policies = self.policies;
        let inner = Inner {
            http,
            profile: self.profile,
            base_url,
            base_url_is_default,
            credentials,
            token,
            default_headers,
            timeout: self.timeout,
            operation_timeout: self.operation_timeout,
            retry: policies.retry,
            budget: BudgetState::new(policies.retry.budget_config()),
            rate_limiter: policies
                .rate_limits
                .filter(|table| !table.limits_nothing())
                .map(RateLimiter::new),
            unwrap_data: policies.unwrap_data,
            task_poll: policies.task_poll,
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock::new())),
            random: self
                .random
                .unwrap_or_else(|| Arc::new(SeededRandom::from_entropy())),
        };
        Ok(C::from(ClientCore::from_parts(inner, scope)))
    }

    fn credentials(&self) -> Result<Option<Credentials>, BuildError> {
        let result = match (&self.auth, self.profile.auth) {
            (None, _) | (Some(PendingAuth::Provider(_)), _) => return Ok(None),
            (Some(PendingAuth::Bearer(token)), _) => Credentials::bearer(token),
            (Some(PendingAuth::ApiKey(key)), AuthScheme::ApiKey { header }) => {
                Credentials::api_key(header, key)
            }
            (Some(PendingAuth::ApiKey(_)), _) => {
                return Err(BuildError::ApiKeyNotSupported {
                    vendor: self.profile.name,
                });
            }
        };
        result.map(Some).map_err(|e| match e {
            CredentialsError::InvalidHeaderName(name) => BuildError::InvalidHeader {
                name: name.to_owned(),
                reason: "not a valid header name".to_owned(),
            },
            CredentialsError::InvalidSecret => BuildError::InvalidHeader {
                name: "credentials".to_owned(),
                reason: "the token or key contains characters not allowed in a header".to_owned(),
            },
        })
    }

    fn default_headers(&self) -> Result<HeaderMap, BuildError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let user_agent = self
            .user_agent
            .as_deref()
            .unwrap_or(self.profile.user_agent);
        headers.insert(USER_AGENT, header_value("User-Agent", user_agent)?);
        for (name, value) in &self.default_headers {
            let header_name =
                HeaderName::from_bytes(name.as_bytes()).map_err(|_| BuildError::InvalidHeader {
                    name: name.clone(),
                    reason: "not a valid header name".to_owned(),
                })?;
            headers.insert(header_name, header_value(name, value)?);
        }
        Ok(headers)
    }
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, BuildError> {
    HeaderValue::from_str(value).map_err(|_| BuildError::InvalidHeader {
        name: name.to_owned(),
        reason: "the value contains characters not allowed in a header".to_owned(),
    })
}

fn parse_base_url(raw: &str) -> Result<url::Url, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let url = url::Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(invalid("the URL has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL must not have a query or a fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials in the URL are not supported; use the builder's auth methods",
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    static PROFILE: VendorProfile = VendorProfile {
        name: "test",
        default_base_url: "https://example.com/api",
        auth: AuthScheme::Bearer,
        user_agent: "test-ua/1",
        etag: None,
    };

    fn build(b: ClientBuilder<ClientCore>) -> Result<ClientCore, BuildError> {
        b.build()
    }

    #[test]
    fn base_url_errors_name_the_url_and_reason() {
        for (url, reason) in [
            ("not a url", "relative URL"),
            ("ftp://x.com", "scheme"),
            ("https://x.com/api?x=1", "query"),
            ("mailto:a@b.c", "scheme"),
            ("https://u:p@x.com", "credentials"),
        ] {
            let err = build(ClientBuilder::new(&PROFILE).base_url(url)).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(url) && msg.contains(reason), "{msg}");
        }
    }

    #[test]
    fn invalid_default_header_is_reported_without_value() {
        let err = build(ClientBuilder::new(&PROFILE).default_header("X-Ok", "bad\nsecretvalue"))
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("X-Ok") && !msg.contains("secretvalue"),
            "{msg}"
        );
        let err = build(ClientBuilder::new(&PROFILE).default_header("bad name", "v")).unwrap_err();
        assert!(matches!(err, BuildError::InvalidHeader { .. }));
    }

    #[test]
    fn api_key_needs_an_api_key_vendor() {
        let err = build(ClientBuilder::new(&PROFILE).api_key("k")).unwrap_err();
        assert!(matches!(
            err,
            BuildError::ApiKeyNotSupported { vendor: "test" }
        ));
    }

    #[test]
    fn invalid_token_is_reported_without_the_token() {
        let err =
            build(ClientBuilder::new(&PROFILE).bearer_token("abc\r\nsupersecret")).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("supersecret"));
    }

    #[test]
    fn default_base_url_is_used() {
        let client = build(ClientBuilder::new(&PROFILE)).unwrap();
        assert_eq!(client.base_url().as_str(), "https://example.com/api");
    }
}
