//! Stage 2, upgrade: bring the document to OpenAPI 3.0.x, the one dialect the later
//! stages read. OpenAPI 3.0.x passes through unchanged. Swagger 2.0 and OpenAPI 3.1
//! conversion is not implemented yet; such documents are refused with a located error
//! rather than half-understood.

use serde_json::Value;

use crate::error::{Error, Result};

/// The dialect a document declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialect {
    /// `swagger: "2.0"`.
    Swagger2,
    /// `openapi: 3.0.x`.
    OpenApi30(String),
    /// `openapi: 3.1.x`.
    OpenApi31(String),
}

/// Reads the dialect from the `openapi`/`swagger` field.
pub fn detect(doc: &Value, file: &str) -> Result<Dialect> {
    if let Some(v) = doc.get("swagger") {
        return match v.as_str() {
            Some("2.0") => Ok(Dialect::Swagger2),
            _ => Err(Error::invalid(
                file,
                "/swagger",
                format!("unsupported Swagger version {v}; only 2.0 exists"),
            )),
        };
    }
    let Some(version) = doc.get("openapi") else {
        return Err(Error::invalid(
            file,
            "",
            "neither `openapi` nor `swagger` is set: this is not an OpenAPI document",
        ));
    };
    let text = match version {
        Value::String(s) => s.clone(),
        // YAML `openapi: 3.0` without quotes parses as a number.
        Value::Number(n) => n.to_string(),
        other => {
            return Err(Error::invalid(
                file,
                "/openapi",
                format!("`openapi` must be a version string, found {other}"),
            ));
        }
    };
    if text.starts_with("3.0") {
        Ok(Dialect::OpenApi30(text))
    } else if text.starts_with("3.1") {
        Ok(Dialect::OpenApi31(text))
    } else {
        Err(Error::invalid(
            file,
            "/openapi",
            format!("unsupported OpenAPI version `{text}` (supported: 3.0.x)"),
        ))
    }
}

/// Upgrades `doc` in place to OpenAPI 3.0.x. Returns a line per rewrite for the report.
pub fn upgrade(doc: &mut Value, file: &str) -> Result<Vec<String>> {
    match detect(doc, file)? {
        Dialect::OpenApi30(_) => {
            // Normalise the version field so typed parsing accepts `3.0` written as a number.
            if !doc["openapi"].is_string() {
                let text = doc["openapi"].to_string();
                doc["openapi"] = Value::String(text.clone());
                return Ok(vec![format!(
                    "/openapi: version {text} written as a string"
                )]);
            }
            Ok(Vec::new())
        }
        Dialect::Swagger2 => Err(Error::invalid(
            file,
            "/swagger",
            "Swagger 2.0 documents are not supported yet (conversion to OpenAPI 3.0 is planned); \
             convert the document to OpenAPI 3.0 first",
        )),
        Dialect::OpenApi31(v) => Err(Error::invalid(
            file,
            "/openapi",
            format!("OpenAPI {v} documents are not supported yet (conversion to 3.0 is planned)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detects_dialects() {
        assert!(matches!(
            detect(&json!({"swagger": "2.0"}), "f"),
            Ok(Dialect::Swagger2)
        ));
        assert!(matches!(
            detect(&json!({"openapi": "3.0.0"}), "f"),
            Ok(Dialect::OpenApi30(_))
        ));
        assert!(matches!(
            detect(&json!({"openapi": "3.1.0"}), "f"),
            Ok(Dialect::OpenApi31(_))
        ));
    }

    #[test]
    fn not_openapi_is_a_located_error() {
        let err = detect(&json!({"info": {}}), "doc.yaml").expect_err("not openapi");
        assert!(err.to_string().starts_with("doc.yaml: neither"), "{err}");
        let err = detect(&json!({"openapi": "4.0"}), "doc.yaml").expect_err("future");
        assert!(err.to_string().starts_with("doc.yaml#/openapi"), "{err}");
    }

    #[test]
    fn numeric_version_is_normalised() {
        let mut doc = json!({"openapi": 3.0});
        let notes = upgrade(&mut doc, "f").expect("3.0 passes");
        assert_eq!(doc["openapi"], json!("3.0"));
        assert_eq!(notes.len(), 1);
    }
}
