//! Credentials: the [`Secret`] wrapper that never prints its contents, the vendor's
//! static [`AuthScheme`], and the crate-private [`Credentials`] that put a secret on a
//! request as a sensitive header.

use std::fmt;

use http::header::{AUTHORIZATION, HeaderName, HeaderValue};

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
