//! Schema keywords whose value has the wrong JSON type, repaired where the intent is
//! plain and refused, at the keyword, where it is not.
//!
//! Real documents write `pattern: 0`, `maxLength: "64"`, `nullable: "true"` or, in the
//! Swagger 2.0 habit, `required: true` on a property. The typed parser would refuse the
//! whole document, pointing at the schema at best. Instead:
//!
//! - a numeric string where a number belongs, or `"true"`/`"false"` where a boolean
//!   belongs, becomes that number or boolean;
//! - `required: true`/`false` on a property moves into its object's `required` list;
//! - any other wrong-typed annotation or validation keyword (`pattern`, `description`,
//!   `format`, `minimum`, `enum`, ...) is dropped: it constrains or documents a value, and
//!   the types generated without it still read every valid one;
//! - a `type` that is neither a string nor (OpenAPI 3.1's form) a list of strings is an
//!   error at the keyword, since nothing sensible can be generated in its place.
//!
//! Every change is reported with its place. Runs after `local_refs`, so the schemas it
//! copied are checked too; a copy's pointer is reported as the place it was copied from.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::bundle::kinds::{self, Kind, Shape, Version};
use crate::error::{Error, Result, push_token};

/// Keywords whose value must be a string.
const STRINGS: &[&str] = &["pattern", "description", "title", "format"];
/// Keywords whose value must be a boolean (OpenAPI 3.0).
const BOOLEANS: &[&str] = &[
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "uniqueItems",
    "exclusiveMinimum",
    "exclusiveMaximum",
];
/// Keywords whose value must be a non-negative integer.
const COUNTS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];
/// Keywords whose value must be a number.
const NUMBERS: &[&str] = &["minimum", "maximum", "multipleOf"];

/// Repairs the schemas of `doc` (OpenAPI 3.0) as described above; returns notes.
/// `copied_from` maps a schema name `local_refs` made to the pointer it was copied from.
pub fn repair(
    doc: &mut Value,
    file: &str,
    copied_from: &BTreeMap<String, String>,
) -> Result<Vec<String>> {
    let mut walk = Walk {
        notes: Vec::new(),
        file,
        copied_from,
    };
    walk.visit(doc, Kind::Root, &mut String::new())?;
    Ok(walk.notes)
}

struct Walk<'a> {
    notes: Vec<String>,
    file: &'a str,
    copied_from: &'a BTreeMap<String, String>,
}

impl Walk<'_> {
    fn visit(&mut self, value: &mut Value, kind: Kind, pointer: &mut String) -> Result<()> {
        match value {
            Value::Object(map) => {
                if kind == Kind::Schema {
                    self.schema(map, pointer)?;
                }
                for (key, child) in map.iter_mut() {
                    let Some(shape) = kinds::child(kind, key, Version::OpenApi3) else {
                        continue;
                    };
                    let len = pointer.len();
                    push_token(pointer, key);
                    match shape {
                        Shape::One(k) | Shape::List(k) => self.visit(child, k, pointer)?,
                        Shape::Map(k) => {
                            if let Value::Object(entries) = child {
                                let at = pointer.len();
                                for (name, entry) in entries.iter_mut() {
                                    push_token(pointer, name);
                                    self.visit(entry, k, pointer)?;
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
                for (i, item) in items.iter_mut().enumerate() {
                    use std::fmt::Write as _;
                    let _ = write!(pointer, "/{i}");
                    self.visit(item, kind, pointer)?;
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The pointer as the user's document has it: a copy's name replaced by its origin.
    fn place(&self, pointer: &str) -> String {
        let Some(rest) = pointer.strip_prefix("/components/schemas/") else {
            return pointer.to_owned();
        };
        let (name, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        match self.copied_from.get(name) {
            Some(origin) => format!("{origin}{tail}"),
            None => pointer.to_owned(),
        }
    }

    fn note(&mut self, pointer: &str, keyword: &str, what: String) {
        let place = self.place(pointer);
        self.notes.push(format!("{place}/{keyword}: {what}"));
    }

    fn schema(&mut self, map: &mut Map<String, Value>, pointer: &str) -> Result<()> {
        if let Some(ty) = map.get("type") {
            let fine = match ty {
                Value::String(_) => true,
                Value::Array(items) => items.iter().all(Value::is_string),
                _ => false,
            };
            if !fine {
                let place = self.place(pointer);
                return Err(Error::invalid(
                    self.file,
                    &format!("{place}/type"),
                    format!(
                        "a schema's `type` must be a string (or a list of strings), not {}",
                        describe(ty)
                    ),
                ));
            }
        }
        for &keyword in STRINGS {
            if let Some(value) = map.get(keyword)
                && !value.is_string()
            {
                let what = format!("{} where a string belongs; dropped", describe(value));
                map.remove(keyword);
                self.note(pointer, keyword, what);
            }
        }
        for &keyword in BOOLEANS {
            let Some(value) = map.get(keyword) else {
                continue;
            };
            let repaired = match value {
                Value::Bool(_) => continue,
                Value::String(s) if s == "true" => Some(Value::Bool(true)),
                Value::String(s) if s == "false" => Some(Value::Bool(false)),
                _ => None,
            };
            self.replace(map, pointer, keyword, repaired, "a boolean");
        }
        for &keyword in COUNTS {
            let Some(value) = map.get(keyword) else {
                continue;
            };
            if value.is_u64() {
                continue;
            }
            let repaired = number_in(value)
                .filter(|n| *n >= 0.0 && n.fract() == 0.0 && *n <= u32::MAX as f64)
                .map(|n| Value::from(n as u64));
            self.replace(map, pointer, keyword, repaired, "a count");
        }
        for &keyword in NUMBERS {
            let Some(value) = map.get(keyword) else {
                continue;
            };
            if value.is_number() {
                continue;
            }
            let repaired = number_in(value).and_then(|n| {
                if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    Some(Value::from(n as i64))
                } else {
                    serde_json::Number::from_f64(n).map(Value::Number)
                }
            });
            self.replace(map, pointer, keyword, repaired, "a number");
        }
        if let Some(value) = map.get("enum")
            && !value.is_array()
        {
            let what = format!("{} where a list belongs; dropped", describe(value));
            map.remove("enum");
            self.note(pointer, "enum", what);
        }
        self.required(map, pointer);
        Ok(())
    }

    /// Puts `repaired` in place of a wrong-typed `keyword`, or drops the keyword.
    fn replace(
        &mut self,
        map: &mut Map<String, Value>,
        pointer: &str,
        keyword: &str,
        repaired: Option<Value>,
        belongs: &str,
    ) {
        let Some(old) = map.remove(keyword) else {
            return;
        };
        let what = match repaired {
            Some(new) => {
                let what = format!("{} where {belongs} belongs; read as {new}", describe(&old));
                map.insert(keyword.to_owned(), new);
                what
            }
            None => format!("{} where {belongs} belongs; dropped", describe(&old)),
        };
        self.note(pointer, keyword, what);
    }

    /// `required: true` on a property joins the object's `required` list; any other
    /// `required` that is not a list of strings is dropped (its strings kept).
    fn required(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let mut promoted = Vec::new();
        if let Some(Value::Object(properties)) = map.get_mut("properties") {
            for (name, property) in properties.iter_mut() {
                let Some(property) = property.as_object_mut() else {
                    continue;
                };
                if let Some(Value::Bool(required)) = property.get("required") {
                    if *required {
                        promoted.push(name.clone());
                    }
                    property.remove("required");
                    let mut at = format!("{pointer}/properties");
                    push_token(&mut at, name);
                    let what = if promoted.last() == Some(name) {
                        "`true` on a property (Swagger 2.0's habit); listed in the object's \
                         `required` instead"
                    } else {
                        "`false` on a property; dropped (properties are optional unless listed)"
                    };
                    self.note(&at, "required", what.to_owned());
                }
            }
        }
        match map.get_mut("required") {
            None if promoted.is_empty() => {}
            None => {
                map.insert(
                    "required".to_owned(),
                    Value::Array(promoted.into_iter().map(Value::String).collect()),
                );
            }
            Some(Value::Array(list)) => {
                let before = list.len();
                list.retain(Value::is_string);
                if list.len() != before {
                    self.note(
                        pointer,
                        "required",
                        format!("{} entries that are not names dropped", before - list.len()),
                    );
                }
                for name in promoted {
                    if !list.iter().any(|v| v.as_str() == Some(&name)) {
                        list.push(Value::String(name));
                    }
                }
            }
            Some(other) => {
                let what = format!("{} where a list of names belongs; dropped", describe(other));
                if promoted.is_empty() {
                    map.remove("required");
                } else {
                    *other = Value::Array(promoted.into_iter().map(Value::String).collect());
                }
                self.note(pointer, "required", what);
            }
        }
    }
}

/// A number, or a string holding one.
fn number_in(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

/// `an object`, `the number 0`, `the string "x"`: for notes and errors.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn run(mut doc: Value) -> (Value, Vec<String>) {
        let notes = repair(&mut doc, "doc.json", &BTreeMap::new()).expect("repairable");
        (doc, notes)
    }

    #[test]
    fn wrong_typed_keywords_are_read_or_dropped() {
        // api.video writes `pattern: 0`.
        let (doc, notes) = run(json!({
            "openapi": "3.0.3", "paths": {},
            "components": {"schemas": {"P": {"type": "object", "properties": {
                "timecode": {"type": "string", "pattern": 0},
                "name": {"type": "string", "maxLength": "64", "nullable": "true"},
                "size": {"type": "integer", "minimum": "1.5", "maximum": {"x": 1}}
            }}}}
        }));
        let props = &doc["components"]["schemas"]["P"]["properties"];
        assert_eq!(props["timecode"], json!({"type": "string"}));
        assert_eq!(props["name"]["maxLength"], 64);
        assert_eq!(props["name"]["nullable"], true);
        assert_eq!(props["size"]["minimum"], 1.5);
        assert!(props["size"].get("maximum").is_none());
        assert_eq!(notes.len(), 5, "{notes:?}");
        assert!(
            notes[0].starts_with("/components/schemas/P/properties/timecode/pattern: the number 0"),
            "{notes:?}"
        );
    }

    #[test]
    fn required_true_on_a_property_joins_the_object_list() {
        let (doc, notes) = run(json!({
            "openapi": "3.0.3", "paths": {},
            "components": {"schemas": {"O": {"type": "object", "required": ["a"], "properties": {
                "a": {"type": "string"},
                "b": {"type": "string", "required": true},
                "c": {"type": "string", "required": false}
            }}}}
        }));
        let o = &doc["components"]["schemas"]["O"];
        assert_eq!(o["required"], json!(["a", "b"]));
        assert!(o["properties"]["b"].get("required").is_none());
        assert!(o["properties"]["c"].get("required").is_none());
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn a_type_that_is_an_object_is_an_error_at_the_place_it_was_copied_from() {
        // codat.io's accounting document nests a schema under `type`; `local_refs` copied
        // it to `Item_definitions_itemType`.
        let mut doc = json!({
            "openapi": "3.0.3", "paths": {},
            "components": {"schemas": {"Item_definitions_itemType": {
                "type": {"type": "string", "enum": ["A"]}
            }}}
        });
        let copied = BTreeMap::from([(
            "Item_definitions_itemType".to_owned(),
            "/components/schemas/Item/definitions/itemType".to_owned(),
        )]);
        let err = repair(&mut doc, "doc.json", &copied)
            .expect_err("no type")
            .to_string();
        assert!(
            err.starts_with("doc.json#/components/schemas/Item/definitions/itemType/type:"),
            "{err}"
        );
        assert!(err.contains("not an object"), "{err}");
    }

    #[test]
    fn well_typed_schemas_are_untouched() {
        let before = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query",
                "schema": {"type": "string", "pattern": "^a", "maxLength": 3}}],
                "responses": {"200": {"description": "ok"}}}}},
            "components": {"schemas": {"O": {"type": ["string", "null"], "enum": ["a"],
                "required": ["x"], "minimum": 0, "exclusiveMinimum": true}}}
        });
        let (after, notes) = run(before.clone());
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(after, before);
    }
}
