//! [`ClientCore`]: the cheap-to-clone handle that generated clients wrap. It resolves a
//! [`Request`] against the base URL, adds credentials and default headers, sends it in
//! a tracing span, classifies the outcome and keeps the ETag store up to date.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ETAG, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::auth::Credentials;
use crate::decode::{decode_json, status_error};
use crate::error::Error;
use crate::etag::EtagStore;
use crate::pagination::{Items, Page, Pages};
use crate::profile::VendorProfile;
use crate::request::{IfMatch, Parts, Request};
use crate::response::Response;

/// Header used for `If-Match` when the profile declares no ETag policy.
const DEFAULT_IF_MATCH_HEADER: &str = "If-Match";

/// Shared client state, built by [`crate::ClientBuilder`].
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) profile: &'static VendorProfile,
    pub(crate) base_url: Url,
    pub(crate) credentials: Option<Credentials>,
    /// `Accept`, `User-Agent` and the user's default headers.
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeout: Duration,
    pub(crate) etags: EtagStore,
}

/// The runtime half of every generated client: cheap to clone (one `Arc`), safe to
/// share between tasks.
#[derive(Clone)]
pub struct ClientCore {
    inner: Arc<Inner>,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCore")
            .field("vendor", &self.inner.profile.name)
            .field("base_url", &self.inner.base_url.as_str())
            .finish_non_exhaustive()
    }
}

/// A received response before its body is interpreted.
struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl ClientCore {
    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The base URL that request paths are appended to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The vendor profile this client was built from.
    pub fn profile(&self) -> &'static VendorProfile {
        self.inner.profile
    }

    /// The last ETag seen for the resolved request `path` (as in
    /// [`Request::path`], without base URL or query), if the vendor uses ETags.
    pub fn etag_for(&self, path: &str) -> Option<String> {
        self.inner.etags.get(path)
    }

    /// Sends `req` and decodes a 2xx JSON body as `T`.
    pub async fn send_json<T: DeserializeOwned, E: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<Response<T>, Error<E>> {
        let raw = self.execute(req).await?;
        let body = decode_json(raw.status, raw.body)?;
        Ok(Response::new(raw.status, raw.headers, body))
    }

    /// Sends `req`; any 2xx is success and the body is ignored.
    pub async fn send_empty<E: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<Response<()>, Error<E>> {
        let raw = self.execute(req).await?;
        Ok(Response::new(raw.status, raw.headers, ()))
    }

    /// Sends `req` and returns a 2xx body as raw bytes.
    pub async fn send_bytes<E: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<Response<Bytes>, Error<E>> {
        let raw = self.execute(req).await?;
        Ok(Response::new(raw.status, raw.headers, raw.body))
    }

    /// A stream of pages, starting with `req` and following [`Page::next_page`].
    pub fn pages<P: Page, E: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
    ) -> Pages<P, E> {
        Pages::new(self.clone(), req)
    }

    /// A stream of the items of all pages, at most `max_items` of them.
    pub fn items<P: Page, E: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
        max_items: Option<u64>,
    ) -> Items<P, E> {
        Items::new(self.pages(req), max_items)
    }

    /// Checks, resolves and sends `req`; a non-2xx status is an error.
    async fn execute<E: DeserializeOwned>(&self, req: Request) -> Result<RawResponse, Error<E>> {
        let parts = req.into_parts()?;
        let span = tracing::debug_span!(
            "http_request",
            vendor = self.inner.profile.name,
            method = %parts.method,
            path_template = parts.path_template,
            status = tracing::field::Empty,
        );
        self.execute_parts(parts, span.clone())
            .instrument(span)
            .await
    }

    async fn execute_parts<E: DeserializeOwned>(
        &self,
        parts: Parts,
        span: tracing::Span,
    ) -> Result<RawResponse, Error<E>> {
        let url = self.url_for(&parts.path, &parts.query)?;
        let headers = self.headers_for(&parts)?;
        let timeout = parts.timeout.unwrap_or(self.inner.timeout);
        let mut builder = self
            .inner
            .http
            .request(parts.method.clone(), url)
            .headers(headers)
            .timeout(timeout);
        if let Some(body) = parts.body {
            builder = builder.body(body);
        }
        let mut response = builder.send().await.map_err(Error::from_reqwest)?;
        let status = response.status();
        span.record("status", status.as_u16());
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(Error::from_reqwest)?;
        if !status.is_success() {
            tracing::debug!(status = status.as_u16(), "request failed");
            return Err(status_error(status, headers, body));
        }
        self.track_etag(&parts.method, &parts.path, &headers);
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    /// Base URL path + request path, then the query; refuses a path the URL parser
    /// would change.
    fn url_for<E>(
        &self,
        path: &str,
        query: &[(Cow<'static, str>, String)],
    ) -> Result<Url, Error<E>> {
        let mut url = self.inner.base_url.clone();
        let separator = if path.starts_with('/') { "" } else { "/" };
        let full = format!("{}{separator}{path}", url.path().trim_end_matches('/'));
        url.set_path(&full);
        if url.path() != full {
            return Err(Error::InvalidRequest {
                message: format!(
                    "the path `{full}` is not a valid URL path (it became `{}`)",
                    url.path()
                ),
            });
        }
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    /// Defaults, then credentials, then the request's own headers, then `If-Match`.
    fn headers_for<E>(&self, parts: &Parts) -> Result<HeaderMap, Error<E>> {
        let mut headers = self.inner.default_headers.clone();
        if let Some(credentials) = &self.inner.credentials {
            credentials.apply(&mut headers);
        }
        for (name, value) in &parts.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(spec) = &parts.if_match {
            let header = self
                .inner
                .profile
                .etag
                .map_or(DEFAULT_IF_MATCH_HEADER, |policy| policy.if_match_header);
            let invalid = |message: String| Error::InvalidRequest { message };
            let name = HeaderName::from_bytes(header.as_bytes())
                .map_err(|_| invalid(format!("`{header}` is not a valid header name")))?;
            match spec
                .explicit
                .clone()
                .or_else(|| self.inner.etags.get(&parts.path))
            {
                Some(etag) => {
                    let value = HeaderValue::from_str(&etag).map_err(|_| {
                        invalid(format!(
                            "the ETag for `{header}` is not a valid header value"
                        ))
                    })?;
                    headers.insert(name, value);
                }
                None if spec.policy == IfMatch::Required => {
                    return Err(Error::MissingEtag {
                        path: parts.path.clone(),
                    });
                }
                None => {}
            }
        }
        Ok(headers)
    }

    /// After a 2xx: remember the ETag of GET/PUT/PATCH, forget it after DELETE (and
    /// after a PUT/PATCH that returned none, since the old one is now stale).
    fn track_etag(&self, method: &Method, path: &str, headers: &HeaderMap) {
        if self.inner.profile.etag.is_none() {
            return;
        }
        let etag = headers.get(ETAG).and_then(|v| v.to_str().ok());
        match (method, etag) {
            (&Method::GET | &Method::PUT | &Method::PATCH, Some(etag)) => {
                self.inner.etags.remember(path, etag);
            }
            (&Method::PUT | &Method::PATCH | &Method::DELETE, _) => self.inner.etags.forget(path),
            _ => {}
        }
    }
}
