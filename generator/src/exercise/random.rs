//! Random JSON values valid against a schema of the (normalized) document, for the
//! round-trip property test of generated models: optional properties present or not,
//! `null` where the schema allows it, any enum value and sometimes one the document does
//! not list (a value added by the vendor later), values added beyond the declared
//! properties, every `oneOf` branch, discriminator tags set to match their branch, and
//! strings of each known format. Read-only properties are left out: a client never sends
//! them back, so they do not survive a round trip by design.
//!
//! Deterministic for a seed (a small SplitMix64 generator, no dependency), so a failure
//! names the seed that reproduces it.

use serde_json::{Map, Number, Value, json};

use super::sample::resolve_in;

/// Beyond this depth optional properties and array items are left out, so recursive
/// schemas end.
const SHALLOW: usize = 3;

/// Hard stop for the nesting of required properties.
const MAX_DEPTH: usize = 24;

/// Generates random values for schemas of one document.
#[derive(Debug, Clone)]
pub struct RandomSampler<'d> {
    doc: &'d Value,
    state: u64,
}

impl<'d> RandomSampler<'d> {
    /// A generator over `doc` (for `$ref`s) seeded with `seed`.
    pub fn new(doc: &'d Value, seed: u64) -> Self {
        Self {
            doc,
            state: seed ^ 0x9e37_79b9_7f4a_7c15,
        }
    }

    /// A random value valid against `schema`.
    pub fn sample(&mut self, schema: &Value) -> Value {
        self.at(schema, 0)
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `1 / n`.
    fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    fn at(&mut self, schema: &Value, depth: usize) -> Value {
        let doc = self.doc;
        let schema = resolve_in(doc, schema);
        if schema.get("nullable").and_then(Value::as_bool) == Some(true) && self.one_in(6) {
            return Value::Null;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return self.enum_value(schema, values);
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            let mut other = None;
            for part in parts {
                match self.at(part, depth + 1) {
                    Value::Object(fields) => {
                        for (k, v) in fields {
                            merged.entry(k).or_insert(v);
                        }
                    }
                    value => other = Some(value),
                }
            }
            return match other {
                Some(value) if merged.is_empty() => value,
                _ => self.object(schema, merged, depth),
            };
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(parts) = schema.get(key).and_then(Value::as_array) {
                if parts.is_empty() {
                    break;
                }
                let index = self.below(parts.len() as u64) as usize;
                let part = &parts[index];
                let mut value = self.at(part, depth + 1);
                if let Some(property) = schema
                    .pointer("/discriminator/propertyName")
                    .and_then(Value::as_str)
                {
                    let tag = discriminator_tag(schema, part);
                    if let (Value::Object(fields), Some(tag)) = (&mut value, tag) {
                        fields.insert(property.to_owned(), Value::String(tag));
                    }
                }
                return value;
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => self.string(schema),
            Some("integer") => self.integer(schema),
            Some("number") => self.number(schema),
            Some("boolean") => Value::Bool(self.one_in(2)),
            Some("array") => {
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let max = schema.get("maxItems").and_then(Value::as_u64).unwrap_or(3);
                let count = if depth >= SHALLOW {
                    min
                } else {
                    min + self.below(max.saturating_sub(min).min(3) + 1)
                };
                let any = json!({});
                let items = schema.get("items").unwrap_or(&any);
                Value::Array((0..count).map(|_| self.at(items, depth + 1)).collect())
            }
            Some("object") => self.object(schema, Map::new(), depth),
            None if schema.get("properties").is_some() => self.object(schema, Map::new(), depth),
            // No type: any value; a small one.
            _ => match self.below(4) {
                0 => json!("any"),
                1 => json!(7),
                2 => json!({"k": [true]}),
                _ => json!(null),
            },
        }
    }

    /// An enum value; sometimes (open enums of several values) one the document does not
    /// list. An enum of one value is a tag and stays closed.
    fn enum_value(&mut self, schema: &Value, values: &[Value]) -> Value {
        let known: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        if known.is_empty() {
            return Value::Null;
        }
        if known.len() > 1 && self.one_in(8) {
            match schema.get("type").and_then(Value::as_str) {
                Some("string") => return json!("value-added-later"),
                Some("integer") => return json!(987_654),
                _ => {}
            }
        }
        known[self.below(known.len() as u64) as usize].clone()
    }

    fn object(&mut self, schema: &Value, mut fields: Map<String, Value>, depth: usize) -> Value {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                if fields.contains_key(name) {
                    continue;
                }
                let resolved = resolve_in(self.doc, property);
                let read_only = resolved.get("readOnly").and_then(Value::as_bool) == Some(true)
                    || property.get("readOnly").and_then(Value::as_bool) == Some(true);
                if read_only {
                    continue;
                }
                let wanted =
                    required.contains(&name.as_str()) || (depth < SHALLOW && self.one_in(2));
                if wanted && depth < MAX_DEPTH {
                    let value = self.at(property, depth + 1);
                    fields.insert(name.clone(), value);
                }
            }
        }
        match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => {}
            Some(extra) if depth < SHALLOW => {
                let extra = if extra.is_object() {
                    extra.clone()
                } else {
                    json!({})
                };
                for i in 0..self.below(3) {
                    let value = self.at(&extra, depth + 1);
                    fields.insert(format!("zz_extra_{i}"), value);
                }
            }
            // Nothing said: a property this version does not know, now and then.
            None if depth < SHALLOW && self.one_in(3) => {
                fields.insert("zz_added_later".to_owned(), json!({"n": [1, "two"]}));
            }
            _ => {}
        }
        Value::Object(fields)
    }

    fn string(&mut self, schema: &Value) -> Value {
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        let n = self.next();
        let text = match format {
            "date-time" => {
                let offset = ["Z", "+02:00", "-05:30"][(n % 3) as usize];
                format!(
                    "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}{}{offset}",
                    n % 50,
                    1 + (n >> 8) % 12,
                    1 + (n >> 12) % 28,
                    (n >> 16) % 24,
                    (n >> 20) % 60,
                    (n >> 26) % 60,
                    if (n >> 32) % 2 == 0 { ".125" } else { "" }
                )
            }
            "date" => format!(
                "20{:02}-{:02}-{:02}",
                n % 50,
                1 + (n >> 8) % 12,
                1 + (n >> 12) % 28
            ),
            "uuid" => {
                let m = self.next();
                format!(
                    "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
                    n as u32,
                    (n >> 32) as u16,
                    (n >> 48) & 0xfff,
                    m & 0xfff,
                    (m >> 16) & 0xffff_ffff_ffff
                )
            }
            "byte" => ["", "AA==", "aGVsbG8=", "+/8AYQ=="][(n % 4) as usize].to_owned(),
            _ => {
                if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                    if let Some(example) = schema.get("example").filter(|e| e.is_string()) {
                        return example.clone();
                    }
                    if let Some(text) = super::pattern::sample(pattern) {
                        return Value::String(text);
                    }
                }
                let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
                let max = schema
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .unwrap_or(12);
                let len = min + self.below(max.saturating_sub(min).min(12) + 1);
                const CHARS: &[char] = &['a', 'Z', '7', '-', ' ', 'é', '"', '\\', '/', '✓'];
                (0..len)
                    .map(|_| CHARS[self.below(CHARS.len() as u64) as usize])
                    .collect()
            }
        };
        Value::String(text)
    }

    fn integer(&mut self, schema: &Value) -> Value {
        let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
        let (lo, hi): (i128, i128) = match format {
            "int32" => (i32::MIN.into(), i32::MAX.into()),
            "int8" | "int16" | "uint8" | "uint16" => (0, 255),
            "uint32" => (0, u32::MAX.into()),
            "uint64" | "uint" => (0, u64::MAX.into()),
            _ => (i64::MIN.into(), i64::MAX.into()),
        };
        let bound = |key: &str, exclusive: &str, step: i128, default: i128| {
            let Some(value) = schema.get(key).and_then(Value::as_f64) else {
                return default;
            };
            let value = value as i128;
            if schema.get(exclusive).and_then(Value::as_bool) == Some(true) {
                value + step
            } else {
                value
            }
        };
        let lo = bound("minimum", "exclusiveMinimum", 1, lo).max(lo);
        let hi = bound("maximum", "exclusiveMaximum", -1, hi).min(hi);
        if lo > hi {
            return json!(lo as i64);
        }
        // Small values mostly, the edges sometimes.
        let value = match self.below(4) {
            0 => lo,
            1 => hi,
            _ => (lo.max(-1000) + i128::from(self.below(2001))).clamp(lo, hi),
        };
        match u64::try_from(value) {
            Ok(v) => Value::Number(Number::from(v)),
            Err(_) => Value::Number(Number::from(value as i64)),
        }
    }

    fn number(&mut self, schema: &Value) -> Value {
        let lo = schema
            .get("minimum")
            .and_then(Value::as_f64)
            .unwrap_or(-1e6);
        let hi = schema.get("maximum").and_then(Value::as_f64).unwrap_or(1e6);
        // Quarters: exact in f32 and f64 alike, so a `float` field round-trips.
        let span = ((hi - lo) * 4.0).clamp(0.0, 8e6) as u64;
        let value = lo + self.below(span + 1) as f64 / 4.0;
        Number::from_f64(value.clamp(lo, hi)).map_or(json!(0), Value::Number)
    }
}

/// The tag naming `part` (a `$ref`) in the discriminator of `schema`: a mapping key
/// pointing to it, else the schema's name.
fn discriminator_tag(schema: &Value, part: &Value) -> Option<String> {
    let reference = part.get("$ref").and_then(Value::as_str)?;
    let name = reference.rsplit('/').next().unwrap_or(reference);
    if let Some(mapping) = schema
        .pointer("/discriminator/mapping")
        .and_then(Value::as_object)
    {
        if let Some((tag, _)) = mapping
            .iter()
            .find(|(_, target)| target.as_str() == Some(reference) || target.as_str() == Some(name))
        {
            return Some(tag.clone());
        }
    }
    Some(name.replace("~1", "/").replace("~0", "~"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_follow_the_schema_and_differ_by_seed() {
        let doc = json!({"components": {"schemas": {
            "Node": {"type": "object", "required": ["name"], "properties": {
                "id": {"type": "string", "readOnly": true},
                "name": {"type": "string", "minLength": 2, "maxLength": 4},
                "size": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 9},
                "at": {"type": "string", "format": "date-time"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            }}
        }}});
        let schema = json!({"$ref": "#/components/schemas/Node"});
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..64 {
            let value = RandomSampler::new(&doc, seed).sample(&schema);
            let name = value["name"].as_str().expect("name is required");
            assert!((2..=4).contains(&name.chars().count()), "{value}");
            assert!(value.get("id").is_none(), "read-only left out: {value}");
            if let Some(size) = value.get("size") {
                assert!(
                    (1..=9).contains(&size.as_i64().expect("integer")),
                    "{value}"
                );
            }
            if let Some(at) = value.get("at") {
                assert!(at.as_str().is_some_and(|t| t.len() >= 20), "{value}");
            }
            seen.insert(value.to_string());
        }
        assert!(
            seen.len() > 32,
            "seeds give different values: {}",
            seen.len()
        );
    }

    #[test]
    fn discriminated_branches_carry_their_tag() {
        let doc = json!({"components": {"schemas": {
            "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
            "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}}
        }}});
        let schema = json!({
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind", "mapping": {"c": "#/components/schemas/Cat"}}
        });
        let mut tags = std::collections::BTreeSet::new();
        for seed in 0..32 {
            let value = RandomSampler::new(&doc, seed).sample(&schema);
            tags.insert(value["kind"].as_str().expect("tag set").to_owned());
        }
        assert_eq!(tags.into_iter().collect::<Vec<_>>(), ["Dog", "c"]);
    }
}
