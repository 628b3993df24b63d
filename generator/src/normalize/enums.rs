//! Repairs `enum` keywords the typed schema model would misread:
//!
//! - `enum: []` allows no value at all, which is always a document defect (Eve's
//!   generator writes one for a list field with no allowed values); keeping it would make
//!   the type uninhabitable. It is dropped, and the schema allows any value of its type.
//! - An `enum` with no `type` beside it (PandaScore's sort keys, `{enum: [id, -id]}`)
//!   would be read as "any value". When every value has one JSON type, that type is
//!   written beside it (`null` among the values also makes the schema `nullable`). A
//!   schema with `$ref` or a composition (`allOf`, `oneOf`, `anyOf`) takes its type from
//!   those and is left alone, as are values of mixed types.
//!
//! Examples, defaults and extensions are data, not schemas: the walk does not enter them.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::error::push_token;

/// Keys whose values are data or annotations, never schemas.
const DATA_KEYS: &[&str] = &["example", "examples", "default", "enum", "const"];

/// Keys that give a schema its type other than `type` itself.
const TYPE_SOURCES: &[&str] = &["type", "$ref", "allOf", "oneOf", "anyOf"];

/// Repairs every `enum` under the document; one line per change.
pub fn repair_enums(doc: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    walk(doc, &mut String::new(), &mut notes);
    notes
}

/// `pointer` is where `value` is, extended and restored in place (one buffer per walk).
fn walk(value: &mut Value, pointer: &mut String, notes: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            // Under `properties` the keys are property *names* (`enum`, `default`), not
            // keywords.
            let names = pointer.ends_with("/properties");
            if !names {
                repair_here(map, pointer, notes);
            }
            let len = pointer.len();
            for (key, child) in map.iter_mut() {
                if !names && (DATA_KEYS.contains(&key.as_str()) || key.starts_with("x-")) {
                    continue;
                }
                if matches!(child, Value::Object(_) | Value::Array(_)) {
                    push_token(pointer, key);
                    walk(child, pointer, notes);
                    pointer.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            let len = pointer.len();
            for (i, child) in items.iter_mut().enumerate() {
                if matches!(child, Value::Object(_) | Value::Array(_)) {
                    let _ = write!(pointer, "/{i}");
                    walk(child, pointer, notes);
                    pointer.truncate(len);
                }
            }
        }
        _ => {}
    }
}

/// The repairs of the `enum` of the object `map` at `pointer`, if it has one.
fn repair_here(map: &mut Map<String, Value>, pointer: &str, notes: &mut Vec<String>) {
    let Some(values) = map.get("enum").and_then(Value::as_array) else {
        return;
    };
    if values.is_empty() {
        map.remove("enum");
        notes.push(format!("{pointer}: `enum: []` allows no value; dropped"));
        return;
    }
    if TYPE_SOURCES.iter().any(|key| map.contains_key(*key)) {
        return;
    }
    let has_null = values.iter().any(Value::is_null);
    let Some(ty) = shared_type(values) else {
        return;
    };
    map.insert("type".to_owned(), Value::from(ty));
    let nullable = has_null && !map.contains_key("nullable");
    if nullable {
        map.insert("nullable".to_owned(), Value::Bool(true));
    }
    notes.push(format!(
        "{pointer}: `enum` without `type`, every value a {ty}: `type: {ty}` added{}",
        if nullable {
            ", and `nullable: true` for its `null`"
        } else {
            ""
        }
    ));
}

/// The JSON type every non-null value has (`integer` when every number is whole), or
/// `None` for mixed types or only `null`s.
fn shared_type(values: &[Value]) -> Option<&'static str> {
    let mut shared = None;
    for value in values.iter().filter(|v| !v.is_null()) {
        let ty = match value {
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            _ => return None,
        };
        shared = match (shared, ty) {
            (None, ty) => Some(ty),
            (Some(a), b) if a == b => Some(a),
            (Some("integer"), "number") | (Some("number"), "integer") => Some("number"),
            _ => return None,
        };
    }
    shared
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drops_only_empty_enum_keywords() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "array", "items": {"type": "string", "enum": []}},
            "B": {"type": "object", "properties": {"enum": {"type": "string", "enum": ["x"]}}},
            "C": {"type": "object", "properties": {"enum": {"enum": []}}}
        }}});
        let notes = repair_enums(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["A"]["items"],
            json!({"type": "string"})
        );
        assert_eq!(
            doc["components"]["schemas"]["B"]["properties"]["enum"]["enum"],
            json!(["x"])
        );
        assert_eq!(
            doc["components"]["schemas"]["C"]["properties"]["enum"],
            json!({})
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].starts_with("/components/schemas/A/items"),
            "{notes:?}"
        );
    }

    #[test]
    fn a_typeless_enum_gets_the_type_its_values_share() {
        let mut doc = json!({"components": {"schemas": {
            "Sort": {"type": "array", "items": {"enum": ["id", "-id"]}},
            "Level": {"enum": [1, 2, null]},
            "Ratio": {"enum": [1, 2.5]},
            "Flag": {"enum": [true], "nullable": false},
            "Mixed": {"enum": ["a", 1]},
            "Unit": {"enum": [null]},
            "Ref": {"$ref": "#/components/schemas/Sort", "enum": ["x"]},
            "Composed": {"oneOf": [{"type": "string"}], "enum": ["x"]},
            "Example": {"type": "object", "example": {"enum": ["kept as data"]}}
        }}});
        let notes = repair_enums(&mut doc);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Sort"]["items"],
            json!({"type": "string", "enum": ["id", "-id"]})
        );
        assert_eq!(
            schemas["Level"],
            json!({"type": "integer", "nullable": true, "enum": [1, 2, null]})
        );
        assert_eq!(schemas["Ratio"]["type"], "number");
        assert_eq!(
            schemas["Flag"],
            json!({"type": "boolean", "enum": [true], "nullable": false})
        );
        for untouched in ["Mixed", "Unit", "Ref", "Composed"] {
            assert!(
                schemas[untouched].get("type").is_none(),
                "{untouched}: {}",
                schemas[untouched]
            );
        }
        assert_eq!(
            schemas["Example"]["example"],
            json!({"enum": ["kept as data"]})
        );
        assert_eq!(notes.len(), 4, "{notes:?}");
        assert!(
            notes.iter().any(|n| n.starts_with(
                "/components/schemas/Sort/items: `enum` without `type`, every value a string"
            )),
            "{notes:?}"
        );
    }
}
