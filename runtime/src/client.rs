//! [`ClientCore`]: the cheap-to-clone handle that generated clients wrap. It resolves a
//! [`Request`] against the base URL and scope, adds credentials, waits for the rate
//! limiter, sends it in a tracing span, retries by policy, classifies the outcome and
//! keeps the ETag store up to date.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ETAG, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::auth::{Credentials, TokenCache};
use crate::body::{Body, ByteStream, Prepared};
use crate::builder::BuildError;
use crate::by_status::{Answer, FromStatus};
use crate::decode::{decode_json, decode_json_data, decode_text, status_error};
use crate::error::Error;
use crate::etag::EtagStore;
use crate::pagination::{Items, Page, Pages};
use crate::profile::VendorProfile;
use crate::rate_limit::RateLimiter;
use crate::request::{IfMatch, Parts, Request};
use crate::response::Response;
use crate::retry::{
    BudgetState, NoRetryReason, Outcome, RetryDecision, RetryPolicy, idempotent_method,
};
use crate::scope::Scope;
use crate::sending::{Sending, kind};
use crate::task::{PollPolicy, TaskShape, TaskState, poll_task};
use crate::time::{Clock, RandomSource};

/// Header used for `If-Match` when the profile declares no ETag policy.
const DEFAULT_IF_MATCH_HEADER: &str = "If-Match";

/// Client state shared by a client and its scoped copies, built by
/// [`crate::ClientBuilder`].
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) profile: &'static VendorProfile,
    pub(crate) base_url: Url,
    /// The base URL is the vendor's default (operations' own servers then apply).
    pub(crate) base_url_is_default: bool,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) token: Option<TokenCache>,
    /// `Accept`, `User-Agent` and the user's default headers.
    pub(crate) default_headers: HeaderMap,
    /// Per attempt.
    pub(crate) timeout: Duration,
    pub(crate) operation_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) budget: BudgetState,
    pub(crate) rate_limiter: Option<RateLimiter>,
    pub(crate) unwrap_data: bool,
    pub(crate) task_poll: PollPolicy,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: Arc<dyn RandomSource>,
}

/// What differs between a client and its [`ClientCore::with_scope`] copies.
pub(crate) struct ScopeState {
    pub(crate) scope: Scope,
    pub(crate) headers: HeaderMap,
    pub(crate) query: Vec<(String, String)>,
    /// Per scope: the same path may name another resource in another project.
    pub(crate) etags: EtagStore,
}

impl ScopeState {
    pub(crate) fn new(scope: Scope) -> Result<Self, BuildError> {
        let (headers, query) = scope.resolve()?;
        Ok(Self {
            scope,
            headers,
            query,
            etags: EtagStore::default(),
        })
    }
}

/// The runtime half of every generated client: cheap to clone (two `Arc`s), safe to
/// share between tasks.
#[derive(Clone)]
pub struct ClientCore {
    inner: Arc<Inner>,
    scope: Arc<ScopeState>,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCore")
            .field("vendor", &self.inner.profile.name)
            .field("base_url", &self.inner.base_url.as_str())
            .field("scope", &self.scope.scope)
            .finish_non_exhaustive()
    }
}

/// A received response before its body is interpreted.
struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// The unread response, for [`ClientCore::send_stream`] on success.
    stream: Option<reqwest::Response>,
}

/// How one attempt failed.
enum Failure {
    Status(Box<RawResponse>),
    Transport(reqwest::Error),
}

impl Failure {
    fn outcome(&self) -> Outcome<'_> {
        match self {
            Self::Status(raw) => Outcome::Status {
                status: raw.status,
                headers: &raw.headers,
            },
            Self::Transport(e) if e.is_connect() => Outcome::ConnectError,
            Self::Transport(e) if e.is_timeout() => Outcome::Timeout,
            Self::Transport(_) => Outcome::TransportError,
        }
    }

    fn into_error<E: DeserializeOwned>(self) -> Error<E> {
        match self {
            Self::Status(raw) => {
                let raw = *raw;
                status_error(raw.status, raw.headers, raw.body)
            }
            Self::Transport(e) => Error::from_reqwest(e),
        }
    }
}

impl ClientCore {
    pub(crate) fn from_parts(inner: Inner, scope: ScopeState) -> Self {
        Self {
            inner: Arc::new(inner),
            scope: Arc::new(scope),
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

    /// The client's scope.
    pub fn scope(&self) -> &Scope {
        &self.scope.scope
    }

    /// The client's clock.
    pub fn clock(&self) -> &dyn Clock {
        &*self.inner.clock
    }

    /// A client acting in another scope (Palette project, CloudMC sub-organization),
    /// replacing this client's scope. It shares the connection pool, token cache, rate
    /// limiters and retry budget; it has its own ETag memory.
    pub fn with_scope(&self, scope: Scope) -> Result<Self, BuildError> {
        Ok(Self {
            inner: self.inner.clone(),
            scope: Arc::new(ScopeState::new(scope)?),
        })
    }

    /// The last ETag seen for the resolved request `path` (as in
    /// [`Request::path`], without base URL or query), if the vendor uses ETags.
    pub fn etag_for(&self, path: &str) -> Option<String> {
        self.scope.etags.get(path)
    }

    /// Sends `req` and decodes a 2xx JSON body as `T` (unwrapping `{"data": T}` when the
    /// request or the client's policy says so).
    ///
    /// Like every `send_*` method, this returns a [`Sending`] future: it owns what it
    /// needs (a clone of this client), and starts the request, with its decoding, only
    /// when first polled. A generated operation's `send` is a plain function returning it,
    /// so the generated crate compiles no decoding for operations nobody calls.
    pub fn send_json<T: DeserializeOwned + Send + 'static, E: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
    ) -> Sending<kind::Json<T, E>> {
        Sending::new(self.clone(), req)
    }

    /// Like [`ClientCore::send_json`], for operations whose document also declares a
    /// success without a body (`204`): an empty body gives `None`.
    pub fn send_json_or_empty<
        T: DeserializeOwned + Send + 'static,
        E: DeserializeOwned + Send + 'static,
    >(
        &self,
        req: Request,
    ) -> Sending<kind::JsonOrEmpty<T, E>> {
        Sending::new(self.clone(), req)
    }

    /// Sends `req` and decodes a 2xx answer into `T` by its status (operations whose
    /// document declares a different body per 2xx status; see [`crate::FromStatus`]).
    pub fn send_by_status<T: FromStatus + Send + 'static, E: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
    ) -> Sending<kind::ByStatus<T, E>> {
        Sending::new(self.clone(), req)
    }

    /// Sends `req`; any 2xx is success and the body is ignored.
    pub fn send_empty<E: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
    ) -> Sending<kind::Empty<E>> {
        Sending::new(self.clone(), req)
    }

    /// Sends `req` and returns a 2xx body as raw bytes.
    pub fn send_bytes<E: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
    ) -> Sending<kind::Bytes<E>> {
        Sending::new(self.clone(), req)
    }

    /// Sends `req` and returns a 2xx body as UTF-8 text (`text/plain` responses).
    pub fn send_text<E: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
    ) -> Sending<kind::Text<E>> {
        Sending::new(self.clone(), req)
    }

    /// Sends `req` and returns a 2xx body as an unbuffered stream of chunks (binary
    /// downloads). The call is retried like any other until the response status
    /// arrives; a failure while the body streams ends the stream with an error.
    pub fn send_stream<E: DeserializeOwned + Send + 'static>(
        &self,
        req: Request,
    ) -> Sending<kind::Stream<E>> {
        Sending::new(self.clone(), req)
    }

    /// The work of [`ClientCore::send_json`], started when its future is first polled.
    pub(crate) async fn run_json<T: DeserializeOwned, E: DeserializeOwned>(
        self,
        req: Request,
    ) -> Result<Response<T>, Error<E>> {
        let unwrap = req.flags().unwrap_data.unwrap_or(self.inner.unwrap_data);
        let raw = self.execute(req, false).await?;
        let body = decode_body(unwrap, raw.status, raw.body)?;
        Ok(Response::new(raw.status, raw.headers, body))
    }

    /// The work of [`ClientCore::send_json_or_empty`].
    pub(crate) async fn run_json_or_empty<T: DeserializeOwned, E: DeserializeOwned>(
        self,
        req: Request,
    ) -> Result<Response<Option<T>>, Error<E>> {
        let unwrap = req.flags().unwrap_data.unwrap_or(self.inner.unwrap_data);
        let raw = self.execute(req, false).await?;
        if raw.status == http::StatusCode::NO_CONTENT
            || raw.body.iter().all(u8::is_ascii_whitespace)
        {
            return Ok(Response::new(raw.status, raw.headers, None));
        }
        let body = decode_body(unwrap, raw.status, raw.body)?;
        Ok(Response::new(raw.status, raw.headers, Some(body)))
    }

    /// The work of [`ClientCore::send_by_status`].
    pub(crate) async fn run_by_status<T: FromStatus, E: DeserializeOwned>(
        self,
        req: Request,
    ) -> Result<Response<T>, Error<E>> {
        let unwrap = req.flags().unwrap_data.unwrap_or(self.inner.unwrap_data);
        let raw = self.execute(req, false).await?;
        let body = T::from_status(Answer::new(raw.status, raw.body, unwrap))?;
        Ok(Response::new(raw.status, raw.headers, body))
    }

    /// The work of [`ClientCore::send_empty`].
    pub(crate) async fn run_empty<E: DeserializeOwned>(
        self,
        req: Request,
    ) -> Result<Response<()>, Error<E>> {
        let raw = self.execute(req, false).await?;
        Ok(Response::new(raw.status, raw.headers, ()))
    }

    /// The work of [`ClientCore::send_bytes`].
    pub(crate) async fn run_bytes<E: DeserializeOwned>(
        self,
        req: Request,
    ) -> Result<Response<Bytes>, Error<E>> {
        let raw = self.execute(req, false).await?;
        Ok(Response::new(raw.status, raw.headers, raw.body))
    }

    /// The work of [`ClientCore::send_text`].
    pub(crate) async fn run_text<E: DeserializeOwned>(
        self,
        req: Request,
    ) -> Result<Response<String>, Error<E>> {
        let raw = self.execute(req, false).await?;
        let text = decode_text(raw.status, raw.body)?;
        Ok(Response::new(raw.status, raw.headers, text))
    }

    /// The work of [`ClientCore::send_stream`].
    pub(crate) async fn run_stream<E: DeserializeOwned + Send + 'static>(
        self,
        req: Request,
    ) -> Result<Response<ByteStream<E>>, Error<E>> {
        let raw = self.execute(req, true).await?;
        let stream = match raw.stream {
            Some(response) => ByteStream::new(response),
            None => ByteStream::from_bytes(raw.body),
        };
        Ok(Response::new(raw.status, raw.headers, stream))
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

    /// Polls an async task with `poll` until it is terminal, with the client's poll
    /// policy (see [`crate::task`] for the outcomes).
    pub async fn poll_task<T, E, F, Fut>(&self, poll: F) -> Result<T, Error<E>>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<TaskState<T>, Error<E>>>,
    {
        poll_task(&*self.inner.clock, self.inner.task_poll, poll).await
    }

    /// Follows an async task to its end: `accepted` is the typed answer of the call
    /// that started it. A task already terminal in that answer returns at once;
    /// otherwise `GET poll_path` (whose one path parameter is `{id}`) is polled with the
    /// client's poll policy. The result is the task's `result`, as JSON (vendors type it
    /// per operation, if at all); an empty answer (`accepted` serializes to `null`, as an
    /// `Option` that is `None` does) means no task and gives `null`.
    pub async fn wait_for_task<A, E>(
        &self,
        shape: &TaskShape,
        poll_path: &'static str,
        accepted: &A,
    ) -> Result<serde_json::Value, Error<E>>
    where
        A: serde::Serialize,
        E: DeserializeOwned,
    {
        let accepted = serde_json::to_value(accepted).map_err(Error::Serialize)?;
        if accepted.is_null() {
            // No body (a 204 where the document also allows one): nothing runs on.
            return Ok(serde_json::Value::Null);
        }
        match shape.state(&accepted) {
            Some(TaskState::Succeeded(result)) => return Ok(result),
            Some(TaskState::Failed { message }) => return Err(Error::TaskFailed { message }),
            Some(TaskState::Pending) | None => {}
        }
        let id = shape.require_id(&accepted)?;
        self.poll_task(|| {
            let request = Request::new(Method::GET, poll_path).path_param("id", &id);
            async move {
                let task = self
                    .clone()
                    .run_json::<serde_json::Value, E>(request)
                    .await?;
                shape.require_state(&task)
            }
        })
        .await
    }

    /// Like [`ClientCore::poll_task`] with another policy.
    pub async fn poll_task_with<T, E, F, Fut>(
        &self,
        policy: PollPolicy,
        poll: F,
    ) -> Result<T, Error<E>>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<TaskState<T>, Error<E>>>,
    {
        poll_task(&*self.inner.clock, policy, poll).await
    }

    /// Checks, resolves and sends `req` with retries; a non-2xx status is an error.
    async fn execute<E: DeserializeOwned>(
        &self,
        req: Request,
        stream: bool,
    ) -> Result<RawResponse, Error<E>> {
        let parts = req.into_parts()?;
        let span = tracing::debug_span!(
            "http_request",
            vendor = self.inner.profile.name,
            method = %parts.method,
            path_template = parts.path_template,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = self.inner.clock.monotonic();
        let result = self
            .execute_parts(parts, stream, started, &span)
            .instrument(span.clone())
            .await;
        if !span.is_disabled() {
            let elapsed = self.inner.clock.monotonic().saturating_sub(started);
            span.record("duration_ms", elapsed.as_millis() as u64);
        }
        result
    }

    async fn execute_parts<E: DeserializeOwned>(
        &self,
        mut parts: Parts,
        stream: bool,
        started: Duration,
        span: &tracing::Span,
    ) -> Result<RawResponse, Error<E>> {
        let inner = &*self.inner;
        let clock = &*inner.clock;
        let deadline = inner.operation_timeout.map(|t| started + t);
        let url = self.url_for(parts.server, &parts.path, &parts.query)?;
        // Resolved once: every attempt sends the same `If-Match`.
        let if_match = self.if_match_for(&parts)?;
        let body = parts.body.take();
        let replayable = body.as_ref().is_none_or(Body::replayable);
        let idempotent = parts
            .flags
            .idempotent
            .unwrap_or_else(|| idempotent_method(&parts.method));
        let timeout = parts.timeout.unwrap_or(inner.timeout);
        let mut attempt = 0u32;
        let mut policy_attempt = 0u32;
        let mut auth_retried = false;
        loop {
            attempt += 1;
            policy_attempt += 1;
            span.record("attempt", attempt);
            if let Some(limiter) = &inner.rate_limiter {
                limiter
                    .acquire(clock, parts.path_template, &parts.path)
                    .await;
            }
            // Built per attempt rather than cloned: one copy of the defaults either way.
            let mut attempt_headers = self.headers_for(&parts, if_match.as_ref());
            let token_generation = self.apply_token(&parts, &mut attempt_headers).await?;
            let attempt_timeout = match deadline {
                Some(deadline) => {
                    let remaining = deadline.saturating_sub(clock.monotonic());
                    if remaining.is_zero() {
                        return Err(Error::OperationTimeout {
                            elapsed: clock.monotonic().saturating_sub(started),
                            attempts: attempt - 1,
                        });
                    }
                    timeout.min(remaining)
                }
                None => timeout,
            };
            let prepared = match &body {
                Some(body) => Some(body.prepare().await?),
                None => None,
            };
            let failure = match self
                .send_once(
                    &parts.method,
                    url.clone(),
                    attempt_headers,
                    prepared,
                    attempt_timeout,
                    stream,
                )
                .await
            {
                Ok(raw) => {
                    span.record("status", raw.status.as_u16());
                    if raw.status.is_success() {
                        inner.budget.deposit();
                        self.track_etag(&parts.method, &parts.path, &raw.headers);
                        return Ok(raw);
                    }
                    Failure::Status(Box::new(raw))
                }
                Err(e) => Failure::Transport(e),
            };
            if let (Failure::Status(raw), Some(generation)) = (&failure, token_generation) {
                if raw.status == StatusCode::UNAUTHORIZED && !auth_retried && replayable {
                    // The token was refused: fetch a new one and repeat once. A 401 had
                    // no effect, so this is safe for any method.
                    tracing::debug!(attempt, "401 with a login token: refreshing it");
                    if let Some(cache) = &inner.token {
                        cache.invalidate(generation).await;
                    }
                    auth_retried = true;
                    policy_attempt -= 1;
                    continue;
                }
            }
            let decision = if parts.flags.no_retry {
                RetryDecision::DoNotRetry(NoRetryReason::Disabled)
            } else if !replayable {
                RetryDecision::DoNotRetry(NoRetryReason::BodyNotReplayable)
            } else {
                inner.retry.decide(
                    failure.outcome(),
                    idempotent,
                    policy_attempt,
                    clock.now(),
                    inner.random.next_f64(),
                )
            };
            let decision = match decision {
                RetryDecision::Retry { delay, .. }
                    if deadline.is_some_and(|d| clock.monotonic() + delay >= d) =>
                {
                    RetryDecision::DoNotRetry(NoRetryReason::DeadlineExceeded)
                }
                RetryDecision::Retry { .. } if !inner.budget.withdraw() => {
                    RetryDecision::DoNotRetry(NoRetryReason::BudgetExhausted)
                }
                decision => decision,
            };
            match decision {
                RetryDecision::Retry { delay, reason } => {
                    tracing::debug!(
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        reason = ?reason,
                        "retrying"
                    );
                    clock.sleep(delay).await;
                }
                RetryDecision::DoNotRetry(why) => {
                    tracing::debug!(attempt, reason = ?why, "request failed");
                    let timed_out = matches!(failure.outcome(), Outcome::Timeout);
                    if timed_out && deadline.is_some_and(|d| clock.monotonic() >= d) {
                        return Err(Error::OperationTimeout {
                            elapsed: clock.monotonic().saturating_sub(started),
                            attempts: attempt,
                        });
                    }
                    return Err(failure.into_error());
                }
            }
        }
    }

    /// Puts the login token on the request, if the client has a token provider.
    /// Returns the token's generation.
    async fn apply_token<E>(
        &self,
        parts: &Parts,
        headers: &mut HeaderMap,
    ) -> Result<Option<u64>, Error<E>> {
        let Some(cache) = &self.inner.token else {
            return Ok(None);
        };
        if parts.flags.without_auth {
            return Ok(None);
        }
        match cache.get(self, &*self.inner.clock).await {
            Ok((credentials, generation)) => {
                credentials.apply(headers);
                Ok(Some(generation))
            }
            Err(Error::Auth { message, source }) => Err(Error::Auth { message, source }),
            Err(other) => Err(Error::Auth {
                message: "could not obtain a login token".to_owned(),
                source: Some(Box::new(other)),
            }),
        }
    }

    /// One attempt. `Ok` for any status; the body is read unless `stream` and 2xx.
    async fn send_once(
        &self,
        method: &Method,
        url: Url,
        headers: HeaderMap,
        body: Option<Prepared>,
        timeout: Duration,
        stream: bool,
    ) -> Result<RawResponse, reqwest::Error> {
        let http = &self.inner.http;
        let request = match body {
            // `RequestBuilder::multipart` sets the boundary and length headers.
            Some(Prepared::Form(form)) => http
                .request(method.clone(), url)
                .headers(headers)
                .timeout(timeout)
                .multipart(form)
                .build()?,
            // Otherwise the request is put together directly: the header map is moved
            // in, not copied header by header as `RequestBuilder::headers` does.
            body => {
                let mut request = reqwest::Request::new(method.clone(), url);
                *request.headers_mut() = headers;
                *request.timeout_mut() = Some(timeout);
                if let Some(Prepared::Body(body)) = body {
                    *request.body_mut() = Some(body);
                }
                request
            }
        };
        let mut response = http.execute(request).await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        if stream && status.is_success() {
            return Ok(RawResponse {
                status,
                headers,
                body: Bytes::new(),
                stream: Some(response),
            });
        }
        let body = response.bytes().await?;
        Ok(RawResponse {
            status,
            headers,
            body,
            stream: None,
        })
    }

    /// Base URL path + request path, then the query (the scope's parameters that the
    /// request does not set itself come last); refuses a path the URL parser would
    /// change. The base is the operation's own server while the client has its vendor's
    /// default base URL.
    fn url_for<E>(
        &self,
        server: Option<&str>,
        path: &str,
        query: &[(Cow<'static, str>, String)],
    ) -> Result<Url, Error<E>> {
        let mut url = match server.filter(|_| self.inner.base_url_is_default) {
            Some(server) => {
                self.inner
                    .base_url
                    .join(server)
                    .map_err(|e| Error::InvalidRequest {
                        message: format!("the operation's server `{server}` is not a URL: {e}"),
                    })?
            }
            None => self.inner.base_url.clone(),
        };
        let base_path = url.path().trim_end_matches('/');
        let full = if base_path.is_empty() && path.starts_with('/') {
            Cow::Borrowed(path)
        } else {
            let separator = if path.starts_with('/') { "" } else { "/" };
            Cow::Owned(format!("{base_path}{separator}{path}"))
        };
        url.set_path(&full);
        if url.path() != full {
            return Err(Error::InvalidRequest {
                message: format!(
                    "the path `{full}` is not a valid URL path (it became `{}`)",
                    url.path()
                ),
            });
        }
        if query.is_empty() && self.scope.query.is_empty() {
            url.set_query(None);
            return Ok(url);
        }
        let scope_query = self
            .scope
            .query
            .iter()
            .filter(|(name, _)| !query.iter().any(|(n, _)| n == name));
        let mut any = false;
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
                any = true;
            }
            for (name, value) in scope_query {
                pairs.append_pair(name, value);
                any = true;
            }
        }
        if !any {
            url.set_query(None);
        }
        Ok(url)
    }

    /// Defaults, then scope, then credentials, then the request's own headers, then
    /// `If-Match` (see [`Self::if_match_for`]). (A login token is added per attempt.)
    fn headers_for(
        &self,
        parts: &Parts,
        if_match: Option<&(HeaderName, HeaderValue)>,
    ) -> HeaderMap {
        let mut headers = self.inner.default_headers.clone();
        for (name, value) in &self.scope.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(credentials) = &self.inner.credentials {
            if !parts.flags.without_auth {
                credentials.apply(&mut headers);
            }
        }
        for (name, value) in &parts.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Some((name, value)) = if_match {
            headers.insert(name.clone(), value.clone());
        }
        headers
    }

    /// The `If-Match` header the request asked for: its explicit ETag, else the one
    /// remembered for its path; an error when it is required and neither is known.
    fn if_match_for<E>(
        &self,
        parts: &Parts,
    ) -> Result<Option<(HeaderName, HeaderValue)>, Error<E>> {
        let Some(spec) = &parts.if_match else {
            return Ok(None);
        };
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
            .or_else(|| self.scope.etags.get(&parts.path))
        {
            Some(etag) => {
                let value = HeaderValue::from_str(&etag).map_err(|_| {
                    invalid(format!(
                        "the ETag for `{header}` is not a valid header value"
                    ))
                })?;
                Ok(Some((name, value)))
            }
            None if spec.policy == IfMatch::Required => Err(Error::MissingEtag {
                path: parts.path.clone(),
            }),
            None => Ok(None),
        }
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
                self.scope.etags.remember(path, etag);
            }
            (&Method::PUT | &Method::PATCH | &Method::DELETE, _) => self.scope.etags.forget(path),
            _ => {}
        }
    }
}

/// A 2xx JSON body as `T`, inside `{"data": ...}` when `unwrap` says so.
fn decode_body<T: DeserializeOwned, E>(
    unwrap: bool,
    status: StatusCode,
    body: Bytes,
) -> Result<T, Error<E>> {
    if unwrap {
        decode_json_data(status, body)
    } else {
        decode_json(status, body)
    }
}
