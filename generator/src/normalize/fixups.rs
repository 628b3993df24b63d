//! Named fixups: vendor fixes that are patterns over many operations, too repetitive to
//! write as overlay actions. A vendor's settings select them by name. Each says which
//! upstream defect it repairs, and fails when it no longer finds anything to fix, so it
//! dies when the vendor repairs the document.

use serde_json::Value;

use crate::error::{Error, Location, Result};

/// HTTP methods that can carry an operation in a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A fixup's name and the defect it repairs (for `--explain` and docs).
#[derive(Debug, Clone, Copy)]
pub struct FixupInfo {
    /// The name used in settings.
    pub name: &'static str,
    /// Upstream defect or deliberate adjustment it makes.
    pub repairs: &'static str,
}

/// Every named fixup the generator knows.
pub const FIXUPS: &[FixupInfo] = &[
    FixupInfo {
        name: "eve-operation-ids",
        repairs: "upstream defect: eve-swagger writes collection operationIds as `get/v1/things` \
                  (with `/`) and item ones as `getThingItem`; renames them to \
                  list_things / create_things / get_thing / replace_thing / update_thing / delete_thing",
    },
    FixupInfo {
        name: "eve-no-collection-delete",
        repairs: "deliberate adjustment: eve-swagger exposes `DELETE /v1/things`, which deletes \
                  every document of a resource; a client should not offer it one typo away from \
                  deleting a single item",
    },
];

/// Applies the fixup called `name`. `settings_file` locates the declaration in errors.
pub fn apply(name: &str, doc: &mut Value, settings_file: &str) -> Result<Vec<String>> {
    let notes = match name {
        "eve-operation-ids" => eve_operation_ids(doc),
        "eve-no-collection-delete" => eve_no_collection_delete(doc),
        _ => {
            let known: Vec<&str> = FIXUPS.iter().map(|f| f.name).collect();
            return Err(Error::Settings {
                location: Location::new(settings_file, "/fixes/fixups"),
                message: format!("unknown fixup `{name}`; known fixups: {}", known.join(", ")),
            });
        }
    };
    if notes.is_empty() {
        return Err(Error::FixNotApplied {
            fix: name.to_owned(),
            location: Location::new(settings_file, "/fixes/fixups"),
            message: "it found nothing to fix: the vendor may have repaired the document; \
                      remove the fixup from the settings"
                .to_owned(),
        });
    }
    Ok(notes)
}

/// Calls `f(path, method, operation)` for every operation, in document order.
fn for_each_operation(doc: &mut Value, mut f: impl FnMut(&str, &str, &mut Value)) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if METHODS.contains(&method.as_str()) {
                f(path, method, op);
            }
        }
    }
}

/// The Eve resource path of a collection operationId `get/v1/kube/things` → `kube_things`.
fn eve_collection_name(id: &str, method: &str) -> Option<String> {
    let rest = id.strip_prefix(method)?.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let (version, resource) = segments.split_first()?;
    if !version.starts_with('v') || resource.is_empty() {
        return None;
    }
    Some(resource.join("_"))
}

fn eve_operation_ids(doc: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    for_each_operation(doc, |path, method, op| {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            return;
        };
        let renamed = if let Some(resource) = eve_collection_name(id, method) {
            match method {
                "get" => Some(format!("list_{resource}")),
                "post" => Some(format!("create_{resource}")),
                "delete" => Some(format!("delete_all_{resource}")),
                _ => None,
            }
        } else if let Some(name) = id
            .strip_prefix(method)
            .and_then(|rest| rest.strip_suffix("Item"))
            .filter(|name| !name.is_empty())
        {
            let verb = match method {
                "get" => Some("get"),
                "put" => Some("replace"),
                "patch" => Some("update"),
                "delete" => Some("delete"),
                _ => None,
            };
            verb.map(|verb| format!("{verb}_{}", heck::ToSnakeCase::to_snake_case(name)))
        } else {
            None
        };
        if let Some(new_id) = renamed {
            notes.push(format!(
                "{} {path}: operationId `{id}` renamed `{new_id}`",
                method.to_uppercase()
            ));
            op["operationId"] = Value::String(new_id);
        }
    });
    notes
}

fn eve_no_collection_delete(doc: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return notes;
    };
    for (path, item) in paths.iter_mut() {
        let is_collection = !path.trim_end_matches('/').ends_with('}');
        if !is_collection {
            continue;
        }
        if let Some(item) = item.as_object_mut() {
            if item.remove("delete").is_some() {
                notes.push(format!("DELETE {path}: collection delete removed"));
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"paths": {
            "/v1/kubeclusters": {
                "get": {"operationId": "get/v1/kubeclusters"},
                "post": {"operationId": "post/v1/kubeclusters"},
                "delete": {"operationId": "delete/v1/kubeclusters"}
            },
            "/v1/kubeclusters/{kubeclusterId}": {
                "get": {"operationId": "getKubeclusterItem"},
                "put": {"operationId": "putKubeclusterItem"},
                "patch": {"operationId": "patchKubeclusterItem"},
                "delete": {"operationId": "deleteKubeclusterItem"}
            },
            "/v1/rbac/permissions": {"get": {"operationId": "get/v1/rbac/permissions"}},
            "/v1/usergroups/{id}/action/update-acls": {"post": {"operationId": "updateUserGroupACL"}}
        }})
    }

    #[test]
    fn eve_ids_are_renamed() {
        let mut d = doc();
        let notes = apply("eve-operation-ids", &mut d, "s.toml").expect("applies");
        assert_eq!(notes.len(), 8);
        let ids: Vec<&str> = [
            ("/v1/kubeclusters", "get"),
            ("/v1/kubeclusters", "post"),
            ("/v1/kubeclusters", "delete"),
            ("/v1/kubeclusters/{kubeclusterId}", "get"),
            ("/v1/kubeclusters/{kubeclusterId}", "put"),
            ("/v1/kubeclusters/{kubeclusterId}", "patch"),
            ("/v1/kubeclusters/{kubeclusterId}", "delete"),
            ("/v1/rbac/permissions", "get"),
            ("/v1/usergroups/{id}/action/update-acls", "post"),
        ]
        .iter()
        .map(|(p, m)| d["paths"][p][m]["operationId"].as_str().unwrap_or_default())
        .collect();
        assert_eq!(
            ids,
            [
                "list_kubeclusters",
                "create_kubeclusters",
                "delete_all_kubeclusters",
                "get_kubecluster",
                "replace_kubecluster",
                "update_kubecluster",
                "delete_kubecluster",
                "list_rbac_permissions",
                "updateUserGroupACL"
            ]
        );
    }

    #[test]
    fn collection_delete_is_removed() {
        let mut d = doc();
        let notes = apply("eve-no-collection-delete", &mut d, "s.toml").expect("applies");
        assert_eq!(
            notes,
            ["DELETE /v1/kubeclusters: collection delete removed"]
        );
        assert!(d["paths"]["/v1/kubeclusters/{kubeclusterId}"]["delete"].is_object());
    }

    #[test]
    fn a_fixup_with_nothing_to_fix_fails_loudly() {
        let mut d = json!({"paths": {"/x": {"get": {"operationId": "listX"}}}});
        let err = apply("eve-operation-ids", &mut d, "specs/v/settings.toml").expect_err("stale");
        let text = err.to_string();
        assert!(text.contains("eve-operation-ids"), "{text}");
        assert!(text.contains("specs/v/settings.toml"), "{text}");
    }

    #[test]
    fn unknown_fixup_lists_known_ones() {
        let err = apply("nope", &mut doc(), "s.toml").expect_err("unknown");
        assert!(err.to_string().contains("eve-operation-ids"));
    }
}
