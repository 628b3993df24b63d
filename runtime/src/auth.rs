//! Credentials: the [`Secret`] wrapper that never prints its contents, the vendor's
//! static [`AuthScheme`], the crate-private [`Credentials`] that put a secret on a
//! request as a sensitive header, and login tokens: the [`TokenProvider`] trait, the
//! built-in [`LoginProvider`] (Palette's `POST /v1/auth/authenticate`) and the cache
//! that shares one refresh between concurrent callers.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::Method;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::client::ClientCore;
use crate::error::Error;
use crate::request::Request;
use crate::time::{BoxFuture, Clock};

/// A secret string (token, API key). `Debug` and `Display` print `Secret(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// How a vendor authenticates requests, as declared by its generated profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// No authentication.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// An API key sent in the named header, e.g. `MC-Api-Key: <key>`.
    ApiKey {
        /// Header name the key is sent in.
        header: &'static str,
    },
}

/// Credentials chosen by the user, ready to be put on requests.
#[derive(Clone)]
pub(crate) struct Credentials {
    name: HeaderName,
    value: HeaderValue,
}

/// Why credentials could not be turned into a header. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CredentialsError {
    /// The header name from the profile is not a valid header name.
    InvalidHeaderName(&'static str),
    /// The secret contains bytes that are not allowed in a header value.
    InvalidSecret,
}

impl Credentials {
    /// `Authorization: Bearer <token>`.
    pub(crate) fn bearer(token: &Secret) -> Result<Self, CredentialsError> {
        Self::sensitive(AUTHORIZATION, &format!("Bearer {}", token.expose()))
    }

    /// `<header>: <key>`.
    pub(crate) fn api_key(header: &'static str, key: &Secret) -> Result<Self, CredentialsError> {
        let name = HeaderName::from_bytes(header.as_bytes())
            .map_err(|_| CredentialsError::InvalidHeaderName(header))?;
        Self::sensitive(name, key.expose())
    }

    /// `<header>: <prefix><token>`.
    pub(crate) fn token(header: TokenHeader, token: &Secret) -> Result<Self, CredentialsError> {
        let name = HeaderName::from_bytes(header.name.as_bytes())
            .map_err(|_| CredentialsError::InvalidHeaderName(header.name))?;
        Self::sensitive(name, &format!("{}{}", header.prefix, token.expose()))
    }

    fn sensitive(name: HeaderName, value: &str) -> Result<Self, CredentialsError> {
        let mut value =
            HeaderValue::from_str(value).map_err(|_| CredentialsError::InvalidSecret)?;
        value.set_sensitive(true);
        Ok(Self { name, value })
    }

    /// Sets the credentials header, replacing any value already there.
    pub(crate) fn apply(&self, headers: &mut http::HeaderMap) {
        headers.insert(self.name.clone(), self.value.clone());
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("header", &self.name)
            .field("value", &"***")
            .finish()
    }
}

/// A login token and how long it is valid.
#[derive(Debug, Clone)]
pub struct Token {
    /// The token.
    pub value: Secret,
    /// How long the token is valid from now; `None` = until the server says 401.
    pub lifetime: Option<Duration>,
}

/// Where a login token goes on a request: `<name>: <prefix><token>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenHeader {
    /// Header name, e.g. `Authorization`.
    pub name: &'static str,
    /// Text before the token, e.g. `Bearer ` (with the space), or empty.
    pub prefix: &'static str,
}

impl TokenHeader {
    /// `Authorization: Bearer <token>`.
    pub const BEARER: Self = Self {
        name: "Authorization",
        prefix: "Bearer ",
    };
    /// `Authorization: <token>` (Palette).
    pub const RAW_AUTHORIZATION: Self = Self {
        name: "Authorization",
        prefix: "",
    };
}

/// Gets login tokens. The client caches the token, refreshes it shortly before it
/// expires (one refresh shared by all concurrent callers), and on a 401 fetches a new
/// one and repeats the call once.
///
/// `fetch` gets the client itself, to send the login request; mark that request
/// [`Request::without_auth`] so it does not ask for a token in turn.
pub trait TokenProvider: Send + Sync + fmt::Debug + 'static {
    /// Obtains a fresh token.
    fn fetch<'a>(&'a self, client: &'a ClientCore) -> BoxFuture<'a, Result<Token, Error>>;

    /// Where the token goes on requests. Defaults to `Authorization: Bearer <token>`.
    fn header(&self) -> TokenHeader {
        TokenHeader::BEARER
    }
}

/// Logs in with a JSON body `{<user_field>: user, <password_field>: password}` and
/// reads the token from a top-level string field of the JSON response.
///
/// [`LoginProvider::palette`] is Palette's `POST /v1/auth/authenticate` with
/// `{emailId, password}`, answering `{"Authorization": "<jwt>"}`, a token that lives
/// 15 minutes and is sent as `Authorization: <jwt>`.
#[derive(Clone)]
pub struct LoginProvider {
    path: &'static str,
    user_field: &'static str,
    user: String,
    password_field: &'static str,
    password: Secret,
    token_field: &'static str,
    lifetime: Option<Duration>,
    header: TokenHeader,
}

impl LoginProvider {
    /// A provider posting to `path` (relative to the base URL).
    pub fn new(
        path: &'static str,
        user_field: &'static str,
        user: impl Into<String>,
        password_field: &'static str,
        password: impl Into<Secret>,
        token_field: &'static str,
    ) -> Self {
        Self {
            path,
            user_field,
            user: user.into(),
            password_field,
            password: password.into(),
            token_field,
            lifetime: None,
            header: TokenHeader::BEARER,
        }
    }

    /// Palette: `POST /v1/auth/authenticate`, 15-minute JWT in `Authorization`.
    pub fn palette(email: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::new(
            "/v1/auth/authenticate",
            "emailId",
            email,
            "password",
            password,
            "Authorization",
        )
        .lifetime(Duration::from_secs(15 * 60))
        .with_header(TokenHeader::RAW_AUTHORIZATION)
    }

    /// How long a token lives.
    #[must_use]
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = Some(lifetime);
        self
    }

    /// Where the token goes on requests.
    #[must_use]
    pub fn with_header(mut self, header: TokenHeader) -> Self {
        self.header = header;
        self
    }
}

impl fmt::Debug for LoginProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginProvider")
            .field("path", &self.path)
            .field("user", &self.user)
            .field("password", &self.password)
            .finish_non_exhaustive()
    }
}

impl TokenProvider for LoginProvider {
    fn fetch<'a>(&'a self, client: &'a ClientCore) -> BoxFuture<'a, Result<Token, Error>> {
        Box::pin(async move {
            let mut body = serde_json::Map::new();
            body.insert(self.user_field.to_owned(), self.user.clone().into());
            body.insert(
                self.password_field.to_owned(),
                self.password.expose().to_owned().into(),
            );
            let request = Request::new(Method::POST, self.path)
                .json_body(&body)
                .without_auth()
                .unwrap_data(false);
            let response = client.send_bytes::<serde_json::Value>(request).await?;
            // The body holds the token: never put it into an error.
            let token = serde_json::from_slice::<serde_json::Value>(response.into_inner().as_ref())
                .ok()
                .and_then(|v| v.get(self.token_field)?.as_str().map(str::to_owned))
                .filter(|t| !t.is_empty());
            match token {
                Some(value) => Ok(Token {
                    value: Secret::new(value),
                    lifetime: self.lifetime,
                }),
                None => Err(Error::Auth {
                    message: format!(
                        "the login response of `{}` has no string field `{}`",
                        self.path, self.token_field
                    ),
                    source: None,
                }),
            }
        })
    }

    fn header(&self) -> TokenHeader {
        self.header
    }
}

struct CachedToken {
    credentials: Credentials,
    /// Monotonic time after which the token is refreshed before use.
    refresh_at: Option<Duration>,
    generation: u64,
}

/// The cached token of a client; shared by its scoped copies.
pub(crate) struct TokenCache {
    provider: Arc<dyn TokenProvider>,
    margin: Duration,
    state: tokio::sync::Mutex<(Option<CachedToken>, u64)>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    pub(crate) fn new(provider: Arc<dyn TokenProvider>, margin: Duration) -> Self {
        Self {
            provider,
            margin,
            state: tokio::sync::Mutex::new((None, 0)),
        }
    }

    /// The current credentials and their generation, fetching a token if there is
    /// none or it is about to expire. Concurrent callers wait for one fetch.
    pub(crate) async fn get(
        &self,
        client: &ClientCore,
        clock: &dyn Clock,
    ) -> Result<(Credentials, u64), Error> {
        let mut state = self.state.lock().await;
        if let Some(cached) = &state.0 {
            if cached.refresh_at.is_none_or(|at| clock.monotonic() < at) {
                return Ok((cached.credentials.clone(), cached.generation));
            }
        }
        tracing::debug!("fetching a login token");
        let token = self.provider.fetch(client).await.map_err(|e| Error::Auth {
            message: "could not obtain a login token".to_owned(),
            source: Some(Box::new(e)),
        })?;
        let credentials =
            Credentials::token(self.provider.header(), &token.value).map_err(|e| Error::Auth {
                message: match e {
                    CredentialsError::InvalidHeaderName(name) => {
                        format!("`{name}` is not a valid header name")
                    }
                    CredentialsError::InvalidSecret => {
                        "the login token contains characters not allowed in a header".to_owned()
                    }
                },
                source: None,
            })?;
        let refresh_at = token.lifetime.map(|lifetime| {
            clock.monotonic() + lifetime.saturating_sub(self.margin.min(lifetime / 2))
        });
        state.1 += 1;
        let generation = state.1;
        state.0 = Some(CachedToken {
            credentials: credentials.clone(),
            refresh_at,
            generation,
        });
        Ok((credentials, generation))
    }

    /// Forgets the token of `generation` after a 401 (a newer one is kept).
    pub(crate) async fn invalidate(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state.0.as_ref().is_some_and(|c| c.generation == generation) {
            state.0 = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::from("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "Secret(***)");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn bearer_header_is_sensitive() {
        let c = Credentials::bearer(&Secret::from("tok123")).unwrap();
        let mut h = http::HeaderMap::new();
        c.apply(&mut h);
        let v = &h[AUTHORIZATION];
        assert!(v.is_sensitive());
        assert_eq!(v.to_str().unwrap(), "Bearer tok123");
        assert!(!format!("{h:?}").contains("tok123"));
        assert!(!format!("{c:?}").contains("tok123"));
    }

    #[test]
    fn api_key_uses_profile_header() {
        let c = Credentials::api_key("MC-Api-Key", &Secret::from("k1")).unwrap();
        let mut h = http::HeaderMap::new();
        c.apply(&mut h);
        assert!(h["mc-api-key"].is_sensitive());
        assert_eq!(h["mc-api-key"].to_str().unwrap(), "k1");
    }

    #[test]
    fn invalid_inputs_are_errors() {
        assert_eq!(
            Credentials::api_key("bad header", &Secret::from("k")).unwrap_err(),
            CredentialsError::InvalidHeaderName("bad header")
        );
        assert_eq!(
            Credentials::bearer(&Secret::from("a\nb")).unwrap_err(),
            CredentialsError::InvalidSecret
        );
    }
}

#[cfg(test)]
mod login_tests {
    use super::*;

    #[test]
    fn login_provider_debug_hides_password() {
        let p = LoginProvider::palette("me@example.com", "pw-SECRET");
        let shown = format!("{p:?}");
        assert!(!shown.contains("pw-SECRET") && shown.contains("me@example.com"));
        assert_eq!(TokenProvider::header(&p), TokenHeader::RAW_AUTHORIZATION);
        let c = Credentials::token(TokenHeader::RAW_AUTHORIZATION, &Secret::from("jwt")).unwrap();
        let mut h = http::HeaderMap::new();
        c.apply(&mut h);
        assert_eq!(h[AUTHORIZATION], "jwt");
        assert!(h[AUTHORIZATION].is_sensitive());
    }
}
