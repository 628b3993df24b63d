//! [`Request`]: one operation call as data, built by generated code with a consuming
//! builder. Problems found while building (a bad path parameter, an invalid header, a
//! body that does not serialize) are kept and returned by `send_*` before anything is
//! sent, so building never fails or panics.

use std::borrow::Cow;
use std::fmt::Display;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::error::Error;
use crate::path;

/// Whether an operation needs an `If-Match` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMatch {
    /// The vendor rejects the call without one: fail with [`Error::MissingEtag`]
    /// before sending when no ETag is known.
    Required,
    /// Send one when an ETag is known, otherwise send none.
    Optional,
}

/// What `if_match` asked for.
#[derive(Debug, Clone)]
pub(crate) struct IfMatchSpec {
    pub(crate) explicit: Option<String>,
    pub(crate) policy: IfMatch,
}

/// A problem found while building; returned at send time.
#[derive(Debug, Clone)]
enum Problem {
    Invalid(String),
    Serialize(Arc<serde_json::Error>),
}

/// One HTTP request of an operation, before it is resolved against a base URL.
#[derive(Clone, Debug)]
pub struct Request {
    method: Method,
    path_template: &'static str,
    path: String,
    query: Vec<(Cow<'static, str>, String)>,
    headers: HeaderMap,
    body: Option<Bytes>,
    if_match: Option<IfMatchSpec>,
    timeout: Option<Duration>,
    problem: Option<Problem>,
}

/// A request whose building succeeded, taken apart for sending.
#[derive(Debug)]
pub(crate) struct Parts {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<(Cow<'static, str>, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    pub(crate) if_match: Option<IfMatchSpec>,
    pub(crate) timeout: Option<Duration>,
}

impl Request {
    /// A request for `method` on `path_template`, e.g. `/v1/kubeclusters/{kubeclusterId}`.
    pub fn new(method: Method, path_template: &'static str) -> Self {
        Self {
            method,
            path_template,
            path: path_template.to_owned(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            if_match: None,
            timeout: None,
            problem: None,
        }
    }

    /// Fills the placeholder `{name}` with `value`, percent-encoded as one path segment.
    ///
    /// An empty value, `.`, `..`, or a name with no placeholder is an error returned by
    /// `send_*` as [`Error::InvalidRequest`].
    #[must_use]
    pub fn path_param(mut self, name: &'static str, value: impl Display) -> Self {
        if let Err(message) = path::substitute(&mut self.path, name, value) {
            self.record(Problem::Invalid(message));
        }
        self
    }

    /// Appends a query parameter (form-encoded when sent).
    #[must_use]
    pub fn query(mut self, name: &'static str, value: impl Display) -> Self {
        self.query.push((Cow::Borrowed(name), value.to_string()));
        self
    }

    /// Appends a query parameter if `value` is `Some`.
    #[must_use]
    pub fn query_opt(self, name: &'static str, value: Option<impl Display>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Sets a header, replacing one of the same name (including the client's defaults).
    #[must_use]
    pub fn header(mut self, name: &'static str, value: impl Display) -> Self {
        let Ok(header_name) = HeaderName::from_bytes(name.as_bytes()) else {
            self.record(Problem::Invalid(format!(
                "`{name}` is not a valid header name"
            )));
            return self;
        };
        match HeaderValue::from_str(&value.to_string()) {
            Ok(value) => {
                self.headers.insert(header_name, value);
            }
            Err(_) => self.record(Problem::Invalid(format!(
                "the value of header `{name}` contains characters not allowed in a header"
            ))),
        }
        self
    }

    /// Sets a header if `value` is `Some`.
    #[must_use]
    pub fn header_opt(self, name: &'static str, value: Option<impl Display>) -> Self {
        match value {
            Some(value) => self.header(name, value),
            None => self,
        }
    }

    /// Serializes `value` as the JSON body now and sets `Content-Type: application/json`.
    /// A serialization failure is returned by `send_*` as [`Error::Serialize`].
    #[must_use]
    pub fn json_body(mut self, value: &impl Serialize) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => {
                self.body = Some(Bytes::from(body));
                self.headers
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            Err(e) => self.record(Problem::Serialize(Arc::new(e))),
        }
        self
    }

    /// Sends the vendor's `If-Match` header (see [`crate::EtagPolicy`]) with `explicit`
    /// if given, else the ETag remembered for this path; with [`IfMatch::Required`] and
    /// neither, `send_*` fails with [`Error::MissingEtag`] without sending.
    #[must_use]
    pub fn if_match(mut self, explicit: Option<String>, policy: IfMatch) -> Self {
        self.if_match = Some(IfMatchSpec { explicit, policy });
        self
    }

    /// Overrides the client's per-request timeout for this call.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path template this request was created with.
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// The path with the parameters filled in so far (percent-encoded).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Replaces every query parameter called `name` by one with `value`.
    pub(crate) fn set_query(&mut self, name: &'static str, value: String) {
        self.query.retain(|(n, _)| n != name);
        self.query.push((Cow::Borrowed(name), value));
    }

    /// Replaces the whole query by `pairs`.
    pub(crate) fn replace_query(&mut self, pairs: Vec<(String, String)>) {
        self.query = pairs.into_iter().map(|(n, v)| (Cow::Owned(n), v)).collect();
    }

    /// The query as it will be encoded, used to recognise a repeated page request.
    pub(crate) fn query_key(&self) -> String {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.query {
            serializer.append_pair(name, value);
        }
        serializer.finish()
    }

    fn record(&mut self, problem: Problem) {
        // Keep the first problem: later ones are often consequences of it.
        self.problem.get_or_insert(problem);
    }

    /// Checks the request and takes it apart for sending.
    pub(crate) fn into_parts<E>(self) -> Result<Parts, Error<E>> {
        match self.problem {
            Some(Problem::Invalid(message)) => return Err(Error::InvalidRequest { message }),
            Some(Problem::Serialize(e)) => {
                let e = Arc::try_unwrap(e).unwrap_or_else(|shared| {
                    <serde_json::Error as serde::ser::Error>::custom(shared.to_string())
                });
                return Err(Error::Serialize(e));
            }
            None => {}
        }
        if let Some(placeholder) = path::unfilled_placeholder(&self.path) {
            return Err(Error::InvalidRequest {
                message: format!(
                    "path parameter {placeholder} of `{}` was not set",
                    self.path_template
                ),
            });
        }
        Ok(Parts {
            method: self.method,
            path_template: self.path_template,
            path: self.path,
            query: self.query,
            headers: self.headers,
            body: self.body,
            if_match: self.if_match,
            timeout: self.timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(req: Request) -> String {
        match req.into_parts::<()>() {
            Err(Error::InvalidRequest { message }) => message,
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }

    #[test]
    fn path_params_fill_the_template() {
        let parts = Request::new(Method::GET, "/v1/{a}/x/{b}")
            .path_param("a", "one/two")
            .path_param("b", 7)
            .into_parts::<()>()
            .unwrap();
        assert_eq!(parts.path, "/v1/one%2Ftwo/x/7");
    }

    #[test]
    fn building_problems_surface_at_send_time() {
        assert!(invalid(Request::new(Method::GET, "/v1/{id}")).contains("{id}"));
        assert!(
            invalid(Request::new(Method::GET, "/v1/{id}").path_param("id", "")).contains("empty")
        );
        assert!(
            invalid(Request::new(Method::GET, "/v1/{id}").path_param("id", "..")).contains("`..`")
        );
        assert!(invalid(Request::new(Method::GET, "/v1").header("X-A", "a\nb")).contains("X-A"));
        assert!(
            invalid(Request::new(Method::GET, "/v1").header("bad name", "v")).contains("bad name")
        );
    }

    #[test]
    fn serialize_failure_is_kept() {
        struct Bad;
        impl Serialize for Bad {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no way"))
            }
        }
        let req = Request::new(Method::POST, "/v1").json_body(&Bad);
        let cloned = req.clone();
        for r in [req, cloned] {
            match r.into_parts::<()>() {
                Err(Error::Serialize(e)) => assert!(e.to_string().contains("no way")),
                other => panic!("expected Serialize, got {other:?}"),
            }
        }
    }

    #[test]
    fn query_helpers() {
        let mut req = Request::new(Method::GET, "/v1")
            .query("a", "x y")
            .query_opt("b", None::<u32>)
            .query_opt("c", Some(3))
            .query("page", 1);
        assert_eq!(req.query_key(), "a=x+y&c=3&page=1");
        req.set_query("page", "2".to_owned());
        assert_eq!(req.query_key(), "a=x+y&c=3&page=2");
        req.replace_query(vec![("page".to_owned(), "3".to_owned())]);
        assert_eq!(req.query_key(), "page=3");
    }

    #[test]
    fn json_body_sets_content_type() {
        let parts = Request::new(Method::POST, "/v1")
            .json_body(&serde_json::json!({"a": 1}))
            .into_parts::<()>()
            .unwrap();
        assert_eq!(parts.body.as_deref(), Some(&b"{\"a\":1}"[..]));
        assert_eq!(parts.headers[CONTENT_TYPE], "application/json");
    }
}
