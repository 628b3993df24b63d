//! Automatic repair of component schemas whose names collide once made Rust identifiers
//! (`v1APIEndpoint` / `v1ApiEndpoint`, `v1.GcpAccountEntitySpec` / `v1GcpAccountEntitySpec`):
//! when the colliding schemas are structurally identical they are merged into the first one
//! (document order) and every `$ref` to the others is redirected; when they differ, they are
//! left for the name allocator to number, and the report says so.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::pointer_push;
use crate::ident::camel;

const PREFIX: &str = "#/components/schemas/";

/// Escapes a schema name as a JSON pointer token.
fn token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Merges identical colliding schemas; returns a note per merge or collision.
pub fn merge_identical(doc: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return notes;
    };
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in schemas.keys() {
        groups.entry(camel(name)).or_default().push(name.clone());
    }
    let mut redirects: BTreeMap<String, String> = BTreeMap::new();
    for (rust, names) in groups.iter().filter(|(_, n)| n.len() > 1) {
        let keep = &names[0];
        for other in &names[1..] {
            if schemas.get(keep) == schemas.get(other) {
                redirects.insert(other.clone(), keep.clone());
                notes.push(format!(
                    "{}: identical to `{keep}` (both would be `{rust}`): merged",
                    pointer_push("/components/schemas", other)
                ));
            } else {
                notes.push(format!(
                    "{}: differs from `{keep}` but both would be `{rust}`: numbered",
                    pointer_push("/components/schemas", other)
                ));
            }
        }
    }
    if redirects.is_empty() {
        return notes;
    }
    let map: BTreeMap<String, String> = redirects
        .iter()
        .map(|(from, to)| {
            (
                format!("{PREFIX}{}", token(from)),
                format!("{PREFIX}{}", token(to)),
            )
        })
        .collect();
    rewrite_refs(doc, &map);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for from in redirects.keys() {
            schemas.shift_remove(from);
        }
    }
    notes
}

/// Rewrites `$ref` values found in `map`, everywhere except inside example values.
fn rewrite_refs(value: &mut Value, map: &BTreeMap<String, String>) {
    match value {
        Value::Object(obj) => {
            for (key, child) in obj.iter_mut() {
                if key == "$ref" {
                    if let Some(target) = child.as_str().and_then(|r| map.get(r)) {
                        *child = Value::String(target.clone());
                    }
                } else if key != "example" && key != "examples" && key != "x-example" {
                    rewrite_refs(child, map);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, map)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identical_duplicates_merge_and_refs_follow() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/v1ApiEndpoint"},
                "example": {"$ref": "#/components/schemas/v1ApiEndpoint"}
            }}}}}}},
            "components": {"schemas": {
                "v1APIEndpoint": {"type": "object", "properties": {"host": {"type": "string"}}},
                "v1ApiEndpoint": {"type": "object", "properties": {"host": {"type": "string"}}},
                "URLEncodedBase64": {"type": "string"},
                "urlEncodedBase64": {"type": "integer"}
            }}
        });
        let notes = merge_identical(&mut doc);
        assert_eq!(notes.len(), 2, "{notes:?}");
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        assert!(schemas.contains_key("v1APIEndpoint"));
        assert!(!schemas.contains_key("v1ApiEndpoint"));
        assert!(
            schemas.contains_key("urlEncodedBase64"),
            "different ones are kept"
        );
        let media = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(
            media["schema"]["$ref"],
            "#/components/schemas/v1APIEndpoint"
        );
        assert_eq!(
            media["example"]["$ref"], "#/components/schemas/v1ApiEndpoint",
            "examples untouched"
        );
    }
}
