//! [`Error`]: the one error type of every operation, and [`ApiError`]: a non-2xx
//! response with its raw body and, when it decodes, the vendor's error envelope.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// How much of a response body `Display` shows.
const DISPLAY_BODY_CHARS: usize = 200;

/// Headers never printed by `Debug`, besides those marked sensitive.
const REDACTED_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Everything that can go wrong with one call. `E` is the vendor's error envelope.
///
/// [`Error::was_sent`] says whether the server may have seen the request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E = serde_json::Value> {
    /// The request could not be built (bad path parameter, header...). Not sent.
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// What is wrong.
        message: String,
    },
    /// The request body could not be serialized. Not sent.
    #[error("could not serialize the request body")]
    Serialize(#[source] serde_json::Error),
    /// `If-Match` is required but no ETag is known for the path. Not sent.
    #[error(
        "`{path}` needs an If-Match ETag and none is known: GET the resource first \
         with this client, or pass the ETag with `.if_match(..)`"
    )]
    MissingEtag {
        /// The resolved request path.
        path: String,
    },
    /// The connection failed or broke. Not sent if it failed while connecting.
    #[error("HTTP transport error")]
    Transport {
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The request or the response body took longer than the timeout.
    #[error("HTTP request timed out")]
    Timeout {
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The server answered with a non-2xx status (other than 412 and 428).
    #[error("{0}")]
    Api(Box<ApiError<E>>),
    /// The server answered 412: the `If-Match` ETag is stale. GET the resource again.
    #[error("precondition failed (stale ETag): {0}")]
    PreconditionFailed(Box<ApiError<E>>),
    /// The server answered 428: the call needs an `If-Match` header.
    #[error("precondition required (If-Match missing): {0}")]
    PreconditionRequired(Box<ApiError<E>>),
    /// A 2xx body did not match the expected type.
    #[error("could not decode the HTTP {status} response body at `{path}`")]
    Decode {
        /// The response status.
        status: StatusCode,
        /// Where in the JSON document decoding failed, e.g. `_items[3].status.state`.
        path: String,
        /// The decoding error.
        source: serde_json::Error,
        /// The raw body.
        body: Bytes,
    },
    /// The whole operation, retries and waits included, took longer than the client's
    /// operation timeout ([`crate::ClientBuilder::operation_timeout`]).
    #[error("the operation timed out after {elapsed:?} and {attempts} attempt(s)")]
    OperationTimeout {
        /// Time spent.
        elapsed: Duration,
        /// Attempts made.
        attempts: u32,
    },
    /// A login token could not be obtained. The request was not sent.
    #[error("authentication failed: {message}")]
    Auth {
        /// What went wrong (never the credentials).
        message: String,
        /// The error of the login request, if there was one.
        source: Option<Box<Error>>,
    },
    /// A request body could not be read (a file to upload). Not sent.
    #[error("could not read the request body: {message}")]
    Body {
        /// What was being read.
        message: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An async task finished with a failure.
    #[error("the task failed: {message}")]
    TaskFailed {
        /// The vendor's message.
        message: String,
    },
    /// An async task was still pending when the polling deadline passed. It may still
    /// finish on the server.
    #[error("the task was still pending after {elapsed:?} ({polls} polls)")]
    TaskDeadlineExceeded {
        /// Time spent polling.
        elapsed: Duration,
        /// Polls made.
        polls: u32,
    },
    /// A task response (the accepted answer or a poll) did not say what the vendor
    /// profile expects: no task id, or no status. The body is kept in the message.
    #[error("unreadable task response: {message}")]
    TaskUnreadable {
        /// What was missing, and the response.
        message: String,
    },
    /// Polling a task answered 404: the task is unknown or has expired (CloudMC keeps
    /// tasks about 30 minutes).
    #[error("the task is gone (expired or unknown): {0}")]
    TaskExpired(Box<ApiError<E>>),
}

impl<E> Error<E> {
    /// The HTTP status, if a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e)
            | Self::PreconditionFailed(e)
            | Self::PreconditionRequired(e)
            | Self::TaskExpired(e) => Some(e.status),
            Self::Decode { status, .. } => Some(*status),
            Self::Transport { source } | Self::Timeout { source } => source.status(),
            Self::InvalidRequest { .. }
            | Self::Serialize(_)
            | Self::MissingEtag { .. }
            | Self::OperationTimeout { .. }
            | Self::Auth { .. }
            | Self::Body { .. }
            | Self::TaskFailed { .. }
            | Self::TaskUnreadable { .. }
            | Self::TaskDeadlineExceeded { .. } => None,
        }
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. } | Self::OperationTimeout { .. })
    }

    /// Whether the server answered 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// `false` only when the request was certainly not sent (so repeating it cannot
    /// duplicate an effect); `true` when the server may have received it.
    pub fn was_sent(&self) -> bool {
        match self {
            Self::InvalidRequest { .. }
            | Self::Serialize(_)
            | Self::MissingEtag { .. }
            | Self::Auth { .. }
            | Self::Body { .. } => false,
            Self::Transport { source } | Self::Timeout { source } => !source.is_connect(),
            Self::Api(_)
            | Self::PreconditionFailed(_)
            | Self::PreconditionRequired(_)
            | Self::Decode { .. }
            | Self::OperationTimeout { .. }
            | Self::TaskFailed { .. }
            | Self::TaskUnreadable { .. }
            | Self::TaskDeadlineExceeded { .. }
            | Self::TaskExpired(_) => true,
        }
    }

    /// The non-2xx response, for `Api`, `PreconditionFailed` and `PreconditionRequired`.
    pub fn api_error(&self) -> Option<&ApiError<E>> {
        match self {
            Self::Api(e)
            | Self::PreconditionFailed(e)
            | Self::PreconditionRequired(e)
            | Self::TaskExpired(e) => Some(e),
            _ => None,
        }
    }

    /// The vendor's decoded error envelope, if there is one.
    pub fn envelope(&self) -> Option<&E> {
        self.api_error().and_then(|e| e.envelope.as_ref())
    }

    /// Classifies a `reqwest` error.
    pub(crate) fn from_reqwest(source: reqwest::Error) -> Self {
        if source.is_timeout() {
            Self::Timeout { source }
        } else {
            Self::Transport { source }
        }
    }
}

/// A non-2xx response: status, headers, raw body, and the body decoded as the vendor's
/// error envelope `E` when it decodes.
pub struct ApiError<E> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body, always kept.
    pub body: Bytes,
    /// The body decoded as `E`, or `None` if it is not a valid `E` (see `body`).
    pub envelope: Option<E>,
}

impl<E> ApiError<E> {
    /// The body decoded as JSON `T` (an error body the operation declares), or `None`
    /// when it is not a `T`; the raw body stays in [`Self::body`] either way.
    pub fn decode_body<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as text (lossy UTF-8).
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        let body = self.body_text();
        let body = body.trim();
        if !body.is_empty() {
            let shown: String = body.chars().take(DISPLAY_BODY_CHARS).collect();
            let ellipsis = if shown.len() < body.len() { "…" } else { "" };
            write!(f, ": {shown}{ellipsis}")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .field("envelope", &self.envelope)
            .finish()
    }
}

/// Prints headers with sensitive values replaced.
struct RedactedHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if value.is_sensitive() || REDACTED_HEADERS.contains(&name.as_str()) {
                map.entry(name, &"<redacted>");
            } else {
                map.entry(name, value);
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn api(status: u16, body: &str) -> ApiError<serde_json::Value> {
        ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
            envelope: None,
        }
    }

    #[test]
    fn display_truncates_the_body() {
        let long = "x".repeat(500);
        let shown = api(502, &long).to_string();
        assert!(shown.starts_with("HTTP 502 Bad Gateway: xxx"));
        assert_eq!(shown.matches('x').count(), DISPLAY_BODY_CHARS);
        assert_eq!(api(404, "").to_string(), "HTTP 404 Not Found");
        assert_eq!(
            api(404, "é".repeat(3).as_str()).to_string(),
            "HTTP 404 Not Found: ééé"
        );
    }

    #[test]
    fn debug_redacts_sensitive_headers() {
        let mut e = api(401, "no");
        e.headers
            .insert("set-cookie", HeaderValue::from_static("session=topsecret"));
        let mut v = HeaderValue::from_static("hidden-value");
        v.set_sensitive(true);
        e.headers.insert("x-custom", v);
        e.headers
            .insert("x-request-id", HeaderValue::from_static("r-1"));
        let shown = format!("{e:?}");
        assert!(
            !shown.contains("topsecret") && !shown.contains("hidden-value"),
            "{shown}"
        );
        assert!(shown.contains("r-1"));
    }

    #[test]
    fn helpers() {
        let e: Error = Error::Api(Box::new(api(404, "")));
        assert!(e.is_not_found() && e.was_sent() && !e.is_timeout());
        assert!(e.api_error().is_some() && e.envelope().is_none());
        let e: Error = Error::MissingEtag { path: "/x".into() };
        assert!(!e.was_sent() && e.status().is_none());
        assert!(e.to_string().contains("/x") && e.to_string().contains(".if_match("));
    }
}
