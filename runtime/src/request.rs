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
use http::header::{CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;

use crate::body::{Body, Multipart, SharedFile};
use crate::concurrency::strip_fields;
use crate::error::Error;
use crate::path;

/// Header set by [`Request::idempotency_key`].
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// Bytes written percent-encoded in a cookie value: those RFC 6265's `cookie-octet`
/// excludes, and `%` itself so that the encoding is reversible.
const COOKIE_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Whether `byte` may appear in a cookie name (an RFC 7230 `token`).
fn is_cookie_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$&'*+-.^_`|~".contains(&byte)
}

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
    /// Cookie parameters, in order; joined into one `Cookie` header when sent.
    cookies: Vec<(&'static str, String)>,
    body: Option<Body>,
    if_match: Option<IfMatchSpec>,
    timeout: Option<Duration>,
    flags: Flags,
    problem: Option<Problem>,
    /// The operation's own server, used instead of the client's default base URL.
    server: Option<&'static str>,
}

/// Per-call switches.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Flags {
    /// `Some(true)`: safe to repeat whatever the method.
    pub(crate) idempotent: Option<bool>,
    pub(crate) no_retry: bool,
    /// `None`: the client's policy.
    pub(crate) unwrap_data: Option<bool>,
    pub(crate) without_auth: bool,
}

/// A request whose building succeeded, taken apart for sending.
#[derive(Debug)]
pub(crate) struct Parts {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<(Cow<'static, str>, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Body>,
    pub(crate) if_match: Option<IfMatchSpec>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) flags: Flags,
    pub(crate) server: Option<&'static str>,
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
            cookies: Vec::new(),
            body: None,
            if_match: None,
            timeout: None,
            flags: Flags::default(),
            problem: None,
            server: None,
        }
    }

    /// The operation's own server (an absolute URL, or a path resolved against the
    /// client's base URL), as the document declares it for this path or operation. It is
    /// used only while the client has its vendor's default base URL: a base URL the caller
    /// set (a proxy, a mock server, another region) applies to every operation.
    pub fn server(mut self, url: &'static str) -> Self {
        self.server = Some(url);
        self
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

    /// Appends one query parameter per value (`style: form, explode: true`:
    /// `?id=1&id=2`).
    #[must_use]
    pub fn query_each<T: Display>(
        mut self,
        name: &'static str,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        for value in values {
            self.query.push((Cow::Borrowed(name), value.to_string()));
        }
        self
    }

    /// Appends an object query parameter in `style` (see [`ObjectStyle`](crate::ObjectStyle)). A
    /// union-typed parameter may also hold a scalar (`name=value`) or an array of scalars
    /// (written as the style writes arrays). Any other value (a nested object) is an
    /// `Error::InvalidRequest` when the request is sent.
    #[must_use]
    pub fn query_object(
        mut self,
        name: &'static str,
        value: &impl serde::Serialize,
        style: crate::params::ObjectStyle,
    ) -> Self {
        let pairs = serde_json::to_value(value)
            .map_err(|e| format!("query parameter `{name}`: {e}"))
            .and_then(|value| crate::params::object_pairs(name, &value, style));
        match pairs {
            Ok(pairs) => {
                for (key, value) in pairs {
                    self.query.push((Cow::Owned(key), value));
                }
            }
            Err(message) => self.record(Problem::Invalid(message)),
        }
        self
    }

    /// Places an object parameter that is not in the query: in `place` as one string,
    /// `a=1,b=x` when `exploded`, else `a,1,b,x` (OpenAPI `simple`; cookies use the
    /// unexploded `form`). A union-typed parameter may also hold a scalar (written as it
    /// is) or an array of scalars (comma-joined). Any other value (a nested object) is an
    /// `Error::InvalidRequest` when the request is sent.
    #[must_use]
    pub fn object_param(
        mut self,
        place: crate::params::ObjectPlace,
        name: &'static str,
        value: &impl serde::Serialize,
        exploded: bool,
    ) -> Self {
        let text = serde_json::to_value(value)
            .map_err(|e| format!("parameter `{name}`: {e}"))
            .and_then(|value| crate::params::object_text(name, &value, exploded));
        match text {
            Ok(text) => self.place_text(place, name, text),
            Err(message) => {
                self.record(Problem::Invalid(message));
                self
            }
        }
    }

    /// Places a parameter declared with `content: application/json`: the value's JSON
    /// text (`{"a":1}`, `["x","y"]`) as one string in `place`, encoded there like any
    /// other value. A value that cannot be written as JSON is an
    /// `Error::InvalidRequest` when the request is sent.
    #[must_use]
    pub fn json_param(
        mut self,
        place: crate::params::ObjectPlace,
        name: &'static str,
        value: &impl serde::Serialize,
    ) -> Self {
        match serde_json::to_string(value) {
            Ok(text) => self.place_text(place, name, text),
            Err(e) => {
                self.record(Problem::Invalid(format!("parameter `{name}`: {e}")));
                self
            }
        }
    }

    /// One parameter's text in `place`, encoded as that place encodes values.
    fn place_text(
        self,
        place: crate::params::ObjectPlace,
        name: &'static str,
        text: String,
    ) -> Self {
        match place {
            crate::params::ObjectPlace::Path => self.path_param(name, text),
            crate::params::ObjectPlace::Query => self.query(name, text),
            crate::params::ObjectPlace::Header => self.header(name, text),
            crate::params::ObjectPlace::Cookie => self.cookie(name, text),
        }
    }

    /// Like [`Request::json_param`], if `value` is `Some`.
    #[must_use]
    pub fn json_param_opt(
        self,
        place: crate::params::ObjectPlace,
        name: &'static str,
        value: Option<&impl serde::Serialize>,
    ) -> Self {
        match value {
            Some(value) => self.json_param(place, name, value),
            None => self,
        }
    }

    /// Like [`Request::object_param`], if `value` is `Some`.
    #[must_use]
    pub fn object_param_opt(
        self,
        place: crate::params::ObjectPlace,
        name: &'static str,
        value: Option<&impl serde::Serialize>,
        exploded: bool,
    ) -> Self {
        match value {
            Some(value) => self.object_param(place, name, value, exploded),
            None => self,
        }
    }

    /// Like [`Request::query_object`], if `value` is `Some`.
    #[must_use]
    pub fn query_object_opt(
        self,
        name: &'static str,
        value: Option<&impl serde::Serialize>,
        style: crate::params::ObjectStyle,
    ) -> Self {
        match value {
            Some(value) => self.query_object(name, value, style),
            None => self,
        }
    }

    /// Appends a query parameter if `value` is `Some`.
    #[must_use]
    pub fn query_opt(self, name: &'static str, value: Option<impl Display>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Like [`Request::header`], for a name known only at run time (a caller's extra
    /// header).
    #[must_use]
    pub fn header_named(self, name: &str, value: impl Display) -> Self {
        self.header_impl(name, value)
    }

    /// Sets a header, replacing one of the same name (including the client's defaults).
    #[must_use]
    pub fn header(self, name: &'static str, value: impl Display) -> Self {
        self.header_impl(name, value)
    }

    fn header_impl(mut self, name: &str, value: impl Display) -> Self {
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

    /// Adds a cookie parameter (`in: cookie`). All cookies of a request go in one
    /// `Cookie: a=1; b=2` header, after any `Cookie` header set explicitly. The value is
    /// percent-encoded where RFC 6265 does not allow a byte in a cookie value (controls,
    /// space, `"`, `,`, `;`, `\`, `%` and non-ASCII); an invalid name is an error
    /// returned by `send_*`.
    #[must_use]
    pub fn cookie(mut self, name: &'static str, value: impl Display) -> Self {
        if name.is_empty() || !name.bytes().all(is_cookie_name_byte) {
            self.record(Problem::Invalid(format!(
                "`{name}` is not a valid cookie name"
            )));
            return self;
        }
        let value = utf8_percent_encode(&value.to_string(), COOKIE_VALUE).to_string();
        self.cookies.push((name, value));
        self
    }

    /// Adds a cookie parameter if `value` is `Some`.
    #[must_use]
    pub fn cookie_opt(self, name: &'static str, value: Option<impl Display>) -> Self {
        match value {
            Some(value) => self.cookie(name, value),
            None => self,
        }
    }

    /// Serializes `value` as the JSON body now and sets `Content-Type: application/json`.
    /// A serialization failure is returned by `send_*` as [`Error::Serialize`].
    #[must_use]
    pub fn json_body(self, value: &impl Serialize) -> Self {
        self.json_body_as("application/json", value)
    }

    /// Like [`Request::json_body`] with another media type, e.g.
    /// `application/merge-patch+json`.
    #[must_use]
    pub fn json_body_as(mut self, media_type: &'static str, value: &impl Serialize) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => self.set_body(media_type, Bytes::from(body)),
            Err(e) => self.record(Problem::Serialize(Arc::new(e))),
        }
        self
    }

    /// Like [`Request::json_body`], without the top-level `fields` (server-managed
    /// fields such as CloudCasa's `_created`, `_updated`, `_links`, `_etag`).
    #[must_use]
    pub fn json_body_without(mut self, value: &impl Serialize, fields: &[&str]) -> Self {
        match serde_json::to_value(value) {
            Ok(mut json) => {
                strip_fields(&mut json, fields);
                self.json_body(&json)
            }
            Err(e) => {
                self.record(Problem::Serialize(Arc::new(e)));
                self
            }
        }
    }

    /// An `application/x-www-form-urlencoded` body. `value` must serialize to an object
    /// whose values are scalars (or arrays of scalars, sent as repeated fields);
    /// anything else is [`Error::Serialize`] at send time. `null`s are left out.
    #[must_use]
    pub fn form_body(mut self, value: &impl Serialize) -> Self {
        match serde_json::to_value(value).and_then(|v| form_encode(&v)) {
            Ok(body) => self.set_body("application/x-www-form-urlencoded", Bytes::from(body)),
            Err(e) => self.record(Problem::Serialize(Arc::new(e))),
        }
        self
    }

    /// A `multipart/form-data` body. File parts are streamed when sent, so the request
    /// is not retried.
    #[must_use]
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.headers.remove(CONTENT_TYPE);
        self.body = Some(Body::Multipart(form));
        self
    }

    /// A body of raw bytes with the given `Content-Type`.
    #[must_use]
    pub fn bytes_body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        match HeaderValue::from_str(content_type) {
            Ok(value) => {
                self.body = Some(Body::Bytes(body.into()));
                self.headers.insert(CONTENT_TYPE, value);
            }
            Err(_) => self.record(Problem::Invalid(format!(
                "`{content_type}` is not a valid Content-Type"
            ))),
        }
        self
    }

    /// A `text/plain; charset=utf-8` body.
    #[must_use]
    pub fn text_body(mut self, text: impl Into<String>) -> Self {
        self.set_body("text/plain; charset=utf-8", Bytes::from(text.into()));
        self
    }

    /// A body streamed from `file` (not loaded into memory) with the given
    /// `Content-Type`, e.g. `application/octet-stream`. The request is sent at most
    /// once: it is never retried, and a clone of it cannot be sent after it.
    #[must_use]
    pub fn stream_body(mut self, content_type: &str, file: tokio::fs::File) -> Self {
        match HeaderValue::from_str(content_type) {
            Ok(value) => {
                self.body = Some(Body::File(SharedFile::new(file)));
                self.headers.insert(CONTENT_TYPE, value);
            }
            Err(_) => self.record(Problem::Invalid(format!(
                "`{content_type}` is not a valid Content-Type"
            ))),
        }
        self
    }

    fn set_body(&mut self, media_type: &'static str, body: Bytes) {
        self.body = Some(Body::Bytes(body));
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
    }

    /// Marks the call safe (or not) to repeat, whatever its method: with `true`, a POST
    /// or PATCH is retried like a GET. See [`crate::RetryPolicy`].
    #[must_use]
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.flags.idempotent = Some(idempotent);
        self
    }

    /// Sends `Idempotency-Key: <key>` and marks the call safe to repeat.
    #[must_use]
    pub fn idempotency_key(self, key: impl Display) -> Self {
        self.header(IDEMPOTENCY_KEY_HEADER, key).idempotent(true)
    }

    /// Never retries this call.
    #[must_use]
    pub fn no_retry(mut self) -> Self {
        self.flags.no_retry = true;
        self
    }

    /// Whether the JSON success body is wrapped as `{"data": ...}` and should be
    /// unwrapped (overrides the client's policy for this call).
    #[must_use]
    pub fn unwrap_data(mut self, unwrap: bool) -> Self {
        self.flags.unwrap_data = Some(unwrap);
        self
    }

    /// Sends no credentials (login requests, public endpoints).
    #[must_use]
    pub fn without_auth(mut self) -> Self {
        self.flags.without_auth = true;
        self
    }

    pub(crate) fn flags(&self) -> Flags {
        self.flags
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

    /// The value of query parameter `name`, if set.
    pub(crate) fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
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
        let mut headers = self.headers;
        if !self.cookies.is_empty() {
            // Bytes, not text: an explicit header that is not visible ASCII is kept as is.
            let mut line = headers
                .get(COOKIE)
                .map(|v| v.as_bytes().to_vec())
                .unwrap_or_default();
            for (name, value) in &self.cookies {
                if !line.is_empty() {
                    line.extend_from_slice(b"; ");
                }
                line.extend_from_slice(name.as_bytes());
                line.push(b'=');
                line.extend_from_slice(value.as_bytes());
            }
            // The explicit part was a valid header value, names are token bytes and values
            // percent-encoded: the joined line is always a valid header value.
            if let Ok(value) = HeaderValue::from_bytes(&line) {
                headers.insert(COOKIE, value);
            }
        }
        Ok(Parts {
            method: self.method,
            path_template: self.path_template,
            path: self.path,
            query: self.query,
            headers,
            body: self.body,
            if_match: self.if_match,
            timeout: self.timeout,
            flags: self.flags,
            server: self.server,
        })
    }
}

/// Encodes a JSON object of scalars as `application/x-www-form-urlencoded`.
fn form_encode(value: &serde_json::Value) -> Result<String, serde_json::Error> {
    use serde::ser::Error as _;
    let serde_json::Value::Object(map) = value else {
        return Err(serde_json::Error::custom(
            "a form body must serialize to an object",
        ));
    };
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    let scalar = |name: &str, v: &serde_json::Value| -> Result<Option<String>, serde_json::Error> {
        match v {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) => Ok(Some(s.clone())),
            serde_json::Value::Bool(_) | serde_json::Value::Number(_) => Ok(Some(v.to_string())),
            _ => Err(serde_json::Error::custom(format!(
                "form field `{name}` is not a scalar"
            ))),
        }
    };
    for (name, v) in map {
        match v {
            serde_json::Value::Array(items) => {
                for item in items {
                    if let Some(s) = scalar(name, item)? {
                        serializer.append_pair(name, &s);
                    }
                }
            }
            _ => {
                if let Some(s) = scalar(name, v)? {
                    serializer.append_pair(name, &s);
                }
            }
        }
    }
    Ok(serializer.finish())
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

    fn cookie_header(req: Request) -> Option<String> {
        let parts = req.into_parts::<()>().expect("valid request");
        parts
            .headers
            .get(COOKIE)
            .map(|v| v.to_str().expect("ASCII").to_owned())
    }

    #[test]
    fn cookies_are_joined_into_one_header_after_an_explicit_one() {
        let req = Request::new(Method::GET, "/session")
            .header("Cookie", "theme=dark")
            .cookie("sid", "abc123")
            .cookie_opt("lang", Some("fr"))
            .cookie_opt("absent", None::<&str>);
        assert_eq!(
            cookie_header(req).as_deref(),
            Some("theme=dark; sid=abc123; lang=fr")
        );
        assert_eq!(cookie_header(Request::new(Method::GET, "/")), None);
    }

    #[test]
    fn cookie_values_cannot_end_the_cookie_or_the_header() {
        let req = Request::new(Method::GET, "/").cookie("v", "a; b=c, \"d\"\\\r\n%é");
        assert_eq!(
            cookie_header(req).as_deref(),
            Some("v=a%3B%20b=c%2C%20%22d%22%5C%0D%0A%25%C3%A9")
        );
    }

    #[test]
    fn an_invalid_cookie_name_is_an_invalid_request() {
        let message = invalid(Request::new(Method::GET, "/").cookie("a b", 1));
        assert!(
            message.contains("`a b` is not a valid cookie name"),
            "{message}"
        );
        let message = invalid(Request::new(Method::GET, "/").cookie("", 1));
        assert!(message.contains("not a valid cookie name"), "{message}");
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
        // An array with `style: deepObject` is written `name[]=a&name[]=b` (brackets
        // percent-encoded, as form encoding does and Rails, PHP and Stripe read).
        let req = Request::new(Method::GET, "/v1").query_each("expand[]", ["a", "b.c"]);
        assert_eq!(req.query_key(), "expand%5B%5D=a&expand%5B%5D=b.c");
    }

    #[test]
    fn json_params_are_the_json_text_encoded_for_their_place() {
        use crate::params::ObjectPlace;
        use std::collections::BTreeMap;
        // Keys in name order: serde_json keeps insertion order when another crate in the
        // build turns on `preserve_order`, and sorts them otherwise.
        let filter = serde_json::json!({"ids": [1, 2], "name": "a b"});
        let req = Request::new(Method::GET, "/v1/{modes}")
            .json_param(ObjectPlace::Query, "q", &filter)
            .json_param_opt(ObjectPlace::Query, "absent", None::<&u8>)
            .json_param(ObjectPlace::Path, "modes", &["x", "y/z"])
            .json_param(ObjectPlace::Header, "X-Meta", &BTreeMap::from([("k", 1)]));
        assert_eq!(
            req.query_key(),
            "q=%7B%22ids%22%3A%5B1%2C2%5D%2C%22name%22%3A%22a+b%22%7D"
        );
        let parts = req.into_parts::<()>().unwrap();
        assert_eq!(parts.path, "/v1/%5B%22x%22%2C%22y%2Fz%22%5D");
        assert_eq!(parts.headers["X-Meta"], r#"{"k":1}"#);
        // A map with keys JSON cannot write is an error when sent, naming the parameter.
        let bad = BTreeMap::from([((1, 2), 3)]);
        let message =
            invalid(Request::new(Method::GET, "/v1").json_param(ObjectPlace::Query, "bad", &bad));
        assert!(message.contains("parameter `bad`"), "{message}");
    }

    #[test]
    fn json_body_sets_content_type() {
        let parts = Request::new(Method::POST, "/v1")
            .json_body(&serde_json::json!({"a": 1}))
            .into_parts::<()>()
            .unwrap();
        assert!(matches!(&parts.body, Some(Body::Bytes(b)) if b.as_ref() == b"{\"a\":1}"));
        assert_eq!(parts.headers[CONTENT_TYPE], "application/json");
    }

    fn body_of(req: Request) -> (String, String) {
        let parts = req.into_parts::<()>().unwrap();
        let Some(Body::Bytes(b)) = parts.body else {
            panic!("not bytes")
        };
        (
            parts.headers[CONTENT_TYPE].to_str().unwrap().to_owned(),
            String::from_utf8(b.to_vec()).unwrap(),
        )
    }

    #[test]
    fn body_kinds() {
        let r = Request::new(Method::PATCH, "/v1");
        assert_eq!(
            body_of(r.clone().json_body_as(
                "application/merge-patch+json",
                &serde_json::json!({"a": null})
            )),
            ("application/merge-patch+json".into(), "{\"a\":null}".into())
        );
        assert_eq!(
            body_of(
                r.clone()
                    // Keys in sorted order: serde_json's `preserve_order` may be on (feature unification).
                    .form_body(&serde_json::json!({"a": "x y", "l": [1, 2], "n": 1, "z": null}))
            ),
            (
                "application/x-www-form-urlencoded".into(),
                "a=x+y&l=1&l=2&n=1".into()
            )
        );
        assert!(matches!(
            r.clone()
                .form_body(&serde_json::json!({"a": {"b": 1}}))
                .into_parts::<()>(),
            Err(Error::Serialize(_))
        ));
        assert!(matches!(
            r.clone().form_body(&1).into_parts::<()>(),
            Err(Error::Serialize(_))
        ));
        assert_eq!(
            body_of(r.clone().text_body("hi")),
            ("text/plain; charset=utf-8".into(), "hi".into())
        );
        assert_eq!(
            body_of(r.clone().bytes_body("application/octet-stream", vec![b'x'])),
            ("application/octet-stream".into(), "x".into())
        );
        assert!(matches!(
            r.clone().bytes_body("bad\n", vec![]).into_parts::<()>(),
            Err(Error::InvalidRequest { .. })
        ));
        assert_eq!(
            body_of(r.clone().json_body_without(
                &serde_json::json!({"a": 1, "_etag": "e", "_links": {}}),
                &["_etag", "_links"]
            ))
            .1,
            "{\"a\":1}"
        );
        let parts = r
            .idempotency_key("k-1")
            .no_retry()
            .unwrap_data(true)
            .without_auth()
            .into_parts::<()>()
            .unwrap();
        assert_eq!(parts.headers["idempotency-key"], "k-1");
        assert!(parts.flags.no_retry && parts.flags.without_auth);
        assert_eq!(parts.flags.idempotent, Some(true));
        assert_eq!(parts.flags.unwrap_data, Some(true));
    }
}
