//! Automatic repair of operationIds: every operation gets one (synthesized from method and
//! path when missing or blank), and duplicates are made unique deterministically (document
//! order: the first keeps its id). Identifier safety is the sanitizer's job, later.

use std::collections::BTreeSet;

use serde_json::Value;

use super::fixups::METHODS;

/// `GET /v1/things/{id}` → `get_v1_things_id`.
fn synthesize(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.push_str(segment.trim_start_matches('{').trim_end_matches('}'));
    }
    id
}

/// Ensures every operation has a unique operationId; returns a note per change.
pub fn ensure_unique(doc: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    let mut seen = BTreeSet::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return notes;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) || !op.is_object() {
                continue;
            }
            let current = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            let base = match &current {
                Some(id) => id.clone(),
                None => synthesize(method, path),
            };
            let mut id = base.clone();
            let mut n = 2;
            while !seen.insert(id.clone()) {
                id = format!("{base}_{n}");
                n += 1;
            }
            if current.as_deref() != Some(id.as_str()) {
                let why = if current.is_none() {
                    "missing"
                } else {
                    "duplicate"
                };
                notes.push(format!(
                    "{} {path}: operationId {why}, now `{id}`",
                    method.to_uppercase()
                ));
                op["operationId"] = Value::String(id);
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_and_duplicate_ids_are_repaired() {
        let mut doc = json!({"paths": {
            "/v1/things/{id}": {"get": {}, "put": {"operationId": "  "}},
            "/a": {"get": {"operationId": "dup"}},
            "/b": {"get": {"operationId": "dup"}}
        }});
        let notes = ensure_unique(&mut doc);
        assert_eq!(
            doc["paths"]["/v1/things/{id}"]["get"]["operationId"],
            "get_v1_things_id"
        );
        assert_eq!(
            doc["paths"]["/v1/things/{id}"]["put"]["operationId"],
            "put_v1_things_id"
        );
        assert_eq!(doc["paths"]["/a"]["get"]["operationId"], "dup");
        assert_eq!(doc["paths"]["/b"]["get"]["operationId"], "dup_2");
        assert_eq!(notes.len(), 3);
    }
}
