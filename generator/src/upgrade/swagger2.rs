//! Swagger 2.0 → OpenAPI 3.0.3.
//!
//! The document's root is taken apart with `std::mem::take` and rebuilt; each subtree is
//! visited once and moved, never cloned (except a document-level body parameter, which
//! is copied into every operation that references it: 3.0 has no body parameters).
//!
//! What is converted, in the order the root is rebuilt:
//! - `swagger` → `openapi: 3.0.3`; `info`, `tags`, `security`, `externalDocs` and vendor
//!   extensions kept;
//! - `host`/`basePath`/`schemes` → `servers` (no host: a relative server from `basePath`,
//!   or no servers at all, with a note);
//! - `paths`: non-body parameters get a `schema` (type, format, items, enum, bounds…) and
//!   `collectionFormat` becomes `style`/`explode`; `body` and `formData` parameters
//!   (operation-level, path-level, or referenced document-level ones, inlined) become the
//!   operation's `requestBody`, one media type per effective `consumes`; responses with a
//!   `schema` get one `content` entry per effective `produces`; response headers get a
//!   `schema`;
//! - `definitions`, `parameters` (non-body), `responses`, `securityDefinitions` →
//!   `components`; document-level body parameters referenced from outside a parameter
//!   list become `components/requestBodies`;
//! - in every schema: `x-nullable` → `nullable`, `discriminator: name` →
//!   `{propertyName: name}`, `type: file` → `{type: string, format: binary}`, `$ref` with
//!   sibling keywords → `allOf` (see [`super::openapi31::wrap_ref_siblings`]);
//! - every `$ref` into `#/definitions`, `#/parameters`, `#/responses` rewritten, except
//!   inside example values.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::openapi31::{TypeRewrite, type_array, wrap_ref_siblings};
use super::{Notes, Ptr, TARGET_VERSION, is_example_key, kind_of, unescape_token};
use crate::error::{Error, Result};

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];
const JSON: &str = "application/json";
const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
const OCTET_STREAM: &str = "application/octet-stream";

/// Keywords of a 2.0 non-body parameter, header or items object that move into `schema`.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "title",
    "readOnly",
];

// Note kinds (one report line each).
const N_DEFINITIONS: &str = "definitions moved to components/schemas";
const N_PARAMETERS: &str = "document-level parameters moved to components/parameters";
const N_DOC_BODY: &str =
    "document-level body/formData parameters kept out of components (inlined where referenced)";
const N_DOC_BODY_INLINED: &str =
    "references to document-level body/formData parameters inlined into operations";
const N_RESPONSES: &str = "document-level responses moved to components/responses";
const N_SECURITY: &str = "securityDefinitions moved to components/securitySchemes";
const N_REF_DEFINITIONS: &str = "$refs #/definitions/… → #/components/schemas/…";
const N_REF_PARAMETERS: &str = "$refs #/parameters/… → #/components/parameters/…";
const N_REF_REQUEST_BODIES: &str = "$refs to document-level body parameters outside parameter lists → #/components/requestBodies/…";
const N_REF_RESPONSES: &str = "$refs #/responses/… → #/components/responses/…";
const N_REF_FORM: &str = "$refs to a document-level formData parameter outside a parameter list left unchanged (no 3.0 equivalent)";
const N_BODY: &str = "body parameters → requestBody";
const N_FORM_MULTIPART: &str = "formData parameter sets → requestBody multipart/form-data";
const N_FORM_URLENCODED: &str =
    "formData parameter sets → requestBody application/x-www-form-urlencoded";
const N_PATH_BODY: &str =
    "path-level body/formData parameters moved into each operation's requestBody";
const N_PARAM_SCHEMA: &str = "non-body parameters: type/format/items/enum/bounds moved into schema";
const N_COLLECTION: &str = "collectionFormat → style/explode";
const N_COLLECTION_DEFAULT: &str = "array query parameters without collectionFormat: 2.0 default csv written as style: form, explode: false";
const N_COLLECTION_TSV: &str = "collectionFormat tsv has no OpenAPI 3.0 equivalent: written as comma-separated (style form/simple, explode false) and kept as x-collectionFormat: tsv";
const N_COLLECTION_LOC: &str = "collectionFormat ssv/pipes/multi in a path or header parameter has no 3.0 equivalent: written as style: simple";
const N_COLLECTION_NESTED: &str =
    "collectionFormat on nested items dropped (no OpenAPI 3.0 equivalent)";
const N_COLLECTION_SCALAR: &str = "collectionFormat on a non-array parameter dropped";
const N_PATH_REQUIRED: &str = "path parameters without required: true marked required";
const N_ALLOW_EMPTY: &str = "allowEmptyValue outside a query parameter dropped";
const N_RESPONSE_CONTENT: &str = "response schemas → content (one media type per produces)";
const N_RESPONSE_EXAMPLES: &str = "response examples moved into content";
const N_RESPONSE_EXAMPLES_DROPPED: &str =
    "response examples for a media type the response does not produce dropped";
const N_RESPONSE_NO_DESCRIPTION: &str = "responses without description given an empty one";
const N_HEADERS: &str = "response headers: type/format/items moved into schema";
const N_X_NULLABLE: &str = "x-nullable → nullable";
const N_DISCRIMINATOR: &str = "discriminator strings → {propertyName}";
const N_FILE: &str = "type: file → type: string, format: binary";
const N_REF_SIBLINGS: &str =
    "$refs with sibling keywords (x-nullable, readOnly, …) → allOf: [$ref] + siblings";
const N_REF_TYPE: &str =
    "`type` next to a $ref dropped (ignored in 2.0; the referenced schema defines it)";
const N_TYPE_NULL: &str = "type arrays with null → type + nullable";
const N_TYPE_MULTI: &str = "type arrays with several types → anyOf";
const N_OP_SCHEMES: &str = "operation-level schemes dropped (no OpenAPI 3.0 equivalent)";
const N_UNKNOWN_ROOT: &str = "unknown top-level fields dropped";
const N_BODY_NO_SCHEMA: &str = "body parameters without schema: any value accepted";

/// Converts a Swagger 2.0 document (already detected) in place.
pub(super) fn convert(doc: &mut Value, file: &str, notes: &mut Notes) -> Result<()> {
    let Value::Object(root) = doc else {
        return Err(Error::invalid(file, "", "the document is not an object"));
    };
    let old = std::mem::take(root);
    let mut cx = Cx {
        file,
        notes,
        p: Ptr::default(),
        consumes: Vec::new(),
        produces: Vec::new(),
        doc_params: HashMap::new(),
        body_refs: Vec::new(),
    };

    let mut info = None;
    let mut paths = None;
    let mut definitions = None;
    let mut parameters = None;
    let mut responses = None;
    let mut security_defs = None;
    let mut host = None;
    let mut base_path = None;
    let mut schemes = None;
    let mut stray_servers = None;
    let mut consumes = None;
    let mut produces = None;
    let mut rest = Map::new();
    for (k, v) in old {
        match k.as_str() {
            "swagger" => {}
            "info" => info = Some(v),
            "paths" => paths = Some(v),
            "definitions" => definitions = Some(v),
            "parameters" => parameters = Some(v),
            "responses" => responses = Some(v),
            "securityDefinitions" => security_defs = Some(v),
            "host" => host = Some(v),
            "basePath" => base_path = Some(v),
            "schemes" => schemes = Some(v),
            "servers" => stray_servers = Some(v),
            "consumes" => consumes = Some(v),
            "produces" => produces = Some(v),
            "tags" | "security" | "externalDocs" => {
                rest.insert(k, v);
            }
            _ if k.starts_with("x-") => {
                rest.insert(k, v);
            }
            _ => {
                let at = cx.p.with(&k);
                cx.notes.add(N_UNKNOWN_ROOT, &at);
            }
        }
    }

    cx.consumes = cx.media_list(consumes.as_ref(), "consumes")?;
    cx.produces = cx.media_list(produces.as_ref(), "produces")?;
    let servers = cx.servers(host, base_path, schemes, stray_servers)?;

    // Document-level parameters first: operations need to know which ones are bodies.
    let component_params = match parameters {
        Some(v) => cx.doc_parameters(v)?,
        None => Map::new(),
    };
    let schemas = match definitions {
        Some(v) => cx.definitions(v)?,
        None => Map::new(),
    };
    let component_responses = match responses {
        Some(v) => cx.doc_responses(v)?,
        None => Map::new(),
    };
    let paths = match paths {
        Some(v) => {
            let m = cx.p.push("paths");
            let out = cx.paths(v)?;
            cx.p.pop(m);
            out
        }
        None => Value::Object(Map::new()),
    };
    let security_schemes = match security_defs {
        Some(v) => cx.security_schemes(v)?,
        None => Map::new(),
    };
    for (k, v) in rest.iter_mut() {
        if k.starts_with("x-") {
            let m = cx.p.push(k);
            cx.refs(v, false)?;
            cx.p.pop(m);
        }
    }
    let request_bodies = cx.referenced_request_bodies();

    let mut components = Map::new();
    for (key, map) in [
        ("schemas", schemas),
        ("responses", component_responses),
        ("parameters", component_params),
        ("requestBodies", request_bodies),
        ("securitySchemes", security_schemes),
    ] {
        if !map.is_empty() {
            components.insert(key.to_owned(), Value::Object(map));
        }
    }

    root.insert(
        "openapi".to_owned(),
        Value::String(TARGET_VERSION.to_owned()),
    );
    if let Some(info) = info {
        root.insert("info".to_owned(), info);
    }
    if let Some(servers) = servers {
        root.insert("servers".to_owned(), servers);
    }
    for (k, v) in rest {
        root.insert(k, v);
    }
    root.insert("paths".to_owned(), paths);
    if !components.is_empty() {
        root.insert("components".to_owned(), Value::Object(components));
    }
    Ok(())
}

/// A document-level parameter, by kind.
enum DocParam {
    /// Moved to `components/parameters`.
    Plain,
    /// A body parameter: inlined where referenced.
    Body(BodyParam),
    /// A formData parameter: inlined where referenced.
    Form(FormField),
}

/// A converted `in: body` parameter, waiting for its operation's `consumes`.
#[derive(Debug, Clone)]
struct BodyParam {
    name: Option<String>,
    description: Option<Value>,
    required: bool,
    schema: Value,
    extensions: Map<String, Value>,
}

/// A converted `in: formData` parameter: one property of the form body's schema.
#[derive(Debug, Clone)]
struct FormField {
    name: String,
    schema: Value,
    required: bool,
    file: bool,
    /// The urlencoded `encoding` entry (`style`/`explode`) its collectionFormat calls for.
    encoding: Option<Value>,
}

/// A parameter of a parameter list, converted.
enum Resolved {
    Param(Value),
    Body(BodyParam),
    Form(FormField),
}

/// A non-body parameter's fields, sorted into parameter fields and schema keywords.
#[derive(Default)]
struct Parts {
    name: Option<String>,
    description: Option<Value>,
    required: Option<Value>,
    deprecated: Option<Value>,
    allow_empty: Option<Value>,
    collection_format: Option<String>,
    schema: Map<String, Value>,
    explicit_schema: Option<Value>,
    file: bool,
    rest: Map<String, Value>,
}

impl Parts {
    /// The schema: the keywords gathered, or an explicit (non-standard) `schema`, merged.
    fn take_schema(&mut self) -> Map<String, Value> {
        let gathered = std::mem::take(&mut self.schema);
        match self.explicit_schema.take() {
            Some(Value::Object(mut explicit)) => {
                for (k, v) in gathered {
                    explicit.entry(k).or_insert(v);
                }
                explicit
            }
            _ => gathered,
        }
    }
}

fn is_array_schema(schema: &Map<String, Value>) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "array",
        None => schema.contains_key("items"),
        _ => false,
    }
}

/// `style`/`explode` for a collectionFormat.
struct Style {
    style: &'static str,
    explode: Option<bool>,
    tsv: bool,
}

struct Cx<'a> {
    file: &'a str,
    notes: &'a mut Notes,
    p: Ptr,
    /// Document-level `consumes` (empty: not declared).
    consumes: Vec<String>,
    /// Document-level `produces` (empty: not declared).
    produces: Vec<String>,
    doc_params: HashMap<String, DocParam>,
    /// Document-level body parameters referenced from outside a parameter list.
    body_refs: Vec<String>,
}

impl Cx<'_> {
    fn err(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::invalid(self.file, pointer, message)
    }

    /// An error at the current pointer plus `token`.
    fn err_at(&self, token: &str, message: impl Into<String>) -> Error {
        Error::invalid(self.file, &self.p.with(token), message)
    }

    fn expect_object(&self, v: Value, what: &str) -> Result<Map<String, Value>> {
        match v {
            Value::Object(m) => Ok(m),
            other => Err(self.err(
                self.p.as_str(),
                format!("{what} must be an object, found {}", kind_of(&other)),
            )),
        }
    }

    /// A `consumes`/`produces` list under the current pointer (empty: absent or `[]`).
    fn media_list(&self, v: Option<&Value>, key: &str) -> Result<Vec<String>> {
        let Some(v) = v else {
            return Ok(Vec::new());
        };
        let Value::Array(items) = v else {
            return Err(self.err_at(
                key,
                format!(
                    "`{key}` must be an array of media types, found {}",
                    kind_of(v)
                ),
            ));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(s) => {
                    if !out.contains(s) {
                        out.push(s.clone());
                    }
                }
                other => {
                    return Err(self.err(
                        &format!("{}/{i}", self.p.with(key)),
                        format!("a media type must be a string, found {}", kind_of(other)),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// `host`/`basePath`/`schemes` → `servers`.
    fn servers(
        &mut self,
        host: Option<Value>,
        base_path: Option<Value>,
        schemes: Option<Value>,
        stray: Option<Value>,
    ) -> Result<Option<Value>> {
        let host = match host {
            None => None,
            Some(Value::String(s)) => Some(s).filter(|s| !s.is_empty()),
            Some(other) => {
                return Err(self.err(
                    "/host",
                    format!("`host` must be a string, found {}", kind_of(&other)),
                ));
            }
        };
        let base_path = match base_path {
            None => None,
            Some(Value::String(s)) => Some(s).filter(|s| !s.is_empty()),
            Some(other) => {
                return Err(self.err(
                    "/basePath",
                    format!("`basePath` must be a string, found {}", kind_of(&other)),
                ));
            }
        };
        let schemes = self.media_list(schemes.as_ref(), "schemes")?;
        if let Some(host) = host {
            let base = match base_path.as_deref() {
                None | Some("/") => String::new(),
                Some(b) if b.starts_with('/') => b.trim_end_matches('/').to_owned(),
                Some(b) => format!("/{}", b.trim_end_matches('/')),
            };
            let schemes = if schemes.is_empty() {
                self.notes
                    .once("no schemes declared: https assumed for the server URL".to_owned());
                vec!["https".to_owned()]
            } else {
                schemes
            };
            let servers: Vec<Value> = schemes
                .iter()
                .map(|s| json!({ "url": format!("{s}://{host}{base}") }))
                .collect();
            self.notes.once(format!(
                "host/basePath/schemes → {} server(s): {}",
                servers.len(),
                schemes
                    .iter()
                    .map(|s| format!("{s}://{host}{base}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            if stray.is_some() {
                self.notes.once(
                    "a stray `servers` key (not Swagger 2.0) dropped in favour of host".to_owned(),
                );
            }
            return Ok(Some(Value::Array(servers)));
        }
        if let Some(base) = base_path.filter(|b| b != "/") {
            self.notes.once(format!(
                "no host: relative server `{base}` from basePath (the base URL must come from the settings)"
            ));
            return Ok(Some(json!([{ "url": base }])));
        }
        if let Some(Value::Array(servers)) = stray {
            self.notes.once(
                "no host: a stray `servers` key (not Swagger 2.0) kept as the servers".to_owned(),
            );
            return Ok(Some(Value::Array(servers)));
        }
        let schemes_note = if schemes.is_empty() {
            String::new()
        } else {
            format!(" (schemes {} ignored)", schemes.join(", "))
        };
        self.notes.once(format!(
            "no host and no basePath: no servers emitted{schemes_note}; the base URL must come from the settings"
        ));
        Ok(None)
    }

    // ----- $refs -----

    /// The 3.0 form of a local 2.0 reference, or `None` when it stays as is.
    fn map_ref(&mut self, r: &str) -> Option<String> {
        if let Some(rest) = r.strip_prefix("#/definitions/") {
            self.notes.add(N_REF_DEFINITIONS, self.p.as_str());
            return Some(format!("#/components/schemas/{rest}"));
        }
        if let Some(rest) = r.strip_prefix("#/responses/") {
            self.notes.add(N_REF_RESPONSES, self.p.as_str());
            return Some(format!("#/components/responses/{rest}"));
        }
        if let Some(rest) = r.strip_prefix("#/parameters/") {
            let (token, suffix) = rest.split_once('/').unwrap_or((rest, ""));
            let name = unescape_token(token);
            match self.doc_params.get(name.as_ref()) {
                Some(DocParam::Body(_)) if suffix.is_empty() => {
                    if !self.body_refs.iter().any(|b| b == name.as_ref()) {
                        self.body_refs.push(name.into_owned());
                    }
                    self.notes.add(N_REF_REQUEST_BODIES, self.p.as_str());
                    return Some(format!("#/components/requestBodies/{token}"));
                }
                Some(DocParam::Body(_) | DocParam::Form(_)) => {
                    self.notes.add(N_REF_FORM, self.p.as_str());
                    return None;
                }
                _ => {
                    self.notes.add(N_REF_PARAMETERS, self.p.as_str());
                    return Some(format!("#/components/parameters/{rest}"));
                }
            }
        }
        None
    }

    /// Rewrites the `$ref` member of `obj`, if any. A non-string `$ref` is an error.
    fn object_ref(&mut self, obj: &mut Map<String, Value>) -> Result<()> {
        let Some(r) = obj.get_mut("$ref") else {
            return Ok(());
        };
        let Value::String(s) = r else {
            return Err(self.err_at(
                "$ref",
                format!("`$ref` must be a string, found {}", kind_of(r)),
            ));
        };
        let m = self.p.push("$ref");
        let mapped = self.map_ref(s);
        self.p.pop(m);
        if let Some(mapped) = mapped {
            *r = Value::String(mapped);
        }
        Ok(())
    }

    /// Rewrites every `$ref` below `v` (outside example values). `strict`: a non-string
    /// `$ref` is an error rather than data.
    fn refs(&mut self, v: &mut Value, strict: bool) -> Result<()> {
        match v {
            Value::Object(obj) => {
                for (k, child) in obj.iter_mut() {
                    if k == "$ref" {
                        match child {
                            Value::String(s) => {
                                let m = self.p.push(k);
                                let mapped = self.map_ref(s);
                                self.p.pop(m);
                                if let Some(mapped) = mapped {
                                    *s = mapped;
                                }
                            }
                            other if strict => {
                                return Err(self.err_at(
                                    "$ref",
                                    format!("`$ref` must be a string, found {}", kind_of(other)),
                                ));
                            }
                            _ => {}
                        }
                    } else if !is_example_key(k) && (child.is_object() || child.is_array()) {
                        let m = self.p.push(k);
                        self.refs(child, strict)?;
                        self.p.pop(m);
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    if child.is_object() || child.is_array() {
                        let m = self.p.push_index(i);
                        self.refs(child, strict)?;
                        self.p.pop(m);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    // ----- schemas -----

    /// Converts a schema in place (at the current pointer).
    fn schema(&mut self, v: &mut Value) -> Result<()> {
        let Value::Object(obj) = v else {
            return Err(self.err(
                self.p.as_str(),
                format!("a schema must be an object, found {}", kind_of(v)),
            ));
        };
        self.object_ref(obj)?;
        if let Some(Value::Bool(b)) = obj.get("x-nullable") {
            let b = *b;
            obj.shift_remove("x-nullable");
            obj.insert("nullable".to_owned(), Value::Bool(b));
            self.notes.add(N_X_NULLABLE, self.p.as_str());
        }
        let siblings = wrap_ref_siblings(obj);
        if siblings.type_dropped {
            self.notes.add(N_REF_TYPE, self.p.as_str());
        }
        if siblings.wrapped {
            self.notes.add(N_REF_SIBLINGS, self.p.as_str());
        }
        match obj.get_mut("type") {
            Some(Value::String(t)) if t == "file" => {
                *t = "string".to_owned();
                obj.insert("format".to_owned(), Value::String("binary".to_owned()));
                self.notes.add(N_FILE, self.p.as_str());
            }
            Some(Value::Array(_)) => match type_array(obj) {
                TypeRewrite::Nullable => self.notes.add(N_TYPE_NULL, self.p.as_str()),
                TypeRewrite::AnyOf => self.notes.add(N_TYPE_MULTI, self.p.as_str()),
                TypeRewrite::Single | TypeRewrite::None => {}
            },
            _ => {}
        }
        if let Some(Value::String(d)) = obj.get_mut("discriminator") {
            let name = std::mem::take(d);
            obj.insert("discriminator".to_owned(), json!({ "propertyName": name }));
            self.notes.add(N_DISCRIMINATOR, self.p.as_str());
        }
        for (k, child) in obj.iter_mut() {
            let m = self.p.push(k);
            match k.as_str() {
                "properties" | "definitions" | "patternProperties" => {
                    let Value::Object(props) = child else {
                        return Err(self.err(
                            self.p.as_str(),
                            format!("`{k}` must be an object, found {}", kind_of(child)),
                        ));
                    };
                    for (name, s) in props.iter_mut() {
                        let m = self.p.push(name);
                        self.schema(s)?;
                        self.p.pop(m);
                    }
                }
                "additionalProperties" if !child.is_boolean() => self.schema(child)?,
                "items" => match child {
                    Value::Array(items) => {
                        for (i, s) in items.iter_mut().enumerate() {
                            let m = self.p.push_index(i);
                            self.schema(s)?;
                            self.p.pop(m);
                        }
                    }
                    _ => self.schema(child)?,
                },
                "allOf" | "anyOf" | "oneOf" => {
                    let Value::Array(items) = child else {
                        return Err(self.err(
                            self.p.as_str(),
                            format!(
                                "`{k}` must be an array of schemas, found {}",
                                kind_of(child)
                            ),
                        ));
                    };
                    for (i, s) in items.iter_mut().enumerate() {
                        let m = self.p.push_index(i);
                        self.schema(s)?;
                        self.p.pop(m);
                    }
                }
                "not" => self.schema(child)?,
                "$ref" | "default" | "enum" | "const" => {}
                _ if is_example_key(k) => {}
                _ => {
                    if child.is_object() || child.is_array() {
                        self.refs(child, !k.starts_with("x-"))?;
                    }
                }
            }
            self.p.pop(m);
        }
        Ok(())
    }

    /// `definitions` → `components/schemas`.
    fn definitions(&mut self, v: Value) -> Result<Map<String, Value>> {
        let m = self.p.push("definitions");
        let mut defs = self.expect_object(v, "`definitions`")?;
        for (name, s) in defs.iter_mut() {
            let m = self.p.push(name);
            self.schema(s)?;
            self.p.pop(m);
        }
        self.p.pop(m);
        self.notes.add_n(N_DEFINITIONS, defs.len(), None);
        Ok(defs)
    }

    // ----- parameters -----

    /// Document-level `parameters`: non-body ones → `components/parameters`, body and
    /// formData ones remembered for inlining.
    fn doc_parameters(&mut self, v: Value) -> Result<Map<String, Value>> {
        let m = self.p.push("parameters");
        let params = self.expect_object(v, "`parameters`")?;
        let mut out = Map::new();
        let mut bodies = 0;
        for (name, p) in params {
            let m = self.p.push(&name);
            let mut obj = self.expect_object(p, "a parameter")?;
            if obj.contains_key("$ref") {
                // A reference to a reference: rewrite, treat as a plain parameter.
                self.object_ref(&mut obj)?;
                self.doc_params.insert(name.clone(), DocParam::Plain);
                out.insert(name, Value::Object(obj));
            } else {
                match self.param(obj)? {
                    Resolved::Param(v) => {
                        self.doc_params.insert(name.clone(), DocParam::Plain);
                        out.insert(name, v);
                    }
                    Resolved::Body(b) => {
                        bodies += 1;
                        self.doc_params.insert(name, DocParam::Body(b));
                    }
                    Resolved::Form(f) => {
                        bodies += 1;
                        self.doc_params.insert(name, DocParam::Form(f));
                    }
                }
            }
            self.p.pop(m);
        }
        self.p.pop(m);
        self.notes.add_n(N_PARAMETERS, out.len(), None);
        self.notes.add_n(N_DOC_BODY, bodies, None);
        Ok(out)
    }

    /// One entry of a parameter list (operation or path level), at the current pointer.
    fn list_param(&mut self, v: Value) -> Result<Resolved> {
        let mut obj = self.expect_object(v, "a parameter")?;
        if let Some(r) = obj.get("$ref") {
            let Value::String(r) = r else {
                return Err(self.err_at(
                    "$ref",
                    format!("`$ref` must be a string, found {}", kind_of(r)),
                ));
            };
            if let Some(token) = r.strip_prefix("#/parameters/") {
                let name = unescape_token(token);
                match self.doc_params.get(name.as_ref()) {
                    Some(DocParam::Body(b)) => {
                        let b = b.clone();
                        self.notes.add(N_DOC_BODY_INLINED, self.p.as_str());
                        return Ok(Resolved::Body(b));
                    }
                    Some(DocParam::Form(f)) => {
                        let f = f.clone();
                        self.notes.add(N_DOC_BODY_INLINED, self.p.as_str());
                        return Ok(Resolved::Form(f));
                    }
                    _ => {}
                }
            }
            self.object_ref(&mut obj)?;
            return Ok(Resolved::Param(Value::Object(obj)));
        }
        self.param(obj)
    }

    /// An inline parameter, by location.
    fn param(&mut self, obj: Map<String, Value>) -> Result<Resolved> {
        let location = match obj.get("in") {
            None => {
                return Err(self.err(
                    self.p.as_str(),
                    "parameter has no `in` (expected query, header, path, formData or body)",
                ));
            }
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(self.err_at(
                    "in",
                    format!("`in` must be a string, found {}", kind_of(other)),
                ));
            }
        };
        match location.as_str() {
            "body" => Ok(Resolved::Body(self.body_param(obj)?)),
            "formData" => Ok(Resolved::Form(self.form_field(obj)?)),
            "query" | "header" | "path" | "cookie" => {
                Ok(Resolved::Param(self.plain_param(obj, &location)?))
            }
            other => Err(self.err_at(
                "in",
                format!(
                    "unknown parameter location `{other}` (expected query, header, path, formData or body)"
                ),
            )),
        }
    }

    /// Sorts a non-body parameter's (or header's) fields.
    fn parts(&mut self, obj: Map<String, Value>) -> Result<Parts> {
        let mut parts = Parts::default();
        for (k, v) in obj {
            match k.as_str() {
                "in" => {}
                "name" => match v {
                    Value::String(s) => parts.name = Some(s),
                    other => {
                        return Err(self.err_at(
                            "name",
                            format!("`name` must be a string, found {}", kind_of(&other)),
                        ));
                    }
                },
                "description" => parts.description = Some(v),
                "required" => parts.required = Some(v),
                "deprecated" => parts.deprecated = Some(v),
                "allowEmptyValue" => parts.allow_empty = Some(v),
                "collectionFormat" => match v {
                    Value::String(s) => parts.collection_format = Some(s),
                    other => {
                        return Err(self.err_at(
                            "collectionFormat",
                            format!(
                                "`collectionFormat` must be a string, found {}",
                                kind_of(&other)
                            ),
                        ));
                    }
                },
                "items" => {
                    let m = self.p.push("items");
                    let items = self.items(v)?;
                    self.p.pop(m);
                    parts.schema.insert(k, items);
                }
                "type" if v.as_str() == Some("file") => {
                    parts.file = true;
                    parts.schema.insert(k, Value::String("string".to_owned()));
                    self.notes.add(N_FILE, self.p.as_str());
                }
                "x-nullable" if v.is_boolean() => {
                    parts.schema.insert("nullable".to_owned(), v);
                    self.notes.add(N_X_NULLABLE, self.p.as_str());
                }
                "schema" => {
                    let mut v = v;
                    let m = self.p.push("schema");
                    self.schema(&mut v)?;
                    self.p.pop(m);
                    parts.explicit_schema = Some(v);
                }
                _ if SCHEMA_KEYS.contains(&k.as_str()) => {
                    parts.schema.insert(k, v);
                }
                _ => {
                    let mut v = v;
                    if k.starts_with("x-") && !is_example_key(&k) {
                        let m = self.p.push(&k);
                        self.refs(&mut v, false)?;
                        self.p.pop(m);
                    }
                    parts.rest.insert(k, v);
                }
            }
        }
        if parts.file {
            parts
                .schema
                .insert("format".to_owned(), Value::String("binary".to_owned()));
        }
        Ok(parts)
    }

    /// A 2.0 items object (of a non-body parameter or header) → a schema.
    fn items(&mut self, v: Value) -> Result<Value> {
        let mut obj = self.expect_object(v, "`items`")?;
        // Nested collectionFormats (arrays of arrays) have no 3.0 equivalent.
        let mut level = &mut obj;
        loop {
            if level.shift_remove("collectionFormat").is_some() {
                self.notes.add(N_COLLECTION_NESTED, self.p.as_str());
            }
            match level.get_mut("items") {
                Some(Value::Object(next)) => level = next,
                _ => break,
            }
        }
        let mut v = Value::Object(obj);
        self.schema(&mut v)?;
        Ok(v)
    }

    /// `style`/`explode` for a collectionFormat at the current pointer.
    fn collection_style(&mut self, cf: Option<&str>, location: &str) -> Result<Style> {
        let explicit = cf.is_some();
        let cf = cf.unwrap_or("csv");
        if !matches!(cf, "csv" | "ssv" | "tsv" | "pipes" | "multi") {
            return Err(self.err_at(
                "collectionFormat",
                format!("unknown collectionFormat `{cf}` (expected csv, ssv, tsv, pipes or multi)"),
            ));
        }
        let at = self.p.as_str();
        let form_like = matches!(location, "query" | "formData" | "cookie");
        let style = match (form_like, cf) {
            (true, "csv") => Style {
                style: "form",
                explode: Some(false),
                tsv: false,
            },
            (true, "ssv") => Style {
                style: "spaceDelimited",
                explode: Some(false),
                tsv: false,
            },
            (true, "pipes") => Style {
                style: "pipeDelimited",
                explode: Some(false),
                tsv: false,
            },
            (true, "multi") => Style {
                style: "form",
                explode: Some(true),
                tsv: false,
            },
            (true, _) => Style {
                style: "form",
                explode: Some(false),
                tsv: true,
            },
            (false, "csv") => Style {
                style: "simple",
                explode: None,
                tsv: false,
            },
            (false, "tsv") => Style {
                style: "simple",
                explode: None,
                tsv: true,
            },
            (false, _) => {
                self.notes.add(N_COLLECTION_LOC, at);
                Style {
                    style: "simple",
                    explode: None,
                    tsv: false,
                }
            }
        };
        if style.tsv {
            self.notes.add(N_COLLECTION_TSV, at);
        } else if explicit {
            self.notes.add(N_COLLECTION, at);
        } else if form_like {
            self.notes.add(N_COLLECTION_DEFAULT, at);
        }
        Ok(style)
    }

    /// A query/header/path parameter → a 3.0 parameter with a `schema`.
    fn plain_param(&mut self, obj: Map<String, Value>, location: &str) -> Result<Value> {
        let mut parts = self.parts(obj)?;
        let Some(name) = parts.name.take() else {
            return Err(self.err(self.p.as_str(), "parameter has no `name`"));
        };
        let schema = parts.take_schema();
        let mut style = None;
        if is_array_schema(&schema) {
            // The 2.0 default is csv; only query needs it spelled out (path and header
            // default to `simple`, which is csv).
            if parts.collection_format.is_some() || location != "path" && location != "header" {
                style = Some(self.collection_style(parts.collection_format.as_deref(), location)?);
            }
        } else if parts.collection_format.is_some() {
            self.notes.add(N_COLLECTION_SCALAR, self.p.as_str());
        }
        self.notes.add(N_PARAM_SCHEMA, self.p.as_str());

        let mut out = Map::new();
        out.insert("name".to_owned(), Value::String(name));
        out.insert("in".to_owned(), Value::String(location.to_owned()));
        if let Some(d) = parts.description {
            out.insert("description".to_owned(), d);
        }
        if location == "path" {
            if parts.required != Some(Value::Bool(true)) {
                self.notes.add(N_PATH_REQUIRED, self.p.as_str());
            }
            out.insert("required".to_owned(), Value::Bool(true));
        } else if let Some(r) = parts.required {
            out.insert("required".to_owned(), r);
        }
        if let Some(d) = parts.deprecated {
            out.insert("deprecated".to_owned(), d);
        }
        if let Some(a) = parts.allow_empty {
            if location == "query" {
                out.insert("allowEmptyValue".to_owned(), a);
            } else {
                self.notes.add(N_ALLOW_EMPTY, self.p.as_str());
            }
        }
        if let Some(style) = style {
            out.insert("style".to_owned(), Value::String(style.style.to_owned()));
            if let Some(explode) = style.explode {
                out.insert("explode".to_owned(), Value::Bool(explode));
            }
            if style.tsv {
                out.insert(
                    "x-collectionFormat".to_owned(),
                    Value::String("tsv".to_owned()),
                );
            }
        }
        out.insert("schema".to_owned(), Value::Object(schema));
        for (k, v) in parts.rest {
            out.entry(k).or_insert(v);
        }
        Ok(Value::Object(out))
    }

    /// An `in: body` parameter.
    fn body_param(&mut self, obj: Map<String, Value>) -> Result<BodyParam> {
        let mut body = BodyParam {
            name: None,
            description: None,
            required: false,
            schema: Value::Null,
            extensions: Map::new(),
        };
        let mut has_schema = false;
        for (k, v) in obj {
            match k.as_str() {
                "name" => body.name = v.as_str().map(str::to_owned),
                "description" => body.description = Some(v),
                "required" => match v {
                    Value::Bool(b) => body.required = b,
                    other => {
                        return Err(self.err_at(
                            "required",
                            format!("`required` must be a boolean, found {}", kind_of(&other)),
                        ));
                    }
                },
                "schema" => {
                    let mut v = v;
                    let m = self.p.push("schema");
                    self.schema(&mut v)?;
                    self.p.pop(m);
                    body.schema = v;
                    has_schema = true;
                }
                _ if k.starts_with("x-") => {
                    let mut v = v;
                    if !is_example_key(&k) {
                        let m = self.p.push(&k);
                        self.refs(&mut v, false)?;
                        self.p.pop(m);
                    }
                    body.extensions.insert(k, v);
                }
                _ => {}
            }
        }
        if !has_schema {
            self.notes.add(N_BODY_NO_SCHEMA, self.p.as_str());
            body.schema = Value::Object(Map::new());
        }
        Ok(body)
    }

    /// An `in: formData` parameter → a property of the form schema.
    fn form_field(&mut self, obj: Map<String, Value>) -> Result<FormField> {
        let mut parts = self.parts(obj)?;
        let Some(name) = parts.name.take() else {
            return Err(self.err(self.p.as_str(), "parameter has no `name`"));
        };
        let mut schema = parts.take_schema();
        let mut encoding = None;
        if is_array_schema(&schema) {
            let style = self.collection_style(parts.collection_format.as_deref(), "formData")?;
            // multi (form, explode) is the urlencoded default: no encoding entry needed.
            if style.explode != Some(true) {
                let mut e = Map::new();
                e.insert("style".to_owned(), Value::String(style.style.to_owned()));
                if let Some(explode) = style.explode {
                    e.insert("explode".to_owned(), Value::Bool(explode));
                }
                encoding = Some(Value::Object(e));
            }
            if style.tsv {
                schema.insert(
                    "x-collectionFormat".to_owned(),
                    Value::String("tsv".to_owned()),
                );
            }
        } else if parts.collection_format.is_some() {
            self.notes.add(N_COLLECTION_SCALAR, self.p.as_str());
        }
        if let Some(d) = parts.description {
            schema.entry("description").or_insert(d);
        }
        for (k, v) in parts.rest {
            if k.starts_with("x-") || k == "example" {
                schema.entry(k).or_insert(v);
            }
        }
        let required = match parts.required {
            None => false,
            Some(Value::Bool(b)) => b,
            Some(other) => {
                return Err(self.err_at(
                    "required",
                    format!("`required` must be a boolean, found {}", kind_of(&other)),
                ));
            }
        };
        Ok(FormField {
            name,
            schema: Value::Object(schema),
            required,
            file: parts.file,
            encoding,
        })
    }

    /// A body parameter → a requestBody for `consumes` (empty: application/json).
    fn body_request(&mut self, body: BodyParam, consumes: &[String], at: &str) -> Value {
        self.notes.add(N_BODY, at);
        let mut out = Map::new();
        if let Some(d) = body.description {
            out.insert("description".to_owned(), d);
        }
        out.insert(
            "content".to_owned(),
            content_for(body.schema, consumes, JSON),
        );
        if body.required {
            out.insert("required".to_owned(), Value::Bool(true));
        }
        if let Some(name) = body.name {
            out.insert(
                "x-codegen-request-body-name".to_owned(),
                Value::String(name),
            );
        }
        for (k, v) in body.extensions {
            out.entry(k).or_insert(v);
        }
        Value::Object(out)
    }

    /// formData parameters → a requestBody (multipart when a field is a file or consumes
    /// says so, else urlencoded).
    fn form_request(&mut self, fields: Vec<FormField>, consumes: &[String], at: &str) -> Value {
        let any_file = fields.iter().any(|f| f.file);
        let mut types: Vec<&str> = consumes
            .iter()
            .map(String::as_str)
            .filter(|m| {
                let base = m.split(';').next().unwrap_or("").trim();
                base.eq_ignore_ascii_case(MULTIPART) || base.eq_ignore_ascii_case(URLENCODED)
            })
            .collect();
        if any_file {
            types.retain(|m| m.to_ascii_lowercase().starts_with(MULTIPART));
            if types.is_empty() {
                types.push(MULTIPART);
            }
        }
        if types.is_empty() {
            types.push(URLENCODED);
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut encoding = Map::new();
        let mut any_required = false;
        for f in fields {
            if f.required {
                any_required = true;
                required.push(Value::String(f.name.clone()));
            }
            if let Some(e) = f.encoding {
                encoding.insert(f.name.clone(), e);
            }
            properties.insert(f.name, f.schema);
        }
        let mut schema = Map::new();
        schema.insert("type".to_owned(), Value::String("object".to_owned()));
        schema.insert("properties".to_owned(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".to_owned(), Value::Array(required));
        }
        let schema = Value::Object(schema);
        let mut content = Map::new();
        for t in &types {
            let mut media = Map::new();
            media.insert("schema".to_owned(), schema.clone());
            let urlencoded = t.to_ascii_lowercase().starts_with(URLENCODED);
            if urlencoded && !encoding.is_empty() {
                media.insert("encoding".to_owned(), Value::Object(encoding.clone()));
            }
            if urlencoded {
                self.notes.add(N_FORM_URLENCODED, at);
            } else {
                self.notes.add(N_FORM_MULTIPART, at);
            }
            content.insert((*t).to_owned(), Value::Object(media));
        }
        let mut out = Map::new();
        out.insert("content".to_owned(), Value::Object(content));
        if any_required {
            out.insert("required".to_owned(), Value::Bool(true));
        }
        Value::Object(out)
    }

    /// Document-level body parameters referenced from outside a parameter list →
    /// `components/requestBodies`, for the document-level consumes.
    fn referenced_request_bodies(&mut self) -> Map<String, Value> {
        let mut out = Map::new();
        let consumes = std::mem::take(&mut self.consumes);
        for name in std::mem::take(&mut self.body_refs) {
            if let Some(DocParam::Body(b)) = self.doc_params.get(&name) {
                let b = b.clone();
                let at = crate::error::pointer_push("/parameters", &name);
                let body = self.body_request(b, &consumes, &at);
                out.insert(name, body);
            }
        }
        self.consumes = consumes;
        out
    }

    // ----- paths -----

    fn paths(&mut self, v: Value) -> Result<Value> {
        let paths = self.expect_object(v, "`paths`")?;
        let mut out = Map::new();
        for (path, item) in paths {
            let m = self.p.push(&path);
            let item = if path.starts_with("x-") {
                item
            } else {
                self.path_item(item)?
            };
            self.p.pop(m);
            out.insert(path, item);
        }
        Ok(Value::Object(out))
    }

    /// A parameter list at the current pointer + `parameters`.
    fn param_list(&mut self, v: Value) -> Result<Vec<(Resolved, String)>> {
        let m = self.p.push("parameters");
        let Value::Array(items) = v else {
            return Err(self.err(
                self.p.as_str(),
                format!("`parameters` must be an array, found {}", kind_of(&v)),
            ));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, p) in items.into_iter().enumerate() {
            let m = self.p.push_index(i);
            let r = self.list_param(p)?;
            out.push((r, self.p.as_str().to_owned()));
            self.p.pop(m);
        }
        self.p.pop(m);
        Ok(out)
    }

    fn path_item(&mut self, v: Value) -> Result<Value> {
        let mut obj = self.expect_object(v, "a path item")?;
        let mut path_params = Vec::new();
        let mut path_bodies = Vec::new();
        if let Some(raw) = obj.get_mut("parameters").map(Value::take) {
            for (r, at) in self.param_list(raw)? {
                match r {
                    Resolved::Param(p) => path_params.push(p),
                    other => {
                        self.notes.add(N_PATH_BODY, &at);
                        path_bodies.push((other, at));
                    }
                }
            }
        }
        let mut out = Map::new();
        for (k, v) in obj {
            let m = self.p.push(&k);
            match k.as_str() {
                "parameters" => {
                    if !path_params.is_empty() {
                        out.insert(k, Value::Array(std::mem::take(&mut path_params)));
                    }
                }
                _ if METHODS.contains(&k.as_str()) => {
                    let op = self.operation(v, &path_bodies)?;
                    out.insert(k, op);
                }
                "$ref" => {
                    let Value::String(r) = v else {
                        return Err(self.err(
                            self.p.as_str(),
                            format!("`$ref` must be a string, found {}", kind_of(&v)),
                        ));
                    };
                    let r = self.map_ref(&r).unwrap_or(r);
                    out.insert(k, Value::String(r));
                }
                _ => {
                    let mut v = v;
                    if k.starts_with("x-") {
                        self.refs(&mut v, false)?;
                    }
                    out.insert(k, v);
                }
            }
            self.p.pop(m);
        }
        Ok(Value::Object(out))
    }

    fn operation(&mut self, v: Value, path_bodies: &[(Resolved, String)]) -> Result<Value> {
        let mut obj = self.expect_object(v, "an operation")?;
        let consumes = match self.media_list(obj.get("consumes"), "consumes")? {
            c if c.is_empty() => self.consumes.clone(),
            c => c,
        };
        let produces = match self.media_list(obj.get("produces"), "produces")? {
            p if p.is_empty() => self.produces.clone(),
            p => p,
        };

        let mut params = Vec::new();
        let mut body: Option<(BodyParam, String)> = None;
        let mut form: Vec<FormField> = Vec::new();
        let mut form_at: Option<String> = None;
        if let Some(raw) = obj.get_mut("parameters").map(Value::take) {
            for (r, at) in self.param_list(raw)? {
                match r {
                    Resolved::Param(p) => params.push(p),
                    Resolved::Body(b) => {
                        if body.is_some() {
                            return Err(
                                self.err(&at, "an operation can have only one body parameter")
                            );
                        }
                        body = Some((b, at));
                    }
                    Resolved::Form(f) => {
                        if let Some(i) = form.iter().position(|g| g.name == f.name) {
                            form[i] = f;
                        } else {
                            form.push(f);
                        }
                        form_at.get_or_insert(at);
                    }
                }
            }
        }
        // Path-level body/formData parameters: an operation-level body overrides them
        // all; operation-level formData fields override path-level ones of the same name.
        if body.is_none() {
            let op_has_form = !form.is_empty();
            let mut inherited = Vec::new();
            for (r, at) in path_bodies {
                match r {
                    Resolved::Body(b) if !op_has_form && body.is_none() => {
                        body = Some((b.clone(), at.clone()));
                    }
                    Resolved::Form(f) if !form.iter().any(|g| g.name == f.name) => {
                        inherited.push(f.clone());
                        form_at.get_or_insert_with(|| at.clone());
                    }
                    _ => {}
                }
            }
            if !inherited.is_empty() {
                inherited.append(&mut form);
                form = inherited;
            }
        }
        let request_body = match (body, form.is_empty()) {
            (Some((_, at)), false) => {
                return Err(self.err(
                    &at,
                    "an operation cannot have both a body parameter and formData parameters",
                ));
            }
            (Some((b, at)), true) => Some(self.body_request(b, &consumes, &at)),
            (None, false) => {
                let at = form_at.unwrap_or_else(|| self.p.as_str().to_owned());
                Some(self.form_request(form, &consumes, &at))
            }
            (None, true) => None,
        };

        let mut request_body = request_body;
        let mut out = Map::new();
        for (k, v) in obj {
            match k.as_str() {
                "consumes" | "produces" => {}
                "parameters" => {
                    if !params.is_empty() {
                        out.insert(k, Value::Array(std::mem::take(&mut params)));
                    }
                    if let Some(b) = request_body.take() {
                        out.insert("requestBody".to_owned(), b);
                    }
                }
                "responses" => {
                    if let Some(b) = request_body.take() {
                        out.insert("requestBody".to_owned(), b);
                    }
                    let m = self.p.push("responses");
                    let r = self.responses(v, &produces)?;
                    self.p.pop(m);
                    out.insert(k, r);
                }
                "schemes" => self.notes.add(N_OP_SCHEMES, &self.p.with("schemes")),
                _ => {
                    let mut v = v;
                    if k.starts_with("x-") {
                        let m = self.p.push(&k);
                        self.refs(&mut v, false)?;
                        self.p.pop(m);
                    }
                    out.insert(k, v);
                }
            }
        }
        if let Some(b) = request_body {
            out.insert("requestBody".to_owned(), b);
        }
        Ok(Value::Object(out))
    }

    // ----- responses -----

    fn doc_responses(&mut self, v: Value) -> Result<Map<String, Value>> {
        let m = self.p.push("responses");
        let produces = self.produces.clone();
        let out = match self.responses(v, &produces)? {
            Value::Object(out) => out,
            _ => Map::new(),
        };
        self.p.pop(m);
        self.notes.add_n(N_RESPONSES, out.len(), None);
        Ok(out)
    }

    /// A responses map (at the current pointer).
    fn responses(&mut self, v: Value, produces: &[String]) -> Result<Value> {
        let map = self.expect_object(v, "`responses`")?;
        let mut out = Map::new();
        for (code, r) in map {
            let m = self.p.push(&code);
            let r = if code.starts_with("x-") {
                r
            } else {
                self.response(r, produces)?
            };
            self.p.pop(m);
            out.insert(code, r);
        }
        Ok(Value::Object(out))
    }

    fn response(&mut self, v: Value, produces: &[String]) -> Result<Value> {
        let mut obj = self.expect_object(v, "a response")?;
        if obj.contains_key("$ref") {
            self.object_ref(&mut obj)?;
            return Ok(Value::Object(obj));
        }
        let mut description = None;
        let mut schema = None;
        let mut file = false;
        let mut headers = None;
        let mut examples = None;
        let mut rest = Map::new();
        for (k, v) in obj {
            match k.as_str() {
                "description" => description = Some(v),
                "schema" => {
                    file = v.get("type").and_then(Value::as_str) == Some("file");
                    let mut v = v;
                    let m = self.p.push("schema");
                    self.schema(&mut v)?;
                    self.p.pop(m);
                    schema = Some(v);
                }
                "headers" => {
                    let m = self.p.push("headers");
                    headers = Some(self.headers(v)?);
                    self.p.pop(m);
                }
                "examples" => examples = Some(v),
                _ => {
                    let mut v = v;
                    if k.starts_with("x-") && !is_example_key(&k) {
                        let m = self.p.push(&k);
                        self.refs(&mut v, false)?;
                        self.p.pop(m);
                    }
                    rest.insert(k, v);
                }
            }
        }
        let mut out = Map::new();
        match description {
            Some(d) => {
                out.insert("description".to_owned(), d);
            }
            None => {
                self.notes.add(N_RESPONSE_NO_DESCRIPTION, self.p.as_str());
                out.insert("description".to_owned(), Value::String(String::new()));
            }
        }
        if let Some(h) = headers {
            out.insert("headers".to_owned(), h);
        }
        if let Some(schema) = schema {
            self.notes.add(N_RESPONSE_CONTENT, self.p.as_str());
            let default = if file { OCTET_STREAM } else { JSON };
            let mut content = content_for(schema, produces, default);
            if let Some(Value::Object(examples)) = examples {
                for (mt, ex) in examples {
                    match content.get_mut(&mt) {
                        Some(Value::Object(media)) => {
                            media.insert("example".to_owned(), ex);
                            self.notes.add(N_RESPONSE_EXAMPLES, self.p.as_str());
                        }
                        _ => self.notes.add(N_RESPONSE_EXAMPLES_DROPPED, self.p.as_str()),
                    }
                }
            }
            out.insert("content".to_owned(), content);
        } else if examples.is_some() {
            self.notes.add(N_RESPONSE_EXAMPLES_DROPPED, self.p.as_str());
        }
        for (k, v) in rest {
            out.entry(k).or_insert(v);
        }
        Ok(Value::Object(out))
    }

    /// Response headers (at the current pointer).
    fn headers(&mut self, v: Value) -> Result<Value> {
        let map = self.expect_object(v, "`headers`")?;
        let mut out = Map::new();
        for (name, h) in map {
            let m = self.p.push(&name);
            let mut obj = self.expect_object(h, "a header")?;
            if obj.contains_key("$ref") {
                self.object_ref(&mut obj)?;
                out.insert(name, Value::Object(obj));
                self.p.pop(m);
                continue;
            }
            let mut parts = self.parts(obj)?;
            let schema = parts.take_schema();
            if let Some(cf) = parts.collection_format.as_deref() {
                if is_array_schema(&schema) {
                    // Headers are always `simple`; only the separator can be kept.
                    self.collection_style(Some(cf), "header")?;
                } else {
                    self.notes.add(N_COLLECTION_SCALAR, self.p.as_str());
                }
            }
            self.notes.add(N_HEADERS, self.p.as_str());
            let mut header = Map::new();
            if let Some(d) = parts.description {
                header.insert("description".to_owned(), d);
            }
            if let Some(r) = parts.required {
                header.insert("required".to_owned(), r);
            }
            if let Some(d) = parts.deprecated {
                header.insert("deprecated".to_owned(), d);
            }
            header.insert("schema".to_owned(), Value::Object(schema));
            for (k, v) in parts.rest {
                header.entry(k).or_insert(v);
            }
            out.insert(name, Value::Object(header));
            self.p.pop(m);
        }
        Ok(Value::Object(out))
    }

    // ----- security -----

    fn security_schemes(&mut self, v: Value) -> Result<Map<String, Value>> {
        let m = self.p.push("securityDefinitions");
        let defs = self.expect_object(v, "`securityDefinitions`")?;
        let mut out = Map::new();
        for (name, s) in defs {
            let m = self.p.push(&name);
            let scheme = self.security_scheme(s)?;
            self.p.pop(m);
            out.insert(name, scheme);
        }
        self.p.pop(m);
        self.notes.add_n(N_SECURITY, out.len(), None);
        Ok(out)
    }

    fn security_scheme(&mut self, v: Value) -> Result<Value> {
        let mut obj = self.expect_object(v, "a security scheme")?;
        let ty = match obj.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(other) => {
                return Err(self.err_at(
                    "type",
                    format!("`type` must be a string, found {}", kind_of(other)),
                ));
            }
            None => return Err(self.err(self.p.as_str(), "security scheme has no `type`")),
        };
        let mut out = Map::new();
        match ty.as_str() {
            "apiKey" => return Ok(Value::Object(obj)),
            "basic" => {
                out.insert("type".to_owned(), json!("http"));
                out.insert("scheme".to_owned(), json!("basic"));
            }
            "oauth2" => {
                let flow = match obj.get("flow") {
                    Some(Value::String(f)) => f.clone(),
                    Some(other) => {
                        return Err(self.err_at(
                            "flow",
                            format!("`flow` must be a string, found {}", kind_of(other)),
                        ));
                    }
                    None => {
                        return Err(
                            self.err(self.p.as_str(), "oauth2 security scheme has no `flow`")
                        );
                    }
                };
                let (key, needs_auth, needs_token) = match flow.as_str() {
                    "implicit" => ("implicit", true, false),
                    "password" => ("password", false, true),
                    "application" => ("clientCredentials", false, true),
                    "accessCode" => ("authorizationCode", true, true),
                    other => {
                        return Err(self.err_at(
                            "flow",
                            format!(
                                "unknown oauth2 flow `{other}` (expected implicit, password, application or accessCode)"
                            ),
                        ));
                    }
                };
                let mut flow_obj = Map::new();
                for (field, needed) in [("authorizationUrl", needs_auth), ("tokenUrl", needs_token)]
                {
                    if !needed {
                        continue;
                    }
                    match obj.shift_remove(field) {
                        Some(Value::String(u)) => {
                            flow_obj.insert(field.to_owned(), Value::String(u));
                        }
                        _ => {
                            return Err(self.err(
                                self.p.as_str(),
                                format!("oauth2 flow `{flow}` needs a string `{field}`"),
                            ));
                        }
                    }
                }
                let scopes = match obj.shift_remove("scopes") {
                    None => Value::Object(Map::new()),
                    Some(s @ Value::Object(_)) => s,
                    Some(other) => {
                        return Err(self.err_at(
                            "scopes",
                            format!("`scopes` must be an object, found {}", kind_of(&other)),
                        ));
                    }
                };
                flow_obj.insert("scopes".to_owned(), scopes);
                out.insert("type".to_owned(), json!("oauth2"));
                let mut flows = Map::new();
                flows.insert(key.to_owned(), Value::Object(flow_obj));
                out.insert("flows".to_owned(), Value::Object(flows));
            }
            other => {
                return Err(self.err_at(
                    "type",
                    format!(
                        "unknown security scheme type `{other}` (expected basic, apiKey or oauth2)"
                    ),
                ));
            }
        }
        if let Some(d) = obj.shift_remove("description") {
            out.insert("description".to_owned(), d);
        }
        for (k, v) in obj {
            if k.starts_with("x-") {
                out.insert(k, v);
            }
        }
        Ok(Value::Object(out))
    }
}

/// `{media type: {schema}}` for each media type (or `default` when there are none).
/// The schema is cloned for all but the last media type.
fn content_for(schema: Value, types: &[String], default: &str) -> Value {
    let mut content = Map::new();
    let n = types.len().max(1);
    let mut schema = Some(schema);
    for i in 0..n {
        let mt = types.get(i).map_or(default, String::as_str);
        let s = if i + 1 == n {
            schema.take().unwrap_or_default()
        } else {
            schema.clone().unwrap_or_default()
        };
        let mut media = Map::new();
        media.insert("schema".to_owned(), s);
        content.insert(mt.to_owned(), Value::Object(media));
    }
    Value::Object(content)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::upgrade::upgrade;

    /// Upgrades `doc`, returning the result and the notes.
    fn up(mut doc: Value) -> (Value, Vec<String>) {
        let notes = upgrade(&mut doc, "spec.json").expect("upgrades");
        (doc, notes)
    }

    fn up_err(mut doc: Value) -> String {
        upgrade(&mut doc, "spec.json")
            .expect_err("refused")
            .to_string()
    }

    /// A 2.0 document around `paths`, with no host.
    fn doc(paths: Value) -> Value {
        json!({ "swagger": "2.0", "info": { "title": "t", "version": "1" }, "paths": paths })
    }

    /// The 3.0 document `doc(paths)` becomes, with no servers.
    fn expected(paths: Value) -> Value {
        json!({ "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": paths })
    }

    #[test]
    fn root_fields_servers_and_definitions() {
        let (out, notes) = up(json!({
            "swagger": "2.0",
            "info": { "title": "t", "version": "1" },
            "host": "api.example.com",
            "basePath": "/v1/",
            "schemes": ["https", "http"],
            "tags": [{ "name": "pets" }],
            "externalDocs": { "url": "https://example.com" },
            "security": [{ "key": [] }],
            "x-vendor": { "$ref": "#/definitions/Pet" },
            "paths": {},
            "definitions": {
                "Pet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": { "type": "string" },
                        "owner": { "$ref": "#/definitions/Owner" },
                        "tags": { "type": "array", "items": { "$ref": "#/definitions/Tag" } },
                        "extra": { "additionalProperties": { "$ref": "#/definitions/Tag" } }
                    }
                },
                "Owner": { "allOf": [{ "$ref": "#/definitions/Pet/properties/name" }] },
                "Tag": { "type": "string" }
            }
        }));
        assert_eq!(
            out,
            json!({
                "openapi": "3.0.3",
                "info": { "title": "t", "version": "1" },
                "servers": [
                    { "url": "https://api.example.com/v1" },
                    { "url": "http://api.example.com/v1" }
                ],
                "tags": [{ "name": "pets" }],
                "externalDocs": { "url": "https://example.com" },
                "security": [{ "key": [] }],
                "x-vendor": { "$ref": "#/components/schemas/Pet" },
                "paths": {},
                "components": { "schemas": {
                    "Pet": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": { "type": "string" },
                            "owner": { "$ref": "#/components/schemas/Owner" },
                            "tags": { "type": "array", "items": { "$ref": "#/components/schemas/Tag" } },
                            "extra": { "additionalProperties": { "$ref": "#/components/schemas/Tag" } }
                        }
                    },
                    "Owner": { "allOf": [{ "$ref": "#/components/schemas/Pet/properties/name" }] },
                    "Tag": { "type": "string" }
                } }
            })
        );
        let text = notes.join("\n");
        assert!(
            text.contains("3 definitions moved to components/schemas"),
            "{text}"
        );
        assert!(text.contains("5 $refs #/definitions/"), "{text}");
        assert!(text.contains("https://api.example.com/v1"), "{text}");
        // Key order: openapi first, components last.
        let keys: Vec<&String> = out
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("openapi"));
        assert_eq!(keys.last().map(|k| k.as_str()), Some("components"));
    }

    #[test]
    fn servers_without_host() {
        let mut d = doc(json!({}));
        d["basePath"] = json!("/api");
        let (out, notes) = up(d);
        assert_eq!(out["servers"], json!([{ "url": "/api" }]));
        assert!(
            notes.join("\n").contains("relative server `/api`"),
            "{notes:?}"
        );

        let mut d = doc(json!({}));
        d["schemes"] = json!(["https"]);
        let (out, notes) = up(d);
        assert_eq!(out, expected(json!({})));
        assert!(
            notes
                .join("\n")
                .contains("no servers emitted (schemes https ignored)"),
            "{notes:?}"
        );

        let mut d = doc(json!({}));
        d["host"] = json!("h.io");
        let (out, notes) = up(d);
        assert_eq!(out["servers"], json!([{ "url": "https://h.io" }]));
        assert!(notes.join("\n").contains("https assumed"), "{notes:?}");

        // A stray 3.0 `servers` in a 2.0 document without host is kept.
        let mut d = doc(json!({}));
        d["servers"] = json!([{ "url": "https://x.io" }]);
        let (out, _) = up(d);
        assert_eq!(out["servers"], json!([{ "url": "https://x.io" }]));
    }

    #[test]
    fn body_parameter_becomes_request_body_per_consumes() {
        let mut d = doc(json!({
            "/pets": {
                "post": {
                    "consumes": ["application/json", "application/xml"],
                    "parameters": [
                        { "name": "pet", "in": "body", "required": true, "description": "The pet",
                          "schema": { "$ref": "#/definitions/Pet" }, "x-v": 1 }
                    ],
                    "responses": { "204": { "description": "done" } }
                },
                "put": {
                    "parameters": [{ "name": "pet", "in": "body", "schema": { "type": "string" } }],
                    "responses": { "204": { "description": "done" } }
                }
            },
            "/plain": {
                "post": {
                    "parameters": [{ "name": "b", "in": "body", "schema": { "type": "integer" } }],
                    "responses": { "204": { "description": "done" } }
                }
            }
        }));
        d["consumes"] = json!(["application/vnd.pet+json"]);
        let (out, notes) = up(d);
        assert_eq!(
            out["paths"],
            json!({
                "/pets": {
                    "post": {
                        "requestBody": {
                            "description": "The pet",
                            "content": {
                                "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } },
                                "application/xml": { "schema": { "$ref": "#/components/schemas/Pet" } }
                            },
                            "required": true,
                            "x-codegen-request-body-name": "pet",
                            "x-v": 1
                        },
                        "responses": { "204": { "description": "done" } }
                    },
                    "put": {
                        "requestBody": {
                            "content": { "application/vnd.pet+json": { "schema": { "type": "string" } } },
                            "x-codegen-request-body-name": "pet"
                        },
                        "responses": { "204": { "description": "done" } }
                    }
                },
                "/plain": {
                    "post": {
                        "requestBody": {
                            "content": { "application/vnd.pet+json": { "schema": { "type": "integer" } } },
                            "x-codegen-request-body-name": "b"
                        },
                        "responses": { "204": { "description": "done" } }
                    }
                }
            })
        );
        assert!(
            notes.join("\n").contains("3 body parameters → requestBody"),
            "{notes:?}"
        );

        // Without any consumes: application/json.
        let (out, _) = up(doc(json!({ "/p": { "post": {
            "parameters": [{ "name": "b", "in": "body", "schema": { "type": "integer" } }],
            "responses": {}
        } } })));
        assert_eq!(
            out["paths"]["/p"]["post"]["requestBody"]["content"],
            json!({ "application/json": { "schema": { "type": "integer" } } })
        );
    }

    #[test]
    fn form_data_becomes_urlencoded_or_multipart() {
        let (out, notes) = up(doc(json!({
            "/login": { "post": {
                "parameters": [
                    { "name": "user", "in": "formData", "type": "string", "required": true, "description": "who" },
                    { "name": "ids", "in": "formData", "type": "array", "items": { "type": "integer" } },
                    { "name": "tags", "in": "formData", "type": "array", "items": { "type": "string" },
                      "collectionFormat": "multi" },
                    { "name": "q", "in": "query", "type": "string" }
                ],
                "responses": {}
            } },
            "/upload": { "post": {
                "parameters": [
                    { "name": "file", "in": "formData", "type": "file", "required": true },
                    { "name": "note", "in": "formData", "type": "string" }
                ],
                "responses": {}
            } },
            "/declared": { "post": {
                "consumes": ["multipart/form-data"],
                "parameters": [{ "name": "a", "in": "formData", "type": "string" }],
                "responses": {}
            } }
        })));
        assert_eq!(
            out["paths"]["/login"]["post"],
            json!({
                "parameters": [{ "name": "q", "in": "query", "schema": { "type": "string" } }],
                "requestBody": {
                    "content": { "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "user": { "type": "string", "description": "who" },
                                "ids": { "type": "array", "items": { "type": "integer" } },
                                "tags": { "type": "array", "items": { "type": "string" } }
                            },
                            "required": ["user"]
                        },
                        "encoding": { "ids": { "style": "form", "explode": false } }
                    } },
                    "required": true
                },
                "responses": {}
            })
        );
        assert_eq!(
            out["paths"]["/upload"]["post"]["requestBody"],
            json!({
                "content": { "multipart/form-data": { "schema": {
                    "type": "object",
                    "properties": {
                        "file": { "type": "string", "format": "binary" },
                        "note": { "type": "string" }
                    },
                    "required": ["file"]
                } } },
                "required": true
            })
        );
        assert_eq!(
            out["paths"]["/declared"]["post"]["requestBody"],
            json!({ "content": { "multipart/form-data": { "schema": {
                "type": "object", "properties": { "a": { "type": "string" } }
            } } } })
        );
        let text = notes.join("\n");
        assert!(
            text.contains("2 formData parameter sets → requestBody multipart/form-data"),
            "{text}"
        );
        assert!(
            text.contains(
                "1 formData parameter sets → requestBody application/x-www-form-urlencoded"
            ),
            "{text}"
        );
    }

    #[test]
    fn non_body_parameters_get_a_schema() {
        let (out, notes) = up(doc(json!({ "/pets/{id}": { "get": {
            "parameters": [
                { "name": "id", "in": "path", "type": "integer", "format": "int64", "minimum": 1,
                  "description": "the id" },
                { "name": "limit", "in": "query", "type": "integer", "default": 20, "maximum": 100,
                  "required": false, "allowEmptyValue": true, "x-example": 5 },
                { "name": "kind", "in": "header", "type": "string", "enum": ["a", "b"],
                  "x-nullable": true, "allowEmptyValue": true }
            ],
            "responses": {}
        } } })));
        assert_eq!(
            out["paths"]["/pets/{id}"]["get"]["parameters"],
            json!([
                { "name": "id", "in": "path", "description": "the id", "required": true,
                  "schema": { "type": "integer", "format": "int64", "minimum": 1 } },
                { "name": "limit", "in": "query", "required": false, "allowEmptyValue": true,
                  "schema": { "type": "integer", "default": 20, "maximum": 100 }, "x-example": 5 },
                { "name": "kind", "in": "header",
                  "schema": { "type": "string", "enum": ["a", "b"], "nullable": true } }
            ])
        );
        let text = notes.join("\n");
        assert!(
            text.contains("1 path parameters without required: true marked required"),
            "{text}"
        );
        assert!(
            text.contains("1 allowEmptyValue outside a query parameter dropped"),
            "{text}"
        );
    }

    #[test]
    fn collection_formats_map_to_style_and_explode() {
        let param = |name: &str, location: &str, cf: Option<&str>| {
            let mut p = json!({ "name": name, "in": location, "type": "array",
                                "items": { "type": "string" } });
            if let Some(cf) = cf {
                p["collectionFormat"] = json!(cf);
            }
            if location == "path" {
                p["required"] = json!(true);
            }
            p
        };
        let (out, notes) = up(doc(json!({ "/x/{p}/{s}": { "get": {
            "parameters": [
                param("csv", "query", Some("csv")),
                param("ssv", "query", Some("ssv")),
                param("pipes", "query", Some("pipes")),
                param("multi", "query", Some("multi")),
                param("tsv", "query", Some("tsv")),
                param("default", "query", None),
                param("p", "path", Some("csv")),
                param("s", "path", None),
                param("h", "header", Some("pipes")),
                { "name": "scalar", "in": "query", "type": "string", "collectionFormat": "csv" }
            ],
            "responses": {}
        } } })));
        let items = json!({ "type": "array", "items": { "type": "string" } });
        let styled = |name: &str, location: &str, style: &str, explode: Option<bool>| {
            let mut p = json!({ "name": name, "in": location });
            if location == "path" {
                p["required"] = json!(true);
            }
            p["style"] = json!(style);
            if let Some(e) = explode {
                p["explode"] = json!(e);
            }
            p["schema"] = items.clone();
            p
        };
        let mut tsv = styled("tsv", "query", "form", Some(false));
        tsv["x-collectionFormat"] = json!("tsv");
        assert_eq!(
            out["paths"]["/x/{p}/{s}"]["get"]["parameters"],
            json!([
                styled("csv", "query", "form", Some(false)),
                styled("ssv", "query", "spaceDelimited", Some(false)),
                styled("pipes", "query", "pipeDelimited", Some(false)),
                styled("multi", "query", "form", Some(true)),
                tsv,
                styled("default", "query", "form", Some(false)),
                styled("p", "path", "simple", None),
                { "name": "s", "in": "path", "required": true, "schema": items },
                styled("h", "header", "simple", None),
                { "name": "scalar", "in": "query", "schema": { "type": "string" } }
            ])
        );
        let text = notes.join("\n");
        assert!(
            text.contains("6 collectionFormat → style/explode"),
            "{text}"
        );
        assert!(
            text.contains("1 collectionFormat tsv has no OpenAPI 3.0 equivalent"),
            "{text}"
        );
        assert!(
            text.contains("1 array query parameters without collectionFormat"),
            "{text}"
        );
        assert!(
            text.contains("1 collectionFormat ssv/pipes/multi in a path or header"),
            "{text}"
        );
        assert!(
            text.contains("1 collectionFormat on a non-array parameter dropped"),
            "{text}"
        );

        let err = up_err(doc(json!({ "/x": { "get": {
            "parameters": [param("bad", "query", Some("commas"))], "responses": {}
        } } })));
        assert!(
            err.starts_with("spec.json#/paths/~1x/get/parameters/0/collectionFormat: unknown collectionFormat `commas`"),
            "{err}"
        );
    }

    #[test]
    fn responses_get_content_per_produces() {
        let mut d = doc(json!({ "/r": { "get": {
            "produces": ["application/json", "text/plain"],
            "responses": {
                "200": { "description": "ok", "schema": { "type": "string" },
                         "examples": { "text/plain": "hi", "image/png": "x" },
                         "headers": { "X-Rate": { "type": "integer", "format": "int32", "description": "r" },
                                      "X-List": { "type": "array", "items": { "type": "string" },
                                                  "collectionFormat": "csv" } } },
                "404": { "description": "missing" },
                "default": { "description": "err", "schema": { "$ref": "#/definitions/Err" } }
            }
        } },
        "/f": { "get": { "responses": { "200": { "description": "file", "schema": { "type": "file" } } } } },
        "/doc": { "get": { "responses": { "200": { "schema": { "type": "integer" } } } } } }));
        d["produces"] = json!(["application/vnd.x+json"]);
        let (out, notes) = up(d);
        assert_eq!(
            out["paths"]["/r"]["get"]["responses"],
            json!({
                "200": {
                    "description": "ok",
                    "headers": {
                        "X-Rate": { "description": "r", "schema": { "type": "integer", "format": "int32" } },
                        "X-List": { "schema": { "type": "array", "items": { "type": "string" } } }
                    },
                    "content": {
                        "application/json": { "schema": { "type": "string" } },
                        "text/plain": { "schema": { "type": "string" }, "example": "hi" }
                    }
                },
                "404": { "description": "missing" },
                "default": { "description": "err", "content": {
                    "application/json": { "schema": { "$ref": "#/components/schemas/Err" } },
                    "text/plain": { "schema": { "$ref": "#/components/schemas/Err" } }
                } }
            })
        );
        assert_eq!(
            out["paths"]["/f"]["get"]["responses"]["200"],
            json!({ "description": "file", "content": {
                "application/vnd.x+json": { "schema": { "type": "string", "format": "binary" } }
            } })
        );
        assert_eq!(
            out["paths"]["/doc"]["get"]["responses"]["200"],
            json!({ "description": "", "content": {
                "application/vnd.x+json": { "schema": { "type": "integer" } }
            } })
        );
        let text = notes.join("\n");
        assert!(
            text.contains(
                "1 response examples for a media type the response does not produce dropped"
            ),
            "{text}"
        );
        assert!(
            text.contains("1 responses without description given an empty one"),
            "{text}"
        );

        // A file response without any produces: application/octet-stream.
        let (out, _) = up(doc(json!({ "/f": { "get": { "responses": {
            "200": { "description": "file", "schema": { "type": "file" } }
        } } } })));
        assert_eq!(
            out["paths"]["/f"]["get"]["responses"]["200"]["content"],
            json!({ "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } })
        );
    }

    #[test]
    fn document_level_parameters_and_responses() {
        let mut d = doc(json!({ "/p/{id}": {
            "parameters": [{ "$ref": "#/parameters/Id" }],
            "post": {
                "parameters": [{ "$ref": "#/parameters/Body" }, { "$ref": "#/parameters/Limit" }],
                "responses": { "404": { "$ref": "#/responses/NotFound" } }
            },
            "put": {
                "parameters": [{ "$ref": "#/parameters/Field" }],
                "responses": {}
            }
        } }));
        d["parameters"] = json!({
            "Id": { "name": "id", "in": "path", "required": true, "type": "string" },
            "Limit": { "name": "limit", "in": "query", "type": "integer" },
            "Body": { "name": "body", "in": "body", "required": true, "schema": { "$ref": "#/definitions/Pet" } },
            "Field": { "name": "f", "in": "formData", "type": "string" }
        });
        d["responses"] = json!({
            "NotFound": { "description": "nf", "schema": { "$ref": "#/definitions/Err" } }
        });
        d["x-uses"] = json!({ "schema": { "$ref": "#/parameters/Body" } });
        let (out, notes) = up(d);
        assert_eq!(
            out,
            json!({
                "openapi": "3.0.3",
                "info": { "title": "t", "version": "1" },
                "x-uses": { "schema": { "$ref": "#/components/requestBodies/Body" } },
                "paths": { "/p/{id}": {
                    "parameters": [{ "$ref": "#/components/parameters/Id" }],
                    "post": {
                        "parameters": [{ "$ref": "#/components/parameters/Limit" }],
                        "requestBody": {
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } } },
                            "required": true,
                            "x-codegen-request-body-name": "body"
                        },
                        "responses": { "404": { "$ref": "#/components/responses/NotFound" } }
                    },
                    "put": {
                        "requestBody": { "content": { "application/x-www-form-urlencoded": { "schema": {
                            "type": "object", "properties": { "f": { "type": "string" } }
                        } } } },
                        "responses": {}
                    }
                } },
                "components": {
                    "responses": { "NotFound": { "description": "nf", "content": {
                        "application/json": { "schema": { "$ref": "#/components/schemas/Err" } }
                    } } },
                    "parameters": {
                        "Id": { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                        "Limit": { "name": "limit", "in": "query", "schema": { "type": "integer" } }
                    },
                    "requestBodies": { "Body": {
                        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } } },
                        "required": true,
                        "x-codegen-request-body-name": "body"
                    } }
                }
            })
        );
        let text = notes.join("\n");
        assert!(
            text.contains("2 document-level parameters moved to components/parameters"),
            "{text}"
        );
        assert!(
            text.contains("2 references to document-level body/formData parameters inlined"),
            "{text}"
        );
        assert!(
            text.contains("1 document-level responses moved to components/responses"),
            "{text}"
        );
    }

    #[test]
    fn path_level_parameters() {
        let (out, _) = up(doc(json!({ "/p/{id}": {
            "parameters": [
                { "name": "id", "in": "path", "required": true, "type": "string" },
                { "name": "body", "in": "body", "schema": { "type": "object" } }
            ],
            "get": { "responses": {} },
            "put": {
                "parameters": [{ "name": "other", "in": "body", "schema": { "type": "string" } }],
                "responses": {}
            }
        } })));
        assert_eq!(
            out["paths"]["/p/{id}"],
            json!({
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                "get": {
                    "requestBody": {
                        "content": { "application/json": { "schema": { "type": "object" } } },
                        "x-codegen-request-body-name": "body"
                    },
                    "responses": {}
                },
                "put": {
                    "requestBody": {
                        "content": { "application/json": { "schema": { "type": "string" } } },
                        "x-codegen-request-body-name": "other"
                    },
                    "responses": {}
                }
            })
        );
    }

    #[test]
    fn security_definitions() {
        let mut d = doc(json!({}));
        d["securityDefinitions"] = json!({
            "basic": { "type": "basic", "description": "b" },
            "key": { "type": "apiKey", "name": "X-Key", "in": "header" },
            "imp": { "type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a", "scopes": { "r": "read" } },
            "pw": { "type": "oauth2", "flow": "password", "tokenUrl": "https://t" },
            "app": { "type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {}, "x-v": 1 },
            "code": { "type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a",
                      "tokenUrl": "https://t", "scopes": { "w": "write" } }
        });
        let (out, _) = up(d);
        assert_eq!(
            out["components"]["securitySchemes"],
            json!({
                "basic": { "type": "http", "scheme": "basic", "description": "b" },
                "key": { "type": "apiKey", "name": "X-Key", "in": "header" },
                "imp": { "type": "oauth2", "flows": { "implicit": { "authorizationUrl": "https://a", "scopes": { "r": "read" } } } },
                "pw": { "type": "oauth2", "flows": { "password": { "tokenUrl": "https://t", "scopes": {} } } },
                "app": { "type": "oauth2", "flows": { "clientCredentials": { "tokenUrl": "https://t", "scopes": {} } }, "x-v": 1 },
                "code": { "type": "oauth2", "flows": { "authorizationCode": {
                    "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": { "w": "write" } } } }
            })
        );
        let mut d = doc(json!({}));
        d["securityDefinitions"] = json!({ "o": { "type": "oauth2", "flow": "magic" } });
        assert!(
            up_err(d).starts_with("spec.json#/securityDefinitions/o/flow: unknown oauth2 flow")
        );
    }

    #[test]
    fn schema_rewrites() {
        let mut d = doc(json!({}));
        d["definitions"] = json!({
            "Animal": {
                "type": "object",
                "discriminator": "kind",
                "properties": {
                    "kind": { "type": "string", "readOnly": true },
                    "nick": { "type": "string", "x-nullable": true },
                    "photo": { "type": "file" },
                    "owner": { "$ref": "#/definitions/Owner", "x-nullable": true, "description": "o" },
                    "os": { "$ref": "#/definitions/Os", "type": "string" },
                    "doc": { "$ref": "#/definitions/Os", "description": "kept as is" },
                    "ro": { "$ref": "#/definitions/Os", "readOnly": true },
                    "port": { "type": ["string", "integer"] },
                    "example": { "$ref": "#/definitions/Os" }
                },
                "example": { "$ref": "#/definitions/NotRewritten" },
                "x-example": { "$ref": "#/definitions/NotRewritten" }
            }
        });
        let (out, notes) = up(d);
        assert_eq!(
            out["components"]["schemas"]["Animal"],
            json!({
                "type": "object",
                "discriminator": { "propertyName": "kind" },
                "properties": {
                    "kind": { "type": "string", "readOnly": true },
                    "nick": { "type": "string", "nullable": true },
                    "photo": { "type": "string", "format": "binary" },
                    "owner": { "allOf": [{ "$ref": "#/components/schemas/Owner" }], "description": "o", "nullable": true },
                    "os": { "$ref": "#/components/schemas/Os" },
                    "doc": { "$ref": "#/components/schemas/Os", "description": "kept as is" },
                    "ro": { "allOf": [{ "$ref": "#/components/schemas/Os" }], "readOnly": true },
                    "port": { "anyOf": [{ "type": "string" }, { "type": "integer" }] },
                    "example": { "$ref": "#/components/schemas/Os" }
                },
                "example": { "$ref": "#/definitions/NotRewritten" },
                "x-example": { "$ref": "#/definitions/NotRewritten" }
            })
        );
        let text = notes.join("\n");
        assert!(text.contains("2 x-nullable → nullable"), "{text}");
        assert!(text.contains("1 discriminator strings"), "{text}");
        assert!(text.contains("2 $refs with sibling keywords"), "{text}");
        assert!(text.contains("1 `type` next to a $ref dropped"), "{text}");
        assert!(
            text.contains("1 type arrays with several types → anyOf"),
            "{text}"
        );
    }

    #[test]
    fn examples_are_not_followed() {
        let (out, _) = up(doc(json!({ "/e": { "post": {
            "parameters": [{ "name": "b", "in": "body", "schema": { "type": "object" },
                             "x-examples": { "a": { "$ref": "#/definitions/X" } } }],
            "responses": { "200": { "description": "ok", "schema": { "type": "object" },
                "examples": { "application/json": { "$ref": "#/definitions/X", "n": { "$ref": 5 } } } } }
        } } })));
        assert_eq!(
            out["paths"]["/e"]["post"]["requestBody"]["x-examples"],
            json!({ "a": { "$ref": "#/definitions/X" } })
        );
        assert_eq!(
            out["paths"]["/e"]["post"]["responses"]["200"]["content"]["application/json"]["example"],
            json!({ "$ref": "#/definitions/X", "n": { "$ref": 5 } })
        );
    }

    #[test]
    fn malformed_documents_are_located_errors() {
        let cases = [
            (
                json!({ "swagger": "2.0", "info": {}, "paths": [] }),
                "spec.json#/paths: `paths` must be an object",
            ),
            (
                doc(
                    json!({ "/a": { "get": { "parameters": [{ "name": "x", "type": "string" }] } } }),
                ),
                "spec.json#/paths/~1a/get/parameters/0: parameter has no `in`",
            ),
            (
                doc(
                    json!({ "/a": { "get": { "parameters": [{ "name": "x", "in": "cookies" }] } } }),
                ),
                "spec.json#/paths/~1a/get/parameters/0/in: unknown parameter location `cookies`",
            ),
            (
                doc(json!({ "/a": { "get": { "parameters": [{ "in": "query" }] } } })),
                "spec.json#/paths/~1a/get/parameters/0: parameter has no `name`",
            ),
            (
                doc(json!({ "/a": { "get": { "parameters": [{ "$ref": 1 }] } } })),
                "spec.json#/paths/~1a/get/parameters/0/$ref: `$ref` must be a string",
            ),
            (
                doc(
                    json!({ "/a": { "get": { "responses": { "200": { "description": "d",
                "schema": { "properties": { "p": { "$ref": ["x"] } } } } } } } }),
                ),
                "spec.json#/paths/~1a/get/responses/200/schema/properties/p/$ref: `$ref` must be a string",
            ),
            (
                doc(json!({ "/a": { "get": { "parameters": {} } } })),
                "spec.json#/paths/~1a/get/parameters: `parameters` must be an array",
            ),
            (
                doc(json!({ "/a": { "get": { "parameters": [
                { "name": "a", "in": "body", "schema": {} }, { "name": "b", "in": "body", "schema": {} }
             ] } } })),
                "spec.json#/paths/~1a/get/parameters/1: an operation can have only one body parameter",
            ),
            (
                doc(json!({ "/a": { "get": { "parameters": [
                { "name": "a", "in": "body", "schema": {} }, { "name": "b", "in": "formData", "type": "string" }
             ] } } })),
                "spec.json#/paths/~1a/get/parameters/0: an operation cannot have both",
            ),
            (
                doc(json!({ "/a": { "get": "nope" } })),
                "spec.json#/paths/~1a/get: an operation must be an object, found a string",
            ),
            (
                doc(json!({ "/a": { "get": { "consumes": "application/json" } } })),
                "spec.json#/paths/~1a/get/consumes: `consumes` must be an array",
            ),
            (
                json!({ "swagger": "2.0", "definitions": { "A": { "properties": [] } } }),
                "spec.json#/definitions/A/properties: `properties` must be an object",
            ),
            (
                json!({ "swagger": "2.0", "host": 5 }),
                "spec.json#/host: `host` must be a string",
            ),
        ];
        for (d, expected) in cases {
            let err = up_err(d);
            assert!(err.starts_with(expected), "{err}\n  expected: {expected}");
        }
    }

    #[test]
    fn upgraded_fixture_parses_as_openapi_3() {
        let mut d = doc(json!({ "/pets/{id}": {
            "parameters": [{ "name": "id", "in": "path", "required": true, "type": "string" }],
            "put": {
                "operationId": "put",
                "consumes": ["multipart/form-data"],
                "parameters": [
                    { "name": "f", "in": "formData", "type": "file" },
                    { "name": "tags", "in": "query", "type": "array", "items": { "type": "string" },
                      "collectionFormat": "pipes" }
                ],
                "responses": { "200": { "description": "ok", "schema": { "$ref": "#/definitions/Pet" },
                                        "headers": { "X-A": { "type": "string" } } } }
            }
        } }));
        d["definitions"] = json!({ "Pet": { "type": "object", "properties": {
            "name": { "type": "string", "x-nullable": true } } } });
        d["securityDefinitions"] = json!({ "b": { "type": "basic" } });
        let (out, _) = up(d);
        let spec: openapiv3::OpenAPI = serde_json::from_value(out).expect("valid 3.0");
        assert_eq!(spec.operations().count(), 1);
    }
}
