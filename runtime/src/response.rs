//! [`Response`]: a successful (2xx) response with its decoded body.

use std::ops::Deref;

use http::{HeaderMap, StatusCode, header::ETAG};

/// A successful response: status, headers and the decoded body.
/// Derefs to the body.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// A response from its parts (useful for tests of code built on this crate).
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `ETag` header, as sent (weak ETags keep their `W/` prefix).
    pub fn etag(&self) -> Option<&str> {
        self.header(ETAG.as_str())
    }

    /// The first value of header `name`, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// Body, status and headers.
    pub fn into_parts(self) -> (T, StatusCode, HeaderMap) {
        (self.body, self.status, self.headers)
    }

    /// Transforms the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors() {
        let mut headers = HeaderMap::new();
        headers.insert(ETAG, "W/\"abc\"".parse().unwrap());
        let r = Response::new(StatusCode::OK, headers, vec![1, 2]);
        assert_eq!(r.etag(), Some("W/\"abc\""));
        assert_eq!(r.header("etag"), Some("W/\"abc\""));
        assert_eq!(r.header("x-missing"), None);
        assert_eq!(r.len(), 2);
        let r = r.map(|v| v.len());
        let (body, status, headers) = r.into_parts();
        assert_eq!((body, status, headers.len()), (2, StatusCode::OK, 1));
    }
}
