//! Local `$ref`s that later stages can't take as they are, made plain:
//!
//! - a path item that is a `$ref` to another path item (`/b: {$ref: '#/paths/~1a'}`) is
//!   replaced by a copy of it;
//! - a schema `$ref` that points inside something rather than at a component
//!   (`#/components/schemas/Tag/allOf/0`, `#/components/responses/R/content/…/schema`)
//!   gets the target copied into `components/schemas` under a name made from the pointer,
//!   and points there;
//! - a schema `$ref` that points to nothing becomes a free-form schema (kept as
//!   `serde_json::Value`, so no data is lost), with a note: real documents carry dangling
//!   references in parts nothing uses, and refusing the whole document for them helps no
//!   one.
//!
//! Every change is reported with the place of the `$ref`.

use std::collections::{BTreeMap, HashSet};

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use crate::bundle::kinds::{self, Kind, Shape, Version};
use crate::error::{pointer_push, push_token};

const SCHEMAS: &str = "/components/schemas";

/// Rounds of rewriting (a copied target may itself hold such `$ref`s).
const MAX_ROUNDS: usize = 8;

/// Rewrites the `$ref`s described above in `doc` (OpenAPI 3.0); returns notes.
pub fn make_plain(doc: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    let mut hoisted: BTreeMap<String, String> = BTreeMap::new();
    let mut names: HashSet<String> = doc
        .pointer(SCHEMAS)
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for _ in 0..MAX_ROUNDS {
        let mut sites = Vec::new();
        collect(doc, Kind::Root, &mut String::new(), &mut sites);
        let mut changed = false;
        for (site, kind, reference) in sites {
            let Some(target) = reference.strip_prefix('#') else {
                continue;
            };
            let target = percent_decode_str(target)
                .decode_utf8()
                .map_or_else(|_| target.to_owned(), |t| t.into_owned());
            // Most `$ref`s name a component that exists and need nothing: `names` tells
            // without walking the document (a pointer lookup hashes every key on the way).
            if kind == Kind::Schema && component_name(&target).is_some_and(|n| names.contains(&*n))
            {
                continue;
            }
            let found = match (kind, doc.pointer(&target)) {
                (Kind::Schema, Some(_)) if is_component(&target) => continue,
                (_, found) => found.cloned(),
            };
            match (kind, found) {
                (Kind::PathItem, Some(Value::Object(content))) if target != site => {
                    replace_keeping_siblings(doc, &site, content);
                    notes.push(format!(
                        "{site}: path item `$ref: {reference}` replaced by a copy of it"
                    ));
                    changed = true;
                }
                (Kind::Schema, Some(content)) if !is_component(&target) => {
                    let name = match hoisted.get(&target) {
                        Some(name) => name.clone(),
                        None => {
                            let name = unique_name(&target, &mut names);
                            insert_schema(doc, &name, content);
                            hoisted.insert(target.clone(), name.clone());
                            notes.push(format!(
                                "{site}: `$ref: {reference}` points inside another object; \
                                 its target is copied to `{SCHEMAS}/{name}`"
                            ));
                            name
                        }
                    };
                    set_ref(doc, &site, &format!("#{}", pointer_push(SCHEMAS, &name)));
                    changed = true;
                }
                (Kind::Schema, None) => {
                    replace_keeping_siblings(doc, &site, Map::new());
                    notes.push(format!(
                        "{site}: `$ref: {reference}` points to nothing; the value is kept \
                         free-form (`serde_json::Value`)"
                    ));
                    changed = true;
                }
                _ => {}
            }
        }
        if !changed {
            break;
        }
    }
    notes
}

/// Every object with a string `$ref` at a schema or path-item position, with its kind
/// and the reference. `pointer` is where `value` is; it is extended and restored in place
/// (one buffer for the whole walk, a `String` made only per site found).
fn collect(value: &Value, kind: Kind, pointer: &mut String, out: &mut Vec<(String, Kind, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if matches!(kind, Kind::Schema | Kind::PathItem) {
                    out.push((pointer.clone(), kind, reference.clone()));
                }
                if kind == Kind::PathItem {
                    return;
                }
            }
            for (key, child) in map {
                let Some(shape) = kinds::child(kind, key, Version::OpenApi3) else {
                    continue;
                };
                let len = pointer.len();
                push_token(pointer, key);
                match shape {
                    Shape::One(k) | Shape::List(k) => collect(child, k, pointer, out),
                    Shape::Map(k) => {
                        if let Value::Object(entries) = child {
                            let at = pointer.len();
                            for (name, entry) in entries {
                                push_token(pointer, name);
                                collect(entry, k, pointer, out);
                                pointer.truncate(at);
                            }
                        }
                    }
                }
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            let len = pointer.len();
            for (i, item) in items.iter().enumerate() {
                use std::fmt::Write as _;
                let _ = write!(pointer, "/{i}");
                collect(item, kind, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// `/components/schemas/<name>` exactly.
fn is_component(pointer: &str) -> bool {
    component_name(pointer).is_some()
}

/// The schema name of a `/components/schemas/<name>` pointer, unescaped.
fn component_name(pointer: &str) -> Option<std::borrow::Cow<'_, str>> {
    let token = pointer.strip_prefix(SCHEMAS)?.strip_prefix('/')?;
    if token.contains('/') {
        return None;
    }
    Some(if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    })
}

/// A readable name from the target's pointer, unique among the schemas:
/// `/components/schemas/Tag/allOf/0` → `Tag_allOf_0`.
fn unique_name(target: &str, names: &mut HashSet<String>) -> String {
    let words: Vec<String> = target
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .filter(|t| !matches!(t.as_str(), "components" | "schemas" | "content" | "schema"))
        .filter(|t| !t.contains('/'))
        .collect();
    let base: String = words
        .join("_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = if base.is_empty() {
        "Referenced".to_owned()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while names.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    names.insert(name.clone());
    name
}

fn insert_schema(doc: &mut Value, name: &str, content: Value) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(components) = components.as_object_mut() {
        let schemas = components
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(schemas) = schemas.as_object_mut() {
            schemas.insert(name.to_owned(), content);
        }
    }
}

fn set_ref(doc: &mut Value, site: &str, reference: &str) {
    if let Some(Value::Object(map)) = doc.pointer_mut(site) {
        map.insert("$ref".into(), Value::String(reference.to_owned()));
    }
}

/// Replaces the `$ref` object at `site` by `content`, keeping its other keys where
/// `content` has none.
fn replace_keeping_siblings(doc: &mut Value, site: &str, mut content: Map<String, Value>) {
    if let Some(Value::Object(map)) = doc.pointer_mut(site) {
        map.remove("$ref");
        for (key, value) in std::mem::take(map) {
            content.entry(key).or_insert(value);
        }
        *map = content;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn deep_refs_are_copied_to_components_once() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": {"schemas": {
                "Tag": {"allOf": [{"type": "object", "properties": {"n": {"type": "string"}}}]},
                "A": {"properties": {
                    "x": {"$ref": "#/components/schemas/Tag/allOf/0"},
                    "y": {"$ref": "#/components/schemas/Tag/allOf/0"}
                }}
            }}
        });
        let notes = make_plain(&mut doc);
        assert_eq!(notes.len(), 1, "{notes:?}");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Tag_allOf_0"]["properties"]["n"]["type"], "string");
        assert_eq!(
            schemas["A"]["properties"]["x"]["$ref"],
            "#/components/schemas/Tag_allOf_0"
        );
        assert_eq!(
            schemas["A"]["properties"]["y"]["$ref"],
            "#/components/schemas/Tag_allOf_0"
        );
    }

    #[test]
    fn a_schema_ref_into_a_response_is_copied() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/c": {"get": {"responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {
                    "$ref": "#/components/responses/R/content/application~1json/schema"
                }}
            }}}}}},
            "components": {"responses": {"R": {"description": "r", "content": {
                "application/json": {"schema": {"type": "integer"}}
            }}}}
        });
        make_plain(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["responses_R"]["type"],
            "integer"
        );
        assert_eq!(
            doc.pointer("/paths/~1c/get/responses/200/content/application~1json/schema/$ref"),
            Some(&json!("#/components/schemas/responses_R"))
        );
    }

    #[test]
    fn dangling_schema_refs_become_free_form_with_a_note() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": {"schemas": {"A": {"properties": {
                "x": {"$ref": "#/components/schemas/Nowhere", "description": "kept"}
            }}}}
        });
        let notes = make_plain(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["A"]["properties"]["x"],
            json!({"description": "kept"})
        );
        assert!(
            notes[0].starts_with("/components/schemas/A/properties/x:"),
            "{notes:?}"
        );
        assert!(notes[0].contains("points to nothing"), "{notes:?}");
    }

    #[test]
    fn path_item_refs_are_copied_and_examples_untouched() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {
                "/a": {"get": {"responses": {"200": {"description": "ok", "content": {
                    "application/json": {"example": {"$ref": "#/nowhere"}}
                }}}}},
                "/b": {"$ref": "#/paths/~1a"}
            }
        });
        let notes = make_plain(&mut doc);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(doc["paths"]["/b"], doc["paths"]["/a"]);
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["example"],
            json!({"$ref": "#/nowhere"})
        );
    }

    #[test]
    fn well_formed_documents_are_untouched() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": {"schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "string"}
            }}
        });
        let before = doc.clone();
        assert!(make_plain(&mut doc).is_empty());
        assert_eq!(doc, before);
    }
}
