//! Stage 2, upgrade: bring the document to OpenAPI 3.0.x, the one dialect the later
//! stages read.
//!
//! - Swagger 2.0 is converted to OpenAPI 3.0.3 (`swagger2`).
//! - OpenAPI 3.1 is converted to OpenAPI 3.0.3 (`openapi31`).
//! - OpenAPI 3.0.x passes through, except that 3.1 schema constructs real 3.0 documents
//!   use anyway (`type: [string, "null"]`, `const`, numeric `exclusiveMinimum`, …) are
//!   rewritten the same way as in a 3.1 document, and a numeric `openapi: 3.0` becomes a
//!   string.
//!
//! The stage works on the untyped `serde_json::Value`, walks the tree once, moves subtrees
//! with `std::mem::take` rather than cloning them, and reports one compact note line per
//! kind of rewrite (a count and up to two example pointers into the input document).
//! Malformed input that the conversion must understand is refused with
//! [`Error::invalid`] naming the JSON pointer; nothing here panics on document data.
//!
//! Values under `example`, `x-example` and `examples` are data, not document structure:
//! they are never followed nor rewritten.

mod openapi31;
mod swagger2;

use std::borrow::Cow;

use indexmap::IndexMap;
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

/// The version every upgraded document declares.
pub const TARGET_VERSION: &str = "3.0.3";

/// Reads the dialect from the `openapi`/`swagger` field.
pub fn detect(doc: &Value, file: &str) -> Result<Dialect> {
    if let Some(v) = doc.get("swagger") {
        return match v.as_str() {
            Some("2.0") => Ok(Dialect::Swagger2),
            // YAML `swagger: 2.0` without quotes parses as a number.
            None if v.as_f64() == Some(2.0) => Ok(Dialect::Swagger2),
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
            format!("unsupported OpenAPI version `{text}` (supported: 2.0, 3.0.x, 3.1.x)"),
        ))
    }
}

/// Upgrades `doc` in place to OpenAPI 3.0.x. Returns a line per kind of rewrite for the
/// report (with counts and example pointers).
pub fn upgrade(doc: &mut Value, file: &str) -> Result<Vec<String>> {
    if !doc.is_object() {
        return Err(Error::invalid(
            file,
            "",
            "the document is not an object (expected an OpenAPI or Swagger document)",
        ));
    }
    match detect(doc, file)? {
        Dialect::OpenApi30(text) => {
            let mut notes = Notes::new(format!("openapi {text}"));
            // Normalise the version field so typed parsing accepts `3.0` written as a number.
            if let Some(v) = doc.get_mut("openapi") {
                if !v.is_string() {
                    *v = Value::String(text.clone());
                    notes.once(format!("/openapi: version {text} written as a string"));
                }
            }
            openapi31::convert(doc, file, openapi31::Mode::OpenApi30, &mut notes)?;
            Ok(notes.into_lines())
        }
        Dialect::Swagger2 => {
            let mut notes = Notes::new(format!("swagger 2.0 → openapi {TARGET_VERSION}"));
            swagger2::convert(doc, file, &mut notes)?;
            Ok(notes.into_lines())
        }
        Dialect::OpenApi31(text) => {
            let mut notes = Notes::new(format!("openapi {text} → openapi {TARGET_VERSION}"));
            openapi31::convert(doc, file, openapi31::Mode::OpenApi31, &mut notes)?;
            Ok(notes.into_lines())
        }
    }
}

/// Keys whose values are example data: never followed, never rewritten.
pub(crate) fn is_example_key(key: &str) -> bool {
    matches!(key, "example" | "x-example" | "examples" | "x-examples")
}

/// Compact report notes: one line per kind of rewrite, with a count and up to
/// [`Notes::EXAMPLES`] example pointers.
#[derive(Debug)]
pub(crate) struct Notes {
    prefix: String,
    kinds: IndexMap<Cow<'static, str>, Kind>,
}

#[derive(Debug, Default)]
struct Kind {
    /// `None` for a one-off message printed as is.
    count: Option<usize>,
    examples: Vec<String>,
}

impl Notes {
    const EXAMPLES: usize = 2;

    pub(crate) fn new(prefix: String) -> Self {
        Self {
            prefix,
            kinds: IndexMap::new(),
        }
    }

    /// Counts one rewrite of kind `what`, at `at` (a JSON pointer into the input).
    pub(crate) fn add(&mut self, what: &'static str, at: &str) {
        self.add_n(what, 1, Some(at));
    }

    /// Counts `n` rewrites of kind `what`.
    pub(crate) fn add_n(&mut self, what: &'static str, n: usize, at: Option<&str>) {
        if n == 0 {
            return;
        }
        let kind = self.kinds.entry(Cow::Borrowed(what)).or_default();
        *kind.count.get_or_insert(0) += n;
        if let Some(at) = at {
            if kind.examples.len() < Self::EXAMPLES {
                kind.examples.push(if at.is_empty() {
                    "(root)".to_owned()
                } else {
                    at.to_owned()
                });
            }
        }
    }

    /// A one-off message.
    pub(crate) fn once(&mut self, message: String) {
        self.kinds.entry(Cow::Owned(message)).or_default();
    }

    pub(crate) fn into_lines(self) -> Vec<String> {
        self.kinds
            .into_iter()
            .map(|(what, kind)| {
                let mut line = match kind.count {
                    Some(n) => format!("{}: {n} {what}", self.prefix),
                    None => format!("{}: {what}", self.prefix),
                };
                if !kind.examples.is_empty() {
                    line.push_str(" (e.g. ");
                    line.push_str(&kind.examples.join(", "));
                    line.push(')');
                }
                line
            })
            .collect()
    }
}

/// A JSON pointer built up and torn down while walking, so that no pointer string is
/// allocated per node: `let m = p.push(token); …; p.pop(m);`.
#[derive(Debug, Default)]
pub(crate) struct Ptr(String);

impl Ptr {
    /// Appends `token` (escaped per RFC 6901) and returns the length to restore.
    pub(crate) fn push(&mut self, token: &str) -> usize {
        let mark = self.0.len();
        self.0.push('/');
        if token.contains(['~', '/']) {
            for c in token.chars() {
                match c {
                    '~' => self.0.push_str("~0"),
                    '/' => self.0.push_str("~1"),
                    c => self.0.push(c),
                }
            }
        } else {
            self.0.push_str(token);
        }
        mark
    }

    /// Appends an array index.
    pub(crate) fn push_index(&mut self, index: usize) -> usize {
        let mark = self.0.len();
        self.0.push('/');
        self.0.push_str(&index.to_string());
        mark
    }

    /// Restores the pointer to a length returned by [`Ptr::push`].
    pub(crate) fn pop(&mut self, mark: usize) {
        self.0.truncate(mark);
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The pointer with `token` appended, as an owned string (for errors).
    pub(crate) fn with(&self, token: &str) -> String {
        crate::error::pointer_push(&self.0, token)
    }
}

/// Decodes one JSON-pointer reference token (`~1` → `/`, `~0` → `~`).
pub(crate) fn unescape_token(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// A short description of a JSON value's kind, for error messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
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
        let err = detect(&json!({"swagger": "1.2"}), "doc.yaml").expect_err("old");
        assert!(err.to_string().starts_with("doc.yaml#/swagger"), "{err}");
        let err = upgrade(&mut json!([1]), "doc.yaml").expect_err("array");
        assert!(err.to_string().starts_with("doc.yaml: "), "{err}");
    }

    #[test]
    fn numeric_version_is_normalised() {
        let mut doc = json!({"openapi": 3.0});
        let notes = upgrade(&mut doc, "f").expect("3.0 passes");
        assert_eq!(doc["openapi"], json!("3.0"));
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn notes_are_one_line_per_kind() {
        let mut notes = Notes::new("p".to_owned());
        notes.add("refs rewritten", "/a");
        notes.add("refs rewritten", "/b");
        notes.add("refs rewritten", "/c");
        notes.once("no servers".to_owned());
        notes.add_n("definitions moved", 3, None);
        assert_eq!(
            notes.into_lines(),
            vec![
                "p: 3 refs rewritten (e.g. /a, /b)".to_owned(),
                "p: no servers".to_owned(),
                "p: 3 definitions moved".to_owned(),
            ]
        );
    }

    #[test]
    fn pointer_escapes_tokens() {
        let mut p = Ptr::default();
        let m = p.push("paths");
        let n = p.push("/a~b");
        assert_eq!(p.as_str(), "/paths/~1a~0b");
        p.pop(n);
        p.push_index(3);
        assert_eq!(p.as_str(), "/paths/3");
        p.pop(m);
        assert_eq!(p.as_str(), "");
        assert_eq!(unescape_token("~1a~0b"), "/a~b");
    }
}

/// The real Palette document (Swagger 2.0, 2 MB): upgraded, then parsed by `openapiv3`.
#[cfg(test)]
mod palette {
    use super::*;

    const PALETTE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/specs/palette/palette-apis-spec.json"
    );

    fn load() -> Option<Value> {
        match std::fs::read(PALETTE) {
            Ok(bytes) => Some(serde_json::from_slice(&bytes).expect("Palette is JSON")),
            Err(_) => {
                println!("note: {PALETTE} is absent; Palette upgrade test skipped");
                None
            }
        }
    }

    /// Every string that is a `$ref` value outside example values.
    fn refs_outside_examples<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    if k == "$ref" {
                        if let Some(s) = c.as_str() {
                            out.push(s);
                        }
                    } else if !is_example_key(k) {
                        refs_outside_examples(c, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|c| refs_outside_examples(c, out)),
            _ => {}
        }
    }

    fn strings_outside_examples(v: &Value, needle: &str) -> usize {
        match v {
            Value::String(s) => usize::from(s.contains(needle)),
            Value::Object(m) => m
                .iter()
                .filter(|(k, _)| !is_example_key(k))
                .map(|(k, c)| usize::from(k.contains(needle)) + strings_outside_examples(c, needle))
                .sum(),
            Value::Array(a) => a.iter().map(|c| strings_outside_examples(c, needle)).sum(),
            _ => 0,
        }
    }

    #[test]
    fn palette_upgrades_and_parses() {
        let Some(mut doc) = load() else { return };
        let notes = upgrade(&mut doc, "palette-apis-spec.json").expect("Palette upgrades");
        for n in &notes {
            println!("{n}");
        }
        assert!(notes.len() < 40, "notes stay compact: {}", notes.len());
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(strings_outside_examples(&doc, "#/definitions/"), 0);
        let mut refs = Vec::new();
        refs_outside_examples(&doc, &mut refs);
        assert!(refs.len() > 1000);
        assert!(
            refs.iter().all(|r| r.starts_with("#/components/")),
            "{refs:?}"
        );
        // Every local reference resolves.
        for r in &refs {
            let ptr = r.trim_start_matches('#');
            assert!(doc.pointer(ptr).is_some(), "dangling {r}");
        }
        let spec: openapiv3::OpenAPI =
            serde_json::from_value(doc).expect("the upgraded document is OpenAPI 3.0");
        let ops = spec.operations().count();
        assert_eq!(ops, 1181);
        let schemas = spec.components.as_ref().map_or(0, |c| c.schemas.len());
        assert_eq!(schemas, 1874);
        assert!(spec.servers.is_empty(), "Palette has no host: no servers");
    }

    /// Every peer document (`../shared/specs/peers/`) upgrades and parses as OpenAPI 3.0.
    #[test]
    fn peers_upgrade_and_parse() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/specs/peers");
        let Ok(entries) = std::fs::read_dir(dir) else {
            println!("note: {dir} is absent; peers upgrade test skipped");
            return;
        };
        let mut names: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        names.sort();
        for path in names {
            let name = path.display().to_string();
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(mut doc) = crate::load::parse_document(&name, &bytes) else {
                continue;
            };
            let notes = upgrade(&mut doc, &name).expect("peer upgrades");
            println!("{name}: {notes:?}");
            if let Err(e) = serde_json::from_value::<openapiv3::OpenAPI>(doc) {
                panic!("{name}: the upgraded document does not parse: {e}");
            }
        }
    }

    /// `cargo test -p cloudgen --release --lib upgrade::palette -- --ignored --nocapture`
    #[test]
    #[ignore = "timing; run in release"]
    fn palette_upgrade_timing() {
        let Some(doc) = load() else { return };
        let runs = 20;
        let mut best = std::time::Duration::MAX;
        for _ in 0..runs {
            let mut d = doc.clone();
            let t = std::time::Instant::now();
            let notes = upgrade(&mut d, "palette").expect("upgrades");
            best = best.min(t.elapsed());
            std::hint::black_box(notes);
        }
        println!("Palette upgrade: best of {runs}: {best:?}");
        // A large 3.0 document: the read-mostly 3.1-construct walk.
        let github = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/specs/peers/api.github.com.json"
        );
        if let Ok(bytes) = std::fs::read(github) {
            let doc: Value = serde_json::from_slice(&bytes).expect("JSON");
            let mut best = std::time::Duration::MAX;
            for _ in 0..runs {
                let mut d = doc.clone();
                let t = std::time::Instant::now();
                let notes = upgrade(&mut d, "github").expect("upgrades");
                best = best.min(t.elapsed());
                std::hint::black_box(notes);
            }
            println!("GitHub (3.0, 3.7 MB) upgrade walk: best of {runs}: {best:?}");
        }
    }
}
