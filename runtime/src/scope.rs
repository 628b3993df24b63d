//! [`Scope`]: the headers and query parameters a client adds to every request to say
//! *where* it acts (Palette's `ProjectUid` header, absent = tenant scope; CloudMC's
//! `org_id` query parameter). Set one with [`crate::ClientBuilder::scope`]; derive a
//! client acting elsewhere with [`crate::ClientCore::with_scope`], which shares the
//! connection pool, token cache, rate limiters and retry budget.

use std::fmt;

use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::builder::BuildError;

/// Default headers and query parameters of a client, validated when applied.
///
/// A request's own header or query parameter of the same name wins.
///
/// ```
/// use cloudgen_runtime::Scope;
/// let project = Scope::new().header("ProjectUid", "5f1c…");
/// let sub_org = Scope::new().query("org_id", "2fd60d6f");
/// # let _ = (project, sub_org);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Scope {
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
}

impl Scope {
    /// No scope (Palette: tenant scope; CloudMC: the caller's own org).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a header sent with every request.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a query parameter sent with every request.
    #[must_use]
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    pub(crate) fn resolve(&self) -> Result<(HeaderMap, Vec<(String, String)>), BuildError> {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let invalid = |reason: &str| BuildError::InvalidHeader {
                name: name.clone(),
                reason: reason.to_owned(),
            };
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid("not a valid header name"))?;
            let header_value = HeaderValue::from_str(value)
                .map_err(|_| invalid("the value contains characters not allowed in a header"))?;
            headers.insert(header_name, header_value);
        }
        Ok((headers, self.query.clone()))
    }
}

impl fmt::Debug for Scope {
    /// Header names and query parameters; header values are not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Scope")
            .field("headers", &names)
            .field("query", &self.query)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_validates() {
        let (h, q) = Scope::new()
            .header("ProjectUid", "p1")
            .query("org_id", "o1")
            .resolve()
            .unwrap();
        assert_eq!(h["projectuid"], "p1");
        assert_eq!(q, vec![("org_id".to_owned(), "o1".to_owned())]);
        assert!(Scope::new().header("bad name", "v").resolve().is_err());
        let err = Scope::new().header("X", "a\nSECRET").resolve().unwrap_err();
        assert!(!err.to_string().contains("SECRET"));
        assert!(!format!("{:?}", Scope::new().header("X", "SECRET")).contains("SECRET"));
    }
}
