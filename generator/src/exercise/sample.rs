//! Sample JSON values for schemas of the (normalized) document: the smallest value the
//! schema accepts that still exercises its shape — required properties only, one array
//! item, the first enum value, a value inside `minimum`/`maximum` and
//! `minLength`/`maxLength`, a well-formed value for known string formats. Cycles and
//! very deep schemas stop at a depth limit with the emptiest value of the right type.

use serde_json::{Map, Value, json};

/// How deep a sample nests before it is cut short.
const MAX_DEPTH: usize = 12;

/// Builds samples for schemas of one document.
#[derive(Debug)]
pub struct Sampler<'d> {
    doc: &'d Value,
}

impl<'d> Sampler<'d> {
    /// Samples schemas of `doc`; `$ref`s are resolved inside it.
    pub fn new(doc: &'d Value) -> Self {
        Self { doc }
    }

    /// Follows `$ref` chains (at most 32 links) to the schema itself.
    pub fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        resolve_in(self.doc, schema)
    }

    /// A sample value for `schema`.
    pub fn sample(&self, schema: &Value) -> Value {
        self.at(schema, 0)
    }

    fn at(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if let Some(value) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|values| values.iter().find(|v| !v.is_null()))
        {
            return value.clone();
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            let mut other = None;
            for part in parts {
                match self.at(part, depth + 1) {
                    Value::Object(fields) => merged.extend(fields),
                    value => other = Some(value),
                }
            }
            return match other {
                Some(value) if merged.is_empty() => value,
                _ => self.add_own_properties(schema, merged, depth),
            };
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = schema
                .get(key)
                .and_then(Value::as_array)
                .and_then(|alts| alts.iter().find(|alt| !is_null_schema(self.resolve(alt))))
            {
                return self.at(first, depth + 1);
            }
        }
        let kind = schema.get("type").and_then(Value::as_str);
        match kind {
            Some("string") => string_sample(schema),
            Some("integer") => integer_sample(schema),
            Some("number") => number_sample(schema),
            Some("boolean") => Value::Bool(true),
            Some("array") => {
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let max = schema.get("maxItems").and_then(Value::as_u64);
                if depth >= MAX_DEPTH || max == Some(0) {
                    return json!([]);
                }
                let count = min.clamp(1, 3);
                let item = schema
                    .get("items")
                    .map_or(json!("sample"), |items| self.at(items, depth + 1));
                Value::Array((0..count).map(|_| item.clone()).collect())
            }
            Some("object") | None if schema.get("properties").is_some() || kind.is_some() => {
                self.add_own_properties(schema, Map::new(), depth)
            }
            _ => json!({}),
        }
    }

    /// `fields` plus a sample of each required property of `schema`.
    fn add_own_properties(
        &self,
        schema: &Value,
        mut fields: Map<String, Value>,
        depth: usize,
    ) -> Value {
        if depth >= MAX_DEPTH {
            return Value::Object(fields);
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let required = schema.get("required").and_then(Value::as_array);
        for name in required.into_iter().flatten().filter_map(Value::as_str) {
            let property = properties.and_then(|p| p.get(name));
            let read_only = property
                .map(|p| self.resolve(p))
                .and_then(|p| p.get("readOnly"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if read_only {
                continue;
            }
            let value = property.map_or(json!("sample"), |p| self.at(p, depth + 1));
            fields.insert(name.to_owned(), value);
        }
        let min = schema
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if (fields.len() as u64) < min {
            if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                let value = self.at(extra, depth + 1);
                while (fields.len() as u64) < min {
                    fields.insert(format!("key{}", fields.len()), value.clone());
                }
            }
        }
        Value::Object(fields)
    }
}

/// Follows `$ref` chains inside `doc` (at most 32 links) to the schema itself; a
/// reference to nothing is `null`.
pub(crate) fn resolve_in<'s>(doc: &'s Value, mut schema: &'s Value) -> &'s Value {
    for _ in 0..32 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return schema;
        };
        match reference
            .strip_prefix('#')
            .and_then(|pointer| doc.pointer(pointer))
        {
            Some(target) => schema = target,
            None => return &Value::Null,
        }
    }
    schema
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

fn string_sample(schema: &Value) -> Value {
    let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
    let text = match format {
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" => "user@example.com",
        "uri" | "url" | "uri-reference" => "https://example.com/sample",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "c2FtcGxl",
        "duration" => "PT1S",
        _ => {
            // The document's example first (vendors' patterns can be beyond the simple
            // builder), else a string built from the pattern.
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                if let Some(example) = schema.get("example").filter(|e| e.is_string()) {
                    return example.clone();
                }
                if let Some(mut text) = super::pattern::sample(pattern) {
                    // A pattern open at its end (`^[A-Za-z0-9]`) still matches when the
                    // string grows to `minLength`.
                    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
                    if !pattern.trim_end().ends_with('$') {
                        while text.chars().count() < min {
                            text.push('x');
                        }
                    }
                    return Value::String(text);
                }
            }
            "sample"
        }
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let mut text = text.to_owned();
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = max {
        text = text.chars().take(max.max(min)).collect();
    }
    Value::String(text)
}

fn bounds(schema: &Value) -> (Option<f64>, Option<f64>) {
    let bound = |key: &str, exclusive: &str, step: f64| {
        let value = schema.get(key).and_then(Value::as_f64)?;
        let excluded = schema
            .get(exclusive)
            .and_then(Value::as_bool)
            .unwrap_or(false);
        Some(if excluded { value + step } else { value })
    };
    (
        bound("minimum", "exclusiveMinimum", 1.0),
        bound("maximum", "exclusiveMaximum", -1.0),
    )
}

fn integer_sample(schema: &Value) -> Value {
    let (min, max) = bounds(schema);
    let mut value = 1.0_f64;
    if let Some(min) = min {
        value = value.max(min.ceil());
    }
    if let Some(max) = max {
        value = value.min(max.floor());
    }
    if let Some(step) = schema
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|s| *s >= 1.0)
    {
        value = (value / step).ceil() * step;
    }
    json!(value as i64)
}

fn number_sample(schema: &Value) -> Value {
    let (min, max) = bounds(schema);
    let mut value = 1.0_f64;
    if let Some(min) = min {
        value = value.max(min);
    }
    if let Some(max) = max {
        value = value.min(max);
    }
    json!(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_respect_the_schema() {
        let doc = json!({
            "components": {"schemas": {
                "Node": {"type": "object", "required": ["name", "child", "id"], "properties": {
                    "id": {"type": "string", "readOnly": true},
                    "name": {"type": "string", "minLength": 8, "maxLength": 9},
                    "child": {"$ref": "#/components/schemas/Node"},
                    "note": {"type": "string"}
                }},
                "Kind": {"type": "string", "enum": [null, "b", "c"]}
            }}
        });
        let sampler = Sampler::new(&doc);
        let node = sampler.sample(&json!({"$ref": "#/components/schemas/Node"}));
        assert_eq!(node["name"], json!("samplexx"));
        assert!(
            node.get("note").is_none(),
            "optional properties are left out"
        );
        assert!(
            node.get("id").is_none(),
            "read-only properties are left out"
        );
        assert!(
            node["child"]["child"].is_object(),
            "recursion is cut, not infinite"
        );
        assert_eq!(
            sampler.sample(&json!({"$ref": "#/components/schemas/Kind"})),
            json!("b")
        );
        assert_eq!(
            sampler.sample(&json!({"type": "integer", "minimum": 5})),
            json!(5)
        );
        assert_eq!(
            sampler.sample(&json!({"type": "integer", "maximum": 0, "exclusiveMaximum": true})),
            json!(-1)
        );
        assert_eq!(
            sampler
                .sample(&json!({"type": "array", "items": {"type": "string", "format": "uuid"}})),
            json!(["3fa85f64-5717-4562-b3fc-2c963f66afa6"])
        );
        assert_eq!(
            sampler.sample(&json!({"oneOf": [{"type": "null"}, {"type": "boolean"}]})),
            json!(true)
        );
        assert_eq!(sampler.sample(&json!({"$ref": "#/nowhere"})), json!({}));
    }
}
