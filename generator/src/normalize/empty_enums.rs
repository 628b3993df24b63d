//! Drops `enum: []`: a schema that allows no value at all is always a document defect
//! (Eve's generator writes one for a list field with no allowed values), and keeping it
//! would make the type uninhabitable. The schema then allows any value of its type.

use std::fmt::Write as _;

use serde_json::Value;

use crate::error::push_token;

/// Removes every empty `enum` under `components` and `paths`; one line per removal.
pub fn drop_empty_enums(doc: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    walk(doc, &mut String::new(), &mut notes);
    notes
}

/// `pointer` is where `value` is, extended and restored in place (one buffer per walk).
fn walk(value: &mut Value, pointer: &mut String, notes: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            // `enum` as a property *name* (under `properties`) is not a keyword.
            let is_properties = pointer.ends_with("/properties");
            if !is_properties
                && map
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(Vec::is_empty)
            {
                map.remove("enum");
                notes.push(format!("{pointer}: `enum: []` allows no value; dropped"));
            }
            let len = pointer.len();
            for (key, child) in map.iter_mut() {
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
        let notes = drop_empty_enums(&mut doc);
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
}
