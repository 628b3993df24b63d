//! Mutations of a parsed document (a JSON tree), shared by the proptest smoke
//! (`tests/smoke.rs`) and the structured fuzz target (`fuzz/fuzz_targets/mutate.rs`):
//! delete keys, swap types, replace values with numbers, strings, arrays and objects,
//! rename keys, insert schema keywords, and break `$ref`s. Each mutation picks its node by
//! an index into the document's nodes in pre-order, so any `(op, node, arg)` triple is
//! valid for any document.

#![allow(dead_code)]

use serde_json::{Map, Value, json};

/// One mutation: what to do (`op`), where (`node`, an index into the nodes in pre-order,
/// taken modulo their number) and with what (`arg`, picks among candidates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mutation {
    /// The operation, modulo the number of kinds.
    pub op: u8,
    /// The node.
    pub node: u32,
    /// The argument.
    pub arg: u32,
}

/// Strings that mean something to an OpenAPI reader.
const STRINGS: &[&str] = &[
    "",
    "object",
    "array",
    "string",
    "integer",
    "number",
    "boolean",
    "null",
    "uint8",
    "int16",
    "uint64",
    "date-time",
    "binary",
    "#/components/schemas/Missing",
    "#/components/schemas/",
    "#/paths",
    "#",
    "other.yaml#/components/schemas/X",
    "application/json",
    "multipart/form-data",
    "text/plain",
    "{id}",
    "/things/{id}",
    "3.1.0",
    "2.0",
    "type",
    "self",
    "Self",
    "crate",
    "Result",
    "é-ü/~0~1",
    "a b",
    "123abc",
    "_",
    "-",
];

/// Keys worth inserting or renaming to.
const KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "enum",
    "nullable",
    "readOnly",
    "$ref",
    "discriminator",
    "default",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "schema",
    "in",
    "name",
    "style",
    "explode",
    "x-nullable",
    "const",
    "operationId",
    "tags",
];

fn values(arg: u32, doc: &Value) -> Value {
    let first_schema = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .and_then(|m| m.keys().next())
        .map(|k| format!("#/components/schemas/{k}"))
        .unwrap_or_else(|| "#/components/schemas/X".to_owned());
    let choices = [
        json!({}),
        json!([]),
        json!([{}]),
        json!({"type": "object", "additionalProperties": false}),
        json!({"type": "string", "enum": ["a", "A", "a-", "", "Unknown", null]}),
        json!({"type": "integer", "format": "uint8"}),
        json!({"type": "integer", "format": "weird", "enum": [1, 2]}),
        json!({"allOf": [{"type": "string"}]}),
        json!({"allOf": [{"$ref": first_schema}], "nullable": true}),
        json!({"oneOf": [{}]}),
        json!({"oneOf": [{"type": "object", "properties": {"type": {"type": "string", "enum": ["x"]}}}, {"type": "string"}]}),
        json!({"anyOf": [{"$ref": first_schema}, {"type": "null"}]}),
        json!({"$ref": first_schema}),
        json!({"$ref": "#/components/schemas/Missing"}),
        json!({"type": ["string", "null"]}),
        json!({"not": {}}),
        json!({"type": "array"}),
        json!({"type": "array", "items": {"$ref": first_schema}}),
        json!({"in": "cookie", "name": "c", "schema": {"type": "string"}}),
        json!({"in": "query", "name": "q", "schema": {"type": "object"}}),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(-1.5e300),
        json!(true),
        Value::Null,
    ];
    choices[arg as usize % choices.len()].clone()
}

/// JSON pointers of every node, in pre-order.
fn pointers(doc: &Value) -> Vec<String> {
    fn walk(v: &Value, here: &mut String, out: &mut Vec<String>) {
        out.push(here.clone());
        let len = here.len();
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    here.push('/');
                    here.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    walk(child, here, out);
                    here.truncate(len);
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    here.push('/');
                    here.push_str(&i.to_string());
                    walk(child, here, out);
                    here.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut String::new(), &mut out);
    out
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Removes the node at `pointer` from its parent (not the root).
fn delete(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    match doc.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.shift_remove(&unescape(last));
        }
        Some(Value::Array(a)) => {
            if let Ok(i) = last.parse::<usize>() {
                if i < a.len() {
                    a.remove(i);
                }
            }
        }
        _ => {}
    }
}

/// The number of mutation kinds.
pub const KINDS: u8 = 10;

/// Applies one mutation.
pub fn apply(doc: &mut Value, m: Mutation) {
    let all = pointers(doc);
    let pointer = all[m.node as usize % all.len()].clone();
    let arg = m.arg;
    match m.op % KINDS {
        0 => delete(doc, &pointer),
        1 => {
            let n = match arg % 4 {
                0 => json!(arg),
                1 => json!(-(i64::from(arg))),
                2 => json!(f64::from(arg) / 3.0),
                _ => json!(0),
            };
            set(doc, &pointer, n);
        }
        2 => set(doc, &pointer, json!(STRINGS[arg as usize % STRINGS.len()])),
        3 => {
            let old = doc.pointer(&pointer).cloned().unwrap_or(Value::Null);
            let v = match arg % 3 {
                0 => json!([old]),
                1 => json!({ "type": old }),
                _ => json!([]),
            };
            set(doc, &pointer, v);
        }
        4 => {
            let v = values(arg, doc);
            set(doc, &pointer, v);
        }
        5 => {
            // Swap in a copy of another node (types swap, subtrees move).
            let other = all[arg as usize % all.len()].clone();
            if let Some(v) = doc.pointer(&other).cloned() {
                set(doc, &pointer, v);
            }
        }
        6 => {
            // Break (or redirect) a `$ref`.
            let refs: Vec<&String> = all.iter().filter(|p| p.ends_with("/$ref")).collect();
            if let Some(p) = refs.get(arg as usize % refs.len().max(1)) {
                let p = (*p).clone();
                let target = match arg % 5 {
                    0 => "#/components/schemas/Missing".to_owned(),
                    1 => "other.yaml#/components/schemas/X".to_owned(),
                    2 => "#/paths".to_owned(),
                    3 => "#".to_owned(),
                    // A reference to the schema that holds it: a cycle.
                    _ => {
                        let parts: Vec<&str> = p.split('/').collect();
                        if parts.len() >= 4 {
                            format!("#{}", parts[..4].join("/"))
                        } else {
                            "#/components/schemas/Missing".to_owned()
                        }
                    }
                };
                set(doc, &p, json!(target));
            }
        }
        7 => {
            // Rename a key.
            if let Some(Value::Object(m)) = doc.pointer_mut(&pointer) {
                if !m.is_empty() {
                    let i = arg as usize % m.len();
                    let key = m.keys().nth(i).cloned().unwrap_or_default();
                    if let Some(v) = m.shift_remove(&key) {
                        m.insert(KEYS[(arg as usize / 7) % KEYS.len()].to_owned(), v);
                    }
                }
            }
        }
        8 => {
            // Insert a keyword.
            let v = values(arg / 3, doc);
            if let Some(Value::Object(m)) = doc.pointer_mut(&pointer) {
                m.insert(KEYS[arg as usize % KEYS.len()].to_owned(), v);
            }
        }
        _ => {
            // Duplicate an object's entries under a name differing only in case.
            if let Some(Value::Object(m)) = doc.pointer_mut(&pointer) {
                let copies: Map<String, Value> = m
                    .iter()
                    .take(3)
                    .map(|(k, v)| (k.to_uppercase(), v.clone()))
                    .collect();
                m.extend(copies);
            }
        }
    }
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = doc.pointer_mut(pointer) {
        *slot = value;
    }
}

/// Decodes mutations from fuzzer bytes: 5 bytes each (op, node as u16, arg as u16).
pub fn from_bytes(bytes: &[u8]) -> Vec<Mutation> {
    bytes
        .chunks_exact(5)
        .map(|c| Mutation {
            op: c[0],
            node: u32::from(u16::from_le_bytes([c[1], c[2]])),
            arg: u32::from(u16::from_le_bytes([c[3], c[4]])),
        })
        .collect()
}
