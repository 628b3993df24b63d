//! Stage 1, load: bytes of a JSON or YAML document into a `serde_json::Value`, with
//! parse errors that name the file and the line/column.

use serde_json::Value;

use crate::error::{Error, Location, Result};

/// The serialization a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON.
    Json,
    /// YAML 1.2 (parsed with `serde_norway`).
    Yaml,
}

impl Format {
    /// Guesses the format from the file name, then from the first non-blank byte.
    pub fn detect(name: &str, bytes: &[u8]) -> Self {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            return Self::Json;
        }
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            return Self::Yaml;
        }
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Self::Json,
            _ => Self::Yaml,
        }
    }
}

/// Parses a document. `name` is how the user named it (path or URL), used in errors.
pub fn parse_document(name: &str, bytes: &[u8]) -> Result<Value> {
    let value = parse_value(name, bytes)?;
    if !value.is_object() {
        return Err(Error::invalid(
            name,
            "",
            "the document is not an object (expected an OpenAPI or Swagger document)",
        ));
    }
    Ok(value)
}

/// Parses any JSON or YAML file (a document, or a file a `$ref` points into).
pub fn parse_value(name: &str, bytes: &[u8]) -> Result<Value> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::Parse {
        location: Location::new(name, ""),
        message: format!("not UTF-8 text (byte {})", e.valid_up_to()),
    })?;
    let value = match Format::detect(name, bytes) {
        Format::Json => serde_json::from_str::<Value>(text).map_err(|e| Error::Parse {
            location: Location::new(name, format!("line {} column {}", e.line(), e.column())),
            message: e.to_string(),
        })?,
        Format::Yaml => serde_norway::from_str::<Value>(text).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!("line {} column {}", l.line(), l.column()))
                .unwrap_or_default();
            Error::Parse {
                location: Location::new(name, at),
                message: e.to_string(),
            }
        })?,
    };
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_with_numeric_keys_loads_as_strings() {
        let doc = parse_document("a.yaml", b"openapi: 3.0.3\npaths:\n  /x:\n    get:\n      responses:\n        200:\n          description: ok\n")
            .expect("parses");
        assert!(doc["paths"]["/x"]["get"]["responses"]["200"].is_object());
    }

    #[test]
    fn truncated_json_names_file_and_line() {
        let err = parse_document("spec.json", b"{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {")
            .expect_err("truncated");
        let text = err.to_string();
        assert!(text.starts_with("spec.json#line 3"), "{text}");
    }

    #[test]
    fn bad_yaml_names_file_and_line() {
        let err = parse_document("spec.yaml", b"openapi: 3.0.3\npaths: [\n").expect_err("bad");
        assert!(err.to_string().contains("spec.yaml#line"), "{err}");
    }

    #[test]
    fn scalar_document_is_rejected() {
        let err = parse_document("x.json", b"42").expect_err("not an object");
        assert!(err.to_string().contains("not an object"));
    }
}
