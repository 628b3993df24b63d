//! OpenAPI 3.1 → 3.0.3, and the 3.1 schema constructs real 3.0 documents use anyway.
//!
//! The document keeps its shape (3.1 and 3.0 differ little outside schemas); one walk
//! visits every schema position (components, parameters, headers, media types, callbacks)
//! and rewrites in place:
//!
//! | 3.1                                             | 3.0.3                                          |
//! |-------------------------------------------------|------------------------------------------------|
//! | `type: [T, "null"]`                             | `type: T, nullable: true`                      |
//! | `type: [T, U]`                                  | `anyOf: [{type: T}, {type: U}]` (noted)        |
//! | `type: "null"`                                  | `nullable: true`                               |
//! | `anyOf`/`oneOf` with a `{type: "null"}` member  | member removed, `nullable: true` (a single remaining member becomes `allOf: [it]`) |
//! | `const: v`                                      | `enum: [v]`                                    |
//! | `examples: [a, …]` (in a schema)                | `example: a`                                   |
//! | `exclusiveMinimum: n` (a number)                | `minimum: n, exclusiveMinimum: true`           |
//! | `contentEncoding: base64`                       | `format: byte`                                 |
//! | `contentMediaType` (binary media)               | `format: binary`                               |
//! | `true` / `false` as a schema                    | `{}` / `{not: {}}`                             |
//! | `$ref` with sibling keywords                    | `allOf: [{$ref}]` + the siblings (3.1 only; see [`wrap_ref_siblings`]) |
//! | `jsonSchemaDialect`, `webhooks`                 | removed (noted)                                |
//! | `components/pathItems`                          | inlined where `paths` reference them, removed  |
//! | `mutualTLS` security schemes                    | removed (noted)                                |
//!
//! In a 3.0 document ([`Mode::OpenApi30`]) the same schema rewrites apply (each construct
//! is invalid 3.0, so the rewrite cannot change the meaning of a valid document), except
//! the `$ref`-sibling rule: in 3.0 siblings of `$ref` are ignored by definition.
//!
//! Shapes this stage does not need to understand (a parameter list that is not an array,
//! …) are left for typed parsing to report; only `paths` not being an object and a
//! non-string schema `$ref` are refused here.

use serde_json::{Map, Value, json};

use super::{Notes, Ptr, TARGET_VERSION, kind_of, unescape_token};
use crate::error::{Error, Result};

/// Which document the walk converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// A 3.0 document: only 3.1 constructs invalid in 3.0 are rewritten.
    OpenApi30,
    /// A 3.1 document: full conversion to 3.0.3.
    OpenApi31,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keywords that may stay next to a `$ref` without changing what it means (3.0 ignores
/// them; later stages may still read the description).
const REF_ANNOTATIONS: &[&str] = &[
    "$ref",
    "description",
    "summary",
    "title",
    "$comment",
    "example",
    "examples",
    "x-example",
];

const N_TYPE_NULL: &str = "type arrays with null → type + nullable";
const N_TYPE_SINGLE: &str = "one-element type arrays → type";
const N_TYPE_MULTI: &str =
    "type arrays with several non-null types → anyOf of the types (check the generated type)";
const N_TYPE_NULL_ONLY: &str = "type: null → nullable: true (no other type)";
const N_NULL_MEMBER: &str = "anyOf/oneOf members {type: null} → nullable: true";
const N_CONST: &str = "const → single-value enum";
const N_EXAMPLES: &str = "schema examples arrays → example (first)";
const N_EXCLUSIVE: &str =
    "numeric exclusiveMinimum/exclusiveMaximum → minimum/maximum + boolean exclusive";
const N_CONTENT_MEDIA: &str = "contentMediaType/contentEncoding → format binary/byte";
const N_BOOL_SCHEMA: &str = "boolean schemas → {} / {not: {}}";
const N_REF_SIBLINGS: &str = "$refs with sibling keywords → allOf: [$ref] + siblings";
const N_REF_TYPE: &str = "`type` next to a $ref dropped (the referenced schema defines it)";
const N_PATH_ITEM_REFS: &str = "path items referencing components/pathItems inlined";

/// What [`type_array`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TypeRewrite {
    /// `type` was not an array.
    None,
    /// A one-element array, without `null`.
    Single,
    /// `null` removed, `nullable: true` set, one type (or none) left.
    Nullable,
    /// Several non-null types: `anyOf` of them.
    AnyOf,
}

/// Rewrites a `type` array: `null` → `nullable: true`; one remaining type → `type`;
/// several → `anyOf: [{type: …}, …]` (added to an existing `allOf` if the schema already
/// has an `anyOf`).
pub(super) fn type_array(obj: &mut Map<String, Value>) -> TypeRewrite {
    let Some(Value::Array(types)) = obj.get_mut("type") else {
        return TypeRewrite::None;
    };
    let types = std::mem::take(types);
    let mut nullable = false;
    let mut rest: Vec<Value> = Vec::with_capacity(types.len());
    for t in types {
        if t.as_str() == Some("null") {
            nullable = true;
        } else if !rest.contains(&t) {
            rest.push(t);
        }
    }
    let result = match rest.len() {
        0 => {
            obj.shift_remove("type");
            TypeRewrite::Nullable
        }
        1 => {
            let t = rest.pop().unwrap_or_default();
            obj.insert("type".to_owned(), t);
            if nullable {
                TypeRewrite::Nullable
            } else {
                TypeRewrite::Single
            }
        }
        _ => {
            obj.shift_remove("type");
            let branches: Vec<Value> = rest.into_iter().map(|t| json!({ "type": t })).collect();
            if obj.contains_key("anyOf") {
                let any = json!({ "anyOf": branches });
                match obj.get_mut("allOf") {
                    Some(Value::Array(all)) => all.push(any),
                    _ => {
                        obj.insert("allOf".to_owned(), Value::Array(vec![any]));
                    }
                }
            } else {
                obj.insert("anyOf".to_owned(), Value::Array(branches));
            }
            TypeRewrite::AnyOf
        }
    };
    if nullable {
        obj.insert("nullable".to_owned(), Value::Bool(true));
    }
    result
}

/// What [`wrap_ref_siblings`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RefSiblings {
    /// A `type` next to the `$ref` was dropped (the target defines the type).
    pub(crate) type_dropped: bool,
    /// The schema became `allOf: [{$ref}]` plus the siblings.
    pub(crate) wrapped: bool,
}

/// The `$ref`-sibling rule.
///
/// - A `type` next to a `$ref` is dropped: the referenced schema defines the type, and
///   `{allOf: [{$ref}], type: string}` would make typed parsers see a plain string and
///   lose the reference. A `null` in a `type` array survives as `nullable: true`.
/// - A `$ref` whose other siblings are only annotations ([`REF_ANNOTATIONS`] and `x-`
///   extensions) is left as it is: 3.0 ignores the siblings, the reference keeps its
///   meaning, and the description stays available in the document.
/// - Any other sibling (`nullable`, `readOnly`, `default`, `deprecated`, constraints…)
///   changes the meaning, so the schema becomes `allOf: [{$ref}]` plus the siblings (an
///   existing `allOf` gets the reference as its first member).
pub(crate) fn wrap_ref_siblings(obj: &mut Map<String, Value>) -> RefSiblings {
    let mut done = RefSiblings::default();
    if !obj.contains_key("$ref") || obj.len() == 1 {
        return done;
    }
    if let Some(t) = obj.shift_remove("type") {
        done.type_dropped = true;
        if t.as_array()
            .is_some_and(|a| a.iter().any(|t| t.as_str() == Some("null")))
        {
            obj.insert("nullable".to_owned(), Value::Bool(true));
        }
    }
    if obj
        .keys()
        .all(|k| REF_ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
    {
        return done;
    }
    if obj.get("allOf").is_some_and(|a| !a.is_array()) {
        return done;
    }
    let old = std::mem::take(obj);
    let mut members = Vec::new();
    let mut existing = Vec::new();
    for (k, v) in old {
        match k.as_str() {
            "$ref" => {
                obj.entry("allOf").or_insert(Value::Null);
                let mut r = Map::new();
                r.insert(k, v);
                members.push(Value::Object(r));
            }
            "allOf" => {
                obj.entry("allOf").or_insert(Value::Null);
                if let Value::Array(a) = v {
                    existing = a;
                }
            }
            _ => {
                obj.insert(k, v);
            }
        }
    }
    members.append(&mut existing);
    obj.insert("allOf".to_owned(), Value::Array(members));
    done.wrapped = true;
    done
}

/// Converts the document in place.
pub(super) fn convert(doc: &mut Value, file: &str, mode: Mode, notes: &mut Notes) -> Result<()> {
    let Value::Object(root) = doc else {
        return Err(Error::invalid(file, "", "the document is not an object"));
    };
    let mut cx = Cx {
        file,
        mode,
        notes,
        p: Ptr::default(),
        path_items: Map::new(),
    };
    if mode == Mode::OpenApi31 {
        root.insert(
            "openapi".to_owned(),
            Value::String(TARGET_VERSION.to_owned()),
        );
        if let Some(d) = root.shift_remove("jsonSchemaDialect") {
            cx.notes.once(format!(
                "jsonSchemaDialect {d} removed (3.0 has a fixed dialect)"
            ));
        }
        if let Some(w) = root.shift_remove("webhooks") {
            let n = w.as_object().map_or(0, Map::len);
            cx.notes.once(format!(
                "{n} webhook(s) removed: OpenAPI 3.0 cannot describe webhooks"
            ));
        }
        if !root.contains_key("paths") {
            root.insert("paths".to_owned(), Value::Object(Map::new()));
            cx.notes
                .once("no `paths` (allowed in 3.1): an empty `paths` added".to_owned());
        }
        if let Some(Value::Object(components)) = root.get_mut("components") {
            if let Some(items) = components.shift_remove("pathItems") {
                if let Value::Object(mut items) = items {
                    let m = cx.p.push("components");
                    let n = cx.p.push("pathItems");
                    for (name, item) in items.iter_mut() {
                        let k = cx.p.push(name);
                        cx.path_item(item)?;
                        cx.p.pop(k);
                    }
                    cx.p.pop(n);
                    cx.p.pop(m);
                    cx.path_items = items;
                }
                cx.notes.once(
                    "components/pathItems removed (3.0 has none; referencing paths inlined)"
                        .to_owned(),
                );
            }
            if let Some(Value::Object(schemes)) = components.get_mut("securitySchemes") {
                let mut dropped = Vec::new();
                schemes.retain(|name, s| {
                    let mtls = s.get("type").and_then(Value::as_str) == Some("mutualTLS");
                    if mtls {
                        dropped.push(name.clone());
                    }
                    !mtls
                });
                if !dropped.is_empty() {
                    cx.notes.once(format!(
                        "mutualTLS security scheme(s) {} removed (not in OpenAPI 3.0)",
                        dropped.join(", ")
                    ));
                }
            }
        }
    }
    if let Some(paths) = root.get_mut("paths") {
        let m = cx.p.push("paths");
        let Value::Object(paths) = paths else {
            return Err(Error::invalid(
                file,
                "/paths",
                format!("`paths` must be an object, found {}", kind_of(paths)),
            ));
        };
        for (path, item) in paths.iter_mut() {
            if path.starts_with("x-") {
                continue;
            }
            let k = cx.p.push(path);
            cx.path_item(item)?;
            cx.p.pop(k);
        }
        cx.p.pop(m);
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        let m = cx.p.push("components");
        cx.components(components)?;
        cx.p.pop(m);
    }
    Ok(())
}

struct Cx<'a> {
    file: &'a str,
    mode: Mode,
    notes: &'a mut Notes,
    p: Ptr,
    /// 3.1 `components/pathItems`, already converted, for inlining.
    path_items: Map<String, Value>,
}

impl Cx<'_> {
    /// Calls `f` on each value of the object `v` (not on `x-` keys), with the pointer set.
    fn each(
        &mut self,
        v: &mut Value,
        mut f: impl FnMut(&mut Self, &mut Value) -> Result<()>,
    ) -> Result<()> {
        if let Value::Object(map) = v {
            for (k, child) in map.iter_mut() {
                if k.starts_with("x-") {
                    continue;
                }
                let m = self.p.push(k);
                f(self, child)?;
                self.p.pop(m);
            }
        }
        Ok(())
    }

    fn path_item(&mut self, v: &mut Value) -> Result<()> {
        let Value::Object(obj) = v else {
            return Ok(());
        };
        if let Some(Value::String(r)) = obj.get("$ref") {
            if let Some(name) = r.strip_prefix("#/components/pathItems/") {
                if let Some(item) = self.path_items.get(unescape_token(name).as_ref()) {
                    self.notes.add(N_PATH_ITEM_REFS, self.p.as_str());
                    *v = item.clone();
                    return Ok(());
                }
            }
        }
        for (k, child) in obj.iter_mut() {
            let m = self.p.push(k);
            match k.as_str() {
                "parameters" => self.param_list(child)?,
                _ if METHODS.contains(&k.as_str()) => self.operation(child)?,
                _ => {}
            }
            self.p.pop(m);
        }
        Ok(())
    }

    fn operation(&mut self, v: &mut Value) -> Result<()> {
        let Value::Object(obj) = v else {
            return Ok(());
        };
        for (k, child) in obj.iter_mut() {
            let m = self.p.push(k);
            match k.as_str() {
                "parameters" => self.param_list(child)?,
                "requestBody" => self.request_body(child)?,
                "responses" => self.each(child, Self::response)?,
                "callbacks" => self.each(child, Self::callback)?,
                _ => {}
            }
            self.p.pop(m);
        }
        Ok(())
    }

    fn callback(&mut self, v: &mut Value) -> Result<()> {
        self.each(v, Self::path_item)
    }

    fn param_list(&mut self, v: &mut Value) -> Result<()> {
        if let Value::Array(items) = v {
            for (i, p) in items.iter_mut().enumerate() {
                let m = self.p.push_index(i);
                self.parameter(p)?;
                self.p.pop(m);
            }
        }
        Ok(())
    }

    /// A parameter or a header (both carry `schema` or `content`).
    fn parameter(&mut self, v: &mut Value) -> Result<()> {
        let Value::Object(obj) = v else {
            return Ok(());
        };
        for (k, child) in obj.iter_mut() {
            let m = self.p.push(k);
            match k.as_str() {
                "schema" => self.schema(child)?,
                "content" => self.each(child, Self::media_type)?,
                _ => {}
            }
            self.p.pop(m);
        }
        Ok(())
    }

    fn request_body(&mut self, v: &mut Value) -> Result<()> {
        if let Some(content) = v.get_mut("content") {
            let m = self.p.push("content");
            self.each(content, Self::media_type)?;
            self.p.pop(m);
        }
        Ok(())
    }

    fn response(&mut self, v: &mut Value) -> Result<()> {
        let Value::Object(obj) = v else {
            return Ok(());
        };
        for (k, child) in obj.iter_mut() {
            let m = self.p.push(k);
            match k.as_str() {
                "headers" => self.each(child, Self::parameter)?,
                "content" => self.each(child, Self::media_type)?,
                _ => {}
            }
            self.p.pop(m);
        }
        Ok(())
    }

    fn media_type(&mut self, v: &mut Value) -> Result<()> {
        let Value::Object(obj) = v else {
            return Ok(());
        };
        for (k, child) in obj.iter_mut() {
            let m = self.p.push(k);
            match k.as_str() {
                "schema" => self.schema(child)?,
                "encoding" => self.each(child, Self::encoding)?,
                _ => {}
            }
            self.p.pop(m);
        }
        Ok(())
    }

    fn encoding(&mut self, v: &mut Value) -> Result<()> {
        if let Some(headers) = v.get_mut("headers") {
            let m = self.p.push("headers");
            self.each(headers, Self::parameter)?;
            self.p.pop(m);
        }
        Ok(())
    }

    fn components(&mut self, c: &mut Map<String, Value>) -> Result<()> {
        for (k, child) in c.iter_mut() {
            let m = self.p.push(k);
            match k.as_str() {
                "schemas" => self.each(child, Self::schema)?,
                "responses" => self.each(child, Self::response)?,
                "parameters" | "headers" => self.each(child, Self::parameter)?,
                "requestBodies" => self.each(child, Self::request_body)?,
                "callbacks" => self.each(child, Self::callback)?,
                _ => {}
            }
            self.p.pop(m);
        }
        Ok(())
    }

    /// Converts one schema (and its subschemas) in place.
    fn schema(&mut self, v: &mut Value) -> Result<()> {
        if let Value::Bool(b) = v {
            *v = if *b { json!({}) } else { json!({ "not": {} }) };
            self.notes.add(N_BOOL_SCHEMA, self.p.as_str());
            return Ok(());
        }
        let Value::Object(obj) = v else {
            return Ok(());
        };
        if let Some(r) = obj.get("$ref") {
            if !r.is_string() {
                return Err(Error::invalid(
                    self.file,
                    &self.p.with("$ref"),
                    format!("`$ref` must be a string, found {}", kind_of(r)),
                ));
            }
            if self.mode == Mode::OpenApi31 {
                let done = wrap_ref_siblings(obj);
                if done.type_dropped {
                    self.notes.add(N_REF_TYPE, self.p.as_str());
                }
                if done.wrapped {
                    self.notes.add(N_REF_SIBLINGS, self.p.as_str());
                }
            }
        }
        self.keywords(obj);
        for (k, child) in obj.iter_mut() {
            let m = self.p.push(k);
            match k.as_str() {
                "properties" | "patternProperties" | "$defs" | "definitions"
                | "dependentSchemas" => self.each(child, Self::schema)?,
                "additionalProperties" | "unevaluatedProperties" if !child.is_boolean() => {
                    self.schema(child)?;
                }
                "items" | "additionalItems" | "unevaluatedItems" | "not" | "contains"
                | "propertyNames" | "if" | "then" | "else" => match child {
                    Value::Array(items) => self.schema_list(items)?,
                    _ => self.schema(child)?,
                },
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                    if let Value::Array(items) = child {
                        self.schema_list(items)?;
                    }
                }
                _ => {}
            }
            self.p.pop(m);
        }
        Ok(())
    }

    fn schema_list(&mut self, items: &mut [Value]) -> Result<()> {
        for (i, s) in items.iter_mut().enumerate() {
            let m = self.p.push_index(i);
            self.schema(s)?;
            self.p.pop(m);
        }
        Ok(())
    }

    /// The keyword rewrites of one schema object (not its subschemas).
    fn keywords(&mut self, obj: &mut Map<String, Value>) {
        match obj.get("type") {
            Some(Value::Array(_)) => match type_array(obj) {
                TypeRewrite::Nullable => self.notes.add(N_TYPE_NULL, self.p.as_str()),
                TypeRewrite::Single => self.notes.add(N_TYPE_SINGLE, self.p.as_str()),
                TypeRewrite::AnyOf => self.notes.add(N_TYPE_MULTI, self.p.as_str()),
                TypeRewrite::None => {}
            },
            Some(Value::String(t)) if t == "null" => {
                obj.shift_remove("type");
                obj.insert("nullable".to_owned(), Value::Bool(true));
                self.notes.add(N_TYPE_NULL_ONLY, self.p.as_str());
            }
            _ => {}
        }
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(members)) = obj.get_mut(key) else {
                continue;
            };
            let before = members.len();
            members.retain(|m| !is_null_schema(m));
            if members.len() == before {
                continue;
            }
            match members.len() {
                0 => {
                    obj.shift_remove(key);
                }
                1 => {
                    let only = members.pop().unwrap_or_default();
                    obj.shift_remove(key);
                    match obj.get_mut("allOf") {
                        Some(Value::Array(all)) => all.push(only),
                        _ => {
                            obj.insert("allOf".to_owned(), Value::Array(vec![only]));
                        }
                    }
                }
                _ => {}
            }
            obj.insert("nullable".to_owned(), Value::Bool(true));
            self.notes.add(N_NULL_MEMBER, self.p.as_str());
        }
        if obj.contains_key("const") {
            if let Some(c) = obj.shift_remove("const") {
                obj.insert("enum".to_owned(), Value::Array(vec![c]));
                self.notes.add(N_CONST, self.p.as_str());
            }
        }
        if let Some(Value::Array(_)) = obj.get("examples") {
            if let Some(Value::Array(examples)) = obj.shift_remove("examples") {
                if !obj.contains_key("example") {
                    if let Some(first) = examples.into_iter().next() {
                        obj.insert("example".to_owned(), first);
                    }
                }
                self.notes.add(N_EXAMPLES, self.p.as_str());
            }
        }
        for (exclusive, bound, lower) in [
            ("exclusiveMinimum", "minimum", true),
            ("exclusiveMaximum", "maximum", false),
        ] {
            let Some(Value::Number(n)) = obj.get(exclusive) else {
                continue;
            };
            let n = n.clone();
            let existing_stricter = match (obj.get(bound).and_then(Value::as_f64), n.as_f64()) {
                (Some(b), Some(x)) => {
                    if lower {
                        b > x
                    } else {
                        b < x
                    }
                }
                _ => false,
            };
            if existing_stricter {
                obj.shift_remove(exclusive);
            } else {
                obj.insert(bound.to_owned(), Value::Number(n));
                obj.insert(exclusive.to_owned(), Value::Bool(true));
            }
            self.notes.add(N_EXCLUSIVE, self.p.as_str());
        }
        if obj.contains_key("contentEncoding") || obj.contains_key("contentMediaType") {
            let encoding = obj.shift_remove("contentEncoding");
            let media = obj.shift_remove("contentMediaType");
            let format = match encoding.as_ref().and_then(Value::as_str) {
                Some(e)
                    if e.eq_ignore_ascii_case("base64") || e.eq_ignore_ascii_case("base64url") =>
                {
                    Some("byte")
                }
                Some(_) => None,
                None => match media.as_ref().and_then(Value::as_str) {
                    Some(m) if is_textual_media(m) => None,
                    Some(_) => Some("binary"),
                    None => None,
                },
            };
            if let Some(format) = format {
                if !obj.contains_key("format") {
                    obj.insert("format".to_owned(), Value::String(format.to_owned()));
                }
                if !obj.contains_key("type") {
                    obj.insert("type".to_owned(), Value::String("string".to_owned()));
                }
            }
            self.notes.add(N_CONTENT_MEDIA, self.p.as_str());
        }
    }
}

/// `{type: "null"}` (annotations allowed).
fn is_null_schema(v: &Value) -> bool {
    let Value::Object(obj) = v else {
        return false;
    };
    obj.get("type").and_then(Value::as_str) == Some("null")
        && obj
            .keys()
            .all(|k| matches!(k.as_str(), "type" | "description" | "title") || k.starts_with("x-"))
}

/// Media types whose content is text (a string schema with them needs no `format`).
fn is_textual_media(m: &str) -> bool {
    let m = m.to_ascii_lowercase();
    m.starts_with("text/") || m.contains("json") || m.contains("xml") || m.contains("yaml")
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::upgrade::upgrade;

    fn up(mut doc: Value) -> (Value, Vec<String>) {
        let notes = upgrade(&mut doc, "spec.yaml").expect("upgrades");
        (doc, notes)
    }

    /// A 3.1 document with `schemas` as its components.
    fn doc31(schemas: Value) -> Value {
        json!({ "openapi": "3.1.0", "info": { "title": "t", "version": "1" }, "paths": {},
                "components": { "schemas": schemas } })
    }

    fn schemas_of(doc: &Value) -> &Value {
        &doc["components"]["schemas"]
    }

    #[test]
    fn type_arrays() {
        let (out, notes) = up(doc31(json!({
            "A": { "type": ["string", "null"], "format": "date-time" },
            "B": { "type": ["integer"] },
            "C": { "type": ["string", "integer", "null"] },
            "D": { "type": "null" },
            "E": { "type": ["null"] }
        })));
        assert_eq!(
            schemas_of(&out),
            &json!({
                "A": { "type": "string", "format": "date-time", "nullable": true },
                "B": { "type": "integer" },
                "C": { "anyOf": [{ "type": "string" }, { "type": "integer" }], "nullable": true },
                "D": { "nullable": true },
                "E": { "nullable": true }
            })
        );
        assert_eq!(out["openapi"], "3.0.3");
        let text = notes.join("\n");
        assert!(
            text.starts_with("openapi 3.1.0 → openapi 3.0.3: "),
            "{text}"
        );
        assert!(text.contains("2 type arrays with null → type + nullable (e.g. /components/schemas/A, /components/schemas/E)"), "{text}");
        assert!(
            text.contains("1 type arrays with several non-null types → anyOf"),
            "{text}"
        );
    }

    #[test]
    fn keyword_rewrites() {
        let (out, _) = up(doc31(json!({
            "Const": { "const": "on" },
            "Examples": { "type": "string", "examples": ["a", "b"] },
            "Kept": { "type": "string", "example": "x", "examples": ["a"] },
            "Min": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10 },
            "Stricter": { "type": "number", "exclusiveMinimum": 0, "minimum": 5 },
            "Bytes": { "type": "string", "contentEncoding": "base64" },
            "Bin": { "contentMediaType": "image/png" },
            "Json": { "type": "string", "contentMediaType": "application/json" },
            "Bools": { "type": "object", "properties": { "any": true, "none": false },
                       "additionalProperties": false }
        })));
        assert_eq!(
            schemas_of(&out),
            &json!({
                "Const": { "enum": ["on"] },
                "Examples": { "type": "string", "example": "a" },
                "Kept": { "type": "string", "example": "x" },
                "Min": { "type": "number", "exclusiveMinimum": true, "exclusiveMaximum": true,
                         "minimum": 0, "maximum": 10 },
                "Stricter": { "type": "number", "minimum": 5 },
                "Bytes": { "type": "string", "format": "byte" },
                "Bin": { "format": "binary", "type": "string" },
                "Json": { "type": "string" },
                "Bools": { "type": "object", "properties": { "any": {}, "none": { "not": {} } },
                           "additionalProperties": false }
            })
        );
    }

    #[test]
    fn ref_siblings() {
        let (out, notes) = up(doc31(json!({
            "P": { "type": "object", "properties": {
                "doc": { "$ref": "#/components/schemas/T", "description": "d", "x-k": 1 },
                "ro": { "$ref": "#/components/schemas/T", "readOnly": true, "description": "d" },
                "typed": { "$ref": "#/components/schemas/T", "type": "object" },
                "nullable": { "$ref": "#/components/schemas/T", "type": ["object", "null"] },
                "more": { "$ref": "#/components/schemas/T", "allOf": [{ "required": ["a"] }] }
            } },
            "T": { "type": "object" }
        })));
        assert_eq!(
            schemas_of(&out)["P"]["properties"],
            json!({
                "doc": { "$ref": "#/components/schemas/T", "description": "d", "x-k": 1 },
                "ro": { "allOf": [{ "$ref": "#/components/schemas/T" }], "readOnly": true, "description": "d" },
                "typed": { "$ref": "#/components/schemas/T" },
                "nullable": { "allOf": [{ "$ref": "#/components/schemas/T" }], "nullable": true },
                "more": { "allOf": [{ "$ref": "#/components/schemas/T" }, { "required": ["a"] }] }
            })
        );
        let text = notes.join("\n");
        assert!(
            text.contains("3 $refs with sibling keywords → allOf"),
            "{text}"
        );
        assert!(text.contains("2 `type` next to a $ref dropped"), "{text}");
    }

    #[test]
    fn null_members_of_any_of() {
        let (out, _) = up(doc31(json!({
            "One": { "anyOf": [{ "$ref": "#/components/schemas/T" }, { "type": "null" }] },
            "Two": { "oneOf": [{ "type": "string" }, { "type": "integer" }, { "type": "null" }] },
            "T": { "type": "string" }
        })));
        assert_eq!(
            schemas_of(&out),
            &json!({
                "One": { "allOf": [{ "$ref": "#/components/schemas/T" }], "nullable": true },
                "Two": { "oneOf": [{ "type": "string" }, { "type": "integer" }], "nullable": true },
                "T": { "type": "string" }
            })
        );
    }

    #[test]
    fn document_level_3_1_features() {
        let (out, notes) = up(json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
            "info": { "title": "t", "version": "1" },
            "webhooks": { "ping": { "post": { "responses": { "200": { "description": "ok" } } } } },
            "paths": {
                "/a": { "$ref": "#/components/pathItems/A" },
                "/b": { "get": {
                    "parameters": [{ "name": "q", "in": "query", "schema": { "type": ["string", "null"] } }],
                    "requestBody": { "content": { "application/json": { "schema": { "const": 1 } } } },
                    "responses": { "200": {
                        "description": "ok",
                        "headers": { "X": { "schema": { "type": ["integer", "null"] } } },
                        "content": { "application/json": {
                            "schema": { "type": "array", "items": { "type": ["string", "null"] } },
                            "examples": { "e": { "value": { "type": ["kept", "null"] } } }
                        } }
                    } },
                    "callbacks": { "cb": { "{$request.body#/url}": { "post": {
                        "requestBody": { "content": { "application/json": { "schema": { "examples": [1] } } } },
                        "responses": { "200": { "description": "ok" } }
                    } } } }
                } }
            },
            "components": {
                "pathItems": { "A": { "get": { "responses": { "200": { "description": "ok",
                    "content": { "text/plain": { "schema": { "type": ["string", "null"] } } } } } } } },
                "securitySchemes": {
                    "tls": { "type": "mutualTLS" },
                    "key": { "type": "apiKey", "name": "k", "in": "header" }
                }
            }
        }));
        assert_eq!(
            out,
            json!({
                "openapi": "3.0.3",
                "info": { "title": "t", "version": "1" },
                "paths": {
                    "/a": { "get": { "responses": { "200": { "description": "ok",
                        "content": { "text/plain": { "schema": { "type": "string", "nullable": true } } } } } } },
                    "/b": { "get": {
                        "parameters": [{ "name": "q", "in": "query", "schema": { "type": "string", "nullable": true } }],
                        "requestBody": { "content": { "application/json": { "schema": { "enum": [1] } } } },
                        "responses": { "200": {
                            "description": "ok",
                            "headers": { "X": { "schema": { "type": "integer", "nullable": true } } },
                            "content": { "application/json": {
                                "schema": { "type": "array", "items": { "type": "string", "nullable": true } },
                                "examples": { "e": { "value": { "type": ["kept", "null"] } } }
                            } }
                        } },
                        "callbacks": { "cb": { "{$request.body#/url}": { "post": {
                            "requestBody": { "content": { "application/json": { "schema": { "example": 1 } } } },
                            "responses": { "200": { "description": "ok" } }
                        } } } }
                    } }
                },
                "components": {
                    "securitySchemes": { "key": { "type": "apiKey", "name": "k", "in": "header" } }
                }
            })
        );
        let text = notes.join("\n");
        for expected in [
            "jsonSchemaDialect",
            "1 webhook(s) removed",
            "components/pathItems removed",
            "mutualTLS security scheme(s) tls removed",
            "1 path items referencing components/pathItems inlined",
        ] {
            assert!(text.contains(expected), "{expected} not in {text}");
        }
        let spec: openapiv3::OpenAPI = serde_json::from_value(out).expect("valid 3.0");
        assert_eq!(spec.operations().count(), 2);
    }

    #[test]
    fn openapi_3_0_with_3_1_constructs() {
        let (out, notes) = up(json!({
            "openapi": "3.0.0",
            "info": { "title": "t", "version": "1" },
            "paths": {},
            "components": { "schemas": {
                "A": { "type": "object", "properties": {
                    "n": { "type": ["string", "null"] },
                    "r": { "$ref": "#/components/schemas/B", "readOnly": true }
                } },
                "B": { "type": "string" }
            } }
        }));
        assert_eq!(out["openapi"], "3.0.0", "a 3.0 document keeps its version");
        assert_eq!(
            schemas_of(&out)["A"]["properties"],
            json!({
                "n": { "type": "string", "nullable": true },
                // 3.0: siblings of $ref are ignored by definition; left untouched.
                "r": { "$ref": "#/components/schemas/B", "readOnly": true }
            })
        );
        assert_eq!(
            notes,
            vec![
                "openapi 3.0.0: 1 type arrays with null → type + nullable (e.g. /components/schemas/A/properties/n)"
            ]
        );
        // A clean 3.0 document: nothing to say.
        let (_, notes) = up(
            json!({ "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": {} }),
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn missing_paths_and_malformed_input() {
        let (out, _) = up(json!({ "openapi": "3.1.0", "info": { "title": "t", "version": "1" } }));
        assert_eq!(out["paths"], json!({}));

        let mut d = json!({ "openapi": "3.1.0", "paths": [] });
        let err = upgrade(&mut d, "spec.yaml")
            .expect_err("paths array")
            .to_string();
        assert!(
            err.starts_with("spec.yaml#/paths: `paths` must be an object"),
            "{err}"
        );

        let mut d = doc31(json!({ "A": { "properties": { "x": { "$ref": 3 } } } }));
        let err = upgrade(&mut d, "spec.yaml")
            .expect_err("bad ref")
            .to_string();
        assert!(
            err.starts_with(
                "spec.yaml#/components/schemas/A/properties/x/$ref: `$ref` must be a string"
            ),
            "{err}"
        );

        let mut d = json!({ "openapi": "3.0.1", "paths": { "/a": { "get": { "responses": { "200": {
            "description": "d", "content": { "application/json": { "schema": { "$ref": {} } } } } } } } } });
        let err = upgrade(&mut d, "spec.yaml")
            .expect_err("bad ref")
            .to_string();
        assert!(
            err.starts_with(
                "spec.yaml#/paths/~1a/get/responses/200/content/application~1json/schema/$ref"
            ),
            "{err}"
        );
    }
}
