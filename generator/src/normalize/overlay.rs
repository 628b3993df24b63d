//! Applies an [OpenAPI Overlay 1.0] document to an OpenAPI document held as a
//! [`serde_json::Value`], so that vendor fixes are declared data instead of
//! hand-written code.
//!
//! This module owns three things: validating the overlay document itself, resolving each
//! action's RFC 9535 JSONPath `target`, and mutating the selected nodes. It knows nothing
//! about OpenAPI beyond that: the overlay may touch any part of the document.
//!
//! # Semantics
//!
//! * The overlay must have `overlay: 1.0.x`, an `info` object with string `title` and
//!   `version`, an optional string `extends` (informational only here) and a non-empty
//!   `actions` array. Unknown fields not starting with `x-` are rejected, as the published
//!   JSON Schema does (`unevaluatedProperties: false`); this also catches the 1.1 `copy` field.
//! * Actions are applied in order, each to the result of the previous one.
//! * Every action needs exactly one modifier: an `update` value, or `remove: true`. An
//!   action with neither would do nothing and one with both is ambiguous (the spec ignores
//!   `update` when `remove` is true); both are reported as errors instead.
//! * `remove: true` removes every selected node from the object or array that contains it.
//!   Array elements are removed in descending index order (and descendants before their
//!   ancestors), so one action can remove several elements of the same array. The root
//!   `$` cannot be removed.
//! * `update` is merged into every selected node. Overlay 1.0.0 only says the update's
//!   properties "replace properties in the target object with the same name"; we follow
//!   the recursive rules that Overlay 1.1.0 spelled out for the same operation:
//!   - selected object: `update` must be an object; a property only in the target is kept,
//!     a property only in the update is inserted, and for a property in both a primitive
//!     replaces a primitive, an array is concatenated to an array and an object is merged
//!     recursively into an object. Any other combination is an error (to change a
//!     property's kind, remove it in an earlier action and set it again).
//!   - selected array: an array `update` is concatenated to it; any other value is
//!     appended as one new element.
//!   - selected primitive (including `null`): a primitive `update` replaces it.
//!   - when several nodes are selected they must all be of one kind (objects, arrays or
//!     primitives), so an update meant for objects is never silently appended to an array.
//! * Selecting the same node twice (e.g. `$.tags[0,0]`) affects it once; `matched` in
//!   [`AppliedAction`] counts distinct nodes.
//! * A `target` that selects no node is an error ([`OverlayError::TargetNotFound`]): the
//!   spec allows it, but for vendor fixes it usually means the vendor fixed the document
//!   and the action should be deleted. Set the action-level extension
//!   **`x-allow-empty: true`** for deliberate adjustments that may legitimately match
//!   nothing (for example "add `nullable` to every schema that has property `x`").
//!
//! Application is all or nothing: the whole overlay is validated (including every JSONPath)
//! before anything is applied, and the actions run on a copy that replaces `document` only
//! when every action succeeded, so on error the document is unchanged. Results are
//! deterministic for a given document and overlay.
//!
//! [OpenAPI Overlay 1.0]: https://spec.openapis.org/overlay/v1.0.0.html

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use serde_json_path::{JsonPath, NormalizedPath, PathElement};

/// Action-level extension that turns "target matched nothing" from an error into a no-op.
pub const ALLOW_EMPTY_EXTENSION: &str = "x-allow-empty";

const ROOT_FIELDS: [&str; 4] = ["overlay", "info", "extends", "actions"];
const ACTION_FIELDS: [&str; 4] = ["target", "description", "update", "remove"];

/// One action's result, for the generator's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedAction {
    /// Position of the action in the overlay's `actions` array.
    pub index: usize,
    /// The action's `description`, if any.
    pub description: Option<String>,
    /// The action's JSONPath `target`, as written.
    pub target: String,
    /// Number of distinct nodes the target selected (0 only with `x-allow-empty: true`).
    pub matched: usize,
}

/// Why an overlay could not be applied. Every message starts with the overlay's display
/// name and gives the JSON pointer of the offending part of the overlay (such as
/// `/actions/3`).
#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    /// The overlay document itself is malformed (version, `info`, `actions`, unknown fields).
    #[error("{overlay}: not an Overlay 1.0 document: {}: {reason}", at(.pointer))]
    NotAnOverlay {
        /// The overlay file, as named in messages.
        overlay: String,
        /// JSON pointer into the overlay.
        pointer: String,
        /// What is wrong.
        reason: String,
    },
    /// An action object is malformed (missing target, no modifier or both, bad field types).
    #[error("{overlay}: invalid action {pointer}: {reason}")]
    InvalidAction {
        /// The overlay file, as named in messages.
        overlay: String,
        /// JSON pointer into the overlay.
        pointer: String,
        /// What is wrong.
        reason: String,
    },
    /// The action's `target` is not a valid RFC 9535 JSONPath query.
    #[error(
        "{overlay}: action {pointer}{}: invalid JSONPath target `{target}`: {message}",
        label(.description)
    )]
    InvalidTarget {
        /// The overlay file, as named in messages.
        overlay: String,
        /// JSON pointer into the overlay.
        pointer: String,
        /// The action's description.
        description: Option<String>,
        /// The JSONPath target.
        target: String,
        /// The JSONPath parser's message.
        message: String,
    },
    /// The `update` value cannot be merged into a selected node.
    #[error(
        "{overlay}: action {pointer}{}: cannot apply update at document location {}: {reason}",
        label(.description),
        at(.location)
    )]
    IncompatibleUpdate {
        /// The overlay file, as named in messages.
        overlay: String,
        /// JSON pointer into the overlay.
        pointer: String,
        /// The action's description.
        description: Option<String>,
        /// JSON pointer into the OpenAPI document where the conflict was found.
        /// JSON pointer into the OpenAPI document.
        location: String,
        /// What is wrong.
        reason: String,
    },
    /// `remove: true` with a target selecting the document root.
    #[error(
        "{overlay}: action {pointer}{}: target `{target}` selects the document root, which is not contained in an object or array and cannot be removed",
        label(.description)
    )]
    RemoveRoot {
        /// The overlay file, as named in messages.
        overlay: String,
        /// JSON pointer into the overlay.
        pointer: String,
        /// The action's description.
        description: Option<String>,
        /// The JSONPath target.
        target: String,
    },
    /// The target selected no node and the action does not carry `x-allow-empty: true`.
    #[error(
        "{overlay}: action {pointer}{} matched nothing: the vendor may have fixed the document; remove the action (target `{target}`; mark the action `x-allow-empty: true` if matching nothing is expected)",
        label(.description)
    )]
    TargetNotFound {
        /// The overlay file, as named in messages.
        overlay: String,
        /// JSON pointer into the overlay.
        pointer: String,
        /// The action's description.
        description: Option<String>,
        /// The JSONPath target.
        target: String,
    },
}

/// Applies `overlay` to `document`, returning one [`AppliedAction`] per action in order.
///
/// `overlay_name` is only used in error messages (for example the overlay's path). On
/// error `document` is left unchanged.
pub fn apply_overlay(
    document: &mut Value,
    overlay: &Value,
    overlay_name: &str,
) -> Result<Vec<AppliedAction>, OverlayError> {
    let actions = parse_overlay(overlay, overlay_name)?;
    let mut working = document.clone();
    let applied = actions
        .iter()
        .map(|action| action.apply(&mut working, overlay_name))
        .collect::<Result<Vec<_>, _>>()?;
    *document = working;
    Ok(applied)
}

// ---------------------------------------------------------------------------------------
// Parsing and validating the overlay document.
// ---------------------------------------------------------------------------------------

/// A validated action, with its JSONPath already parsed.
struct Action<'a> {
    index: usize,
    pointer: String,
    description: Option<&'a str>,
    target: &'a str,
    path: JsonPath,
    modifier: Modifier<'a>,
    allow_empty: bool,
}

enum Modifier<'a> {
    Update(&'a Value),
    Remove,
}

fn parse_overlay<'a>(overlay: &'a Value, name: &str) -> Result<Vec<Action<'a>>, OverlayError> {
    let root = overlay
        .as_object()
        .ok_or_else(|| not_an_overlay(name, "", "expected an object at the top level"))?;
    check_version(root, name)?;
    check_info(root, name)?;
    check_extends(root, name)?;
    check_unknown_fields(root, &ROOT_FIELDS).map_err(|field| {
        not_an_overlay(
            name,
            &format!("/{}", escape_pointer(field)),
            "unknown field (allowed: overlay, info, extends, actions and x- extensions)",
        )
    })?;
    let actions = action_list(root, name)?;
    actions
        .iter()
        .enumerate()
        .map(|(index, action)| parse_action(index, action, name))
        .collect()
}

fn check_version(root: &Map<String, Value>, name: &str) -> Result<(), OverlayError> {
    let version = match root.get("overlay") {
        None => return Err(not_an_overlay(name, "/overlay", "missing required field")),
        Some(Value::String(version)) => version,
        Some(other) => {
            let reason = format!(
                "expected a version string, found {}",
                crate::upgrade::kind_of(other)
            );
            return Err(not_an_overlay(name, "/overlay", &reason));
        }
    };
    if is_supported_version(version) {
        return Ok(());
    }
    let reason =
        format!("unsupported version `{version}` (this generator implements Overlay 1.0.x)");
    Err(not_an_overlay(name, "/overlay", &reason))
}

/// `1.0.N` with N a non-empty run of ASCII digits, as the 1.0 JSON Schema requires.
fn is_supported_version(version: &str) -> bool {
    version
        .strip_prefix("1.0.")
        .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

fn check_info(root: &Map<String, Value>, name: &str) -> Result<(), OverlayError> {
    let info = match root.get("info") {
        None => return Err(not_an_overlay(name, "/info", "missing required field")),
        Some(Value::Object(info)) => info,
        Some(other) => {
            let reason = format!(
                "expected an object, found {}",
                crate::upgrade::kind_of(other)
            );
            return Err(not_an_overlay(name, "/info", &reason));
        }
    };
    for field in ["title", "version"] {
        let pointer = format!("/info/{field}");
        match info.get(field) {
            Some(Value::String(_)) => {}
            None => return Err(not_an_overlay(name, &pointer, "missing required field")),
            Some(other) => {
                let reason = format!(
                    "expected a string, found {}",
                    crate::upgrade::kind_of(other)
                );
                return Err(not_an_overlay(name, &pointer, &reason));
            }
        }
    }
    Ok(())
}

fn check_extends(root: &Map<String, Value>, name: &str) -> Result<(), OverlayError> {
    match root.get("extends") {
        None | Some(Value::String(_)) => Ok(()),
        Some(other) => {
            let reason = format!(
                "expected a URI string, found {}",
                crate::upgrade::kind_of(other)
            );
            Err(not_an_overlay(name, "/extends", &reason))
        }
    }
}

fn action_list<'a>(root: &'a Map<String, Value>, name: &str) -> Result<&'a [Value], OverlayError> {
    match root.get("actions") {
        None => Err(not_an_overlay(name, "/actions", "missing required field")),
        Some(Value::Array(actions)) if actions.is_empty() => Err(not_an_overlay(
            name,
            "/actions",
            "must contain at least one action",
        )),
        Some(Value::Array(actions)) => Ok(actions),
        Some(other) => {
            let reason = format!(
                "expected an array of actions, found {}",
                crate::upgrade::kind_of(other)
            );
            Err(not_an_overlay(name, "/actions", &reason))
        }
    }
}

/// Returns the first field that is neither in `known` nor a `x-` extension.
fn check_unknown_fields<'a>(object: &'a Map<String, Value>, known: &[&str]) -> Result<(), &'a str> {
    match object
        .keys()
        .find(|key| !key.starts_with("x-") && !known.contains(&key.as_str()))
    {
        Some(field) => Err(field),
        None => Ok(()),
    }
}

fn parse_action<'a>(
    index: usize,
    action: &'a Value,
    name: &str,
) -> Result<Action<'a>, OverlayError> {
    let pointer = format!("/actions/{index}");
    let invalid = |reason: String| OverlayError::InvalidAction {
        overlay: name.to_owned(),
        pointer: pointer.clone(),
        reason,
    };
    let object = action.as_object().ok_or_else(|| {
        invalid(format!(
            "expected an object, found {}",
            crate::upgrade::kind_of(action)
        ))
    })?;
    check_unknown_fields(object, &ACTION_FIELDS).map_err(|field| {
        invalid(format!(
            "unknown field `{field}` (allowed: target, description, update, remove and x- extensions)"
        ))
    })?;
    let description = optional_string(object, "description").map_err(&invalid)?;
    let target = required_target(object).map_err(&invalid)?;
    let modifier = modifier(object).map_err(&invalid)?;
    let allow_empty = allow_empty(object).map_err(&invalid)?;
    let path = JsonPath::parse(target).map_err(|error| OverlayError::InvalidTarget {
        overlay: name.to_owned(),
        pointer: pointer.clone(),
        description: description.map(str::to_owned),
        target: target.to_owned(),
        message: error.to_string(),
    })?;
    Ok(Action {
        index,
        pointer,
        description,
        target,
        path,
        modifier,
        allow_empty,
    })
}

fn optional_string<'a>(
    object: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, String> {
    match object.get(field) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(format!(
            "`{field}` must be a string, found {}",
            crate::upgrade::kind_of(other)
        )),
    }
}

fn required_target(object: &Map<String, Value>) -> Result<&str, String> {
    optional_string(object, "target")?.ok_or_else(|| "missing required field `target`".to_owned())
}

fn modifier(object: &Map<String, Value>) -> Result<Modifier<'_>, String> {
    let remove = match object.get("remove") {
        None => false,
        Some(Value::Bool(remove)) => *remove,
        Some(other) => {
            return Err(format!(
                "`remove` must be a boolean, found {}",
                crate::upgrade::kind_of(other)
            ));
        }
    };
    match (object.get("update"), remove) {
        (Some(update), false) => Ok(Modifier::Update(update)),
        (None, true) => Ok(Modifier::Remove),
        (Some(_), true) => {
            Err("has both `update` and `remove: true`; use one modifier per action".to_owned())
        }
        (None, false) => {
            Err("has neither `update` nor `remove: true`, so it would do nothing".to_owned())
        }
    }
}

fn allow_empty(object: &Map<String, Value>) -> Result<bool, String> {
    match object.get(ALLOW_EMPTY_EXTENSION) {
        None => Ok(false),
        Some(Value::Bool(allow)) => Ok(*allow),
        Some(other) => Err(format!(
            "`{ALLOW_EMPTY_EXTENSION}` must be a boolean, found {}",
            crate::upgrade::kind_of(other)
        )),
    }
}

fn not_an_overlay(name: &str, pointer: &str, reason: &str) -> OverlayError {
    OverlayError::NotAnOverlay {
        overlay: name.to_owned(),
        pointer: pointer.to_owned(),
        reason: reason.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// Applying actions.
// ---------------------------------------------------------------------------------------

/// One step of a location in the document, owned so the document can be mutated after
/// the query that produced it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Segment {
    Key(String),
    Index(usize),
}

type Location = Vec<Segment>;

/// A merge conflict: where in the document, and why.
struct Conflict {
    location: String,
    reason: String,
}

impl Action<'_> {
    fn apply(&self, document: &mut Value, overlay: &str) -> Result<AppliedAction, OverlayError> {
        let locations = locate(document, &self.path);
        if locations.is_empty() && !self.allow_empty {
            return Err(OverlayError::TargetNotFound {
                overlay: overlay.to_owned(),
                pointer: self.pointer.clone(),
                description: self.owned_description(),
                target: self.target.to_owned(),
            });
        }
        match self.modifier {
            Modifier::Update(update) => apply_update(document, &locations, update)
                .map_err(|conflict| self.incompatible(overlay, conflict))?,
            Modifier::Remove => self.apply_remove(document, locations.clone(), overlay)?,
        }
        Ok(AppliedAction {
            index: self.index,
            description: self.owned_description(),
            target: self.target.to_owned(),
            matched: locations.len(),
        })
    }

    fn apply_remove(
        &self,
        document: &mut Value,
        mut locations: Vec<Location>,
        overlay: &str,
    ) -> Result<(), OverlayError> {
        // Descending order: higher array indices before lower ones, descendants before
        // their ancestors, so every remaining location stays valid.
        locations.sort_unstable_by(|a, b| b.cmp(a));
        for location in &locations {
            let Some((last, parent)) = location.split_last() else {
                return Err(OverlayError::RemoveRoot {
                    overlay: overlay.to_owned(),
                    pointer: self.pointer.clone(),
                    description: self.owned_description(),
                    target: self.target.to_owned(),
                });
            };
            remove_child(document, parent, last);
        }
        Ok(())
    }

    fn incompatible(&self, overlay: &str, conflict: Conflict) -> OverlayError {
        OverlayError::IncompatibleUpdate {
            overlay: overlay.to_owned(),
            pointer: self.pointer.clone(),
            description: self.owned_description(),
            location: conflict.location,
            reason: conflict.reason,
        }
    }

    fn owned_description(&self) -> Option<String> {
        self.description.map(str::to_owned)
    }
}

/// Distinct locations selected by `path`, in query order.
fn locate(document: &Value, path: &JsonPath) -> Vec<Location> {
    let mut seen = BTreeSet::new();
    path.query_located(document)
        .iter()
        .map(|node| to_location(node.location()))
        .filter(|location| seen.insert(location.clone()))
        .collect()
}

fn to_location(path: &NormalizedPath<'_>) -> Location {
    path.iter()
        .map(|element| match element {
            PathElement::Name(name) => Segment::Key((*name).to_owned()),
            PathElement::Index(index) => Segment::Index(*index),
        })
        .collect()
}

fn node<'v>(document: &'v Value, location: &[Segment]) -> Option<&'v Value> {
    location
        .iter()
        .try_fold(document, |value, segment| match segment {
            Segment::Key(key) => value.get(key.as_str()),
            Segment::Index(index) => value.get(*index),
        })
}

fn node_mut<'v>(document: &'v mut Value, location: &[Segment]) -> Option<&'v mut Value> {
    location
        .iter()
        .try_fold(document, |value, segment| match segment {
            Segment::Key(key) => value.get_mut(key.as_str()),
            Segment::Index(index) => value.get_mut(*index),
        })
}

/// Removes one child; a location that no longer resolves has nothing left to remove.
fn remove_child(document: &mut Value, parent: &[Segment], child: &Segment) {
    match (node_mut(document, parent), child) {
        (Some(Value::Object(map)), Segment::Key(key)) => {
            // `retain` keeps the remaining keys in order whether or not serde_json's
            // `preserve_order` feature is enabled (`remove` would swap them in that case).
            map.retain(|existing, _| existing != key);
        }
        (Some(Value::Array(items)), Segment::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => {}
    }
}

fn apply_update(
    document: &mut Value,
    locations: &[Location],
    update: &Value,
) -> Result<(), Conflict> {
    check_uniform_kinds(document, locations)?;
    for location in locations {
        let pointer = to_pointer(location);
        // Updates never remove keys or shift array elements, so locations stay valid.
        if let Some(target) = node_mut(document, location) {
            update_node(target, update, &pointer)?;
        }
    }
    Ok(())
}

/// The selected nodes must be all objects, all arrays or all primitives.
fn check_uniform_kinds(document: &Value, locations: &[Location]) -> Result<(), Conflict> {
    let mut kinds = locations
        .iter()
        .filter_map(|location| node(document, location).map(|value| (location, Kind::of(value))));
    let Some((first_location, first_kind)) = kinds.next() else {
        return Ok(());
    };
    match kinds.find(|(_, kind)| *kind != first_kind) {
        None => Ok(()),
        Some((location, kind)) => Err(Conflict {
            location: to_pointer(location),
            reason: format!(
                "the target selects both {} (first at {}) and {}; all selected nodes must be of one kind",
                first_kind.plural(),
                at(&to_pointer(first_location)),
                kind.plural()
            ),
        }),
    }
}

/// Applies `update` to one selected node (top level of the merge).
fn update_node(target: &mut Value, update: &Value, pointer: &str) -> Result<(), Conflict> {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => merge_objects(target, update, pointer),
        (Value::Object(_), other) => Err(Conflict {
            location: pointer.to_owned(),
            reason: format!(
                "the target is an object, so `update` must be an object of properties to merge, not {}",
                crate::upgrade::kind_of(other)
            ),
        }),
        (Value::Array(items), Value::Array(extra)) => {
            items.extend(extra.iter().cloned());
            Ok(())
        }
        (Value::Array(items), other) => {
            items.push(other.clone());
            Ok(())
        }
        (target, update) if is_primitive(update) => {
            *target = update.clone();
            Ok(())
        }
        (target, update) => Err(Conflict {
            location: pointer.to_owned(),
            reason: format!(
                "the target is {}, which can only be replaced by a primitive value, not {}",
                crate::upgrade::kind_of(target),
                crate::upgrade::kind_of(update)
            ),
        }),
    }
}

fn merge_objects(
    target: &mut Map<String, Value>,
    update: &Map<String, Value>,
    pointer: &str,
) -> Result<(), Conflict> {
    for (key, value) in update {
        let child = format!("{pointer}/{}", escape_pointer(key));
        match target.get_mut(key) {
            Some(existing) => merge_property(existing, value, &child)?,
            None => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
    Ok(())
}

/// Merges a property present in both the target object and the update.
fn merge_property(existing: &mut Value, update: &Value, pointer: &str) -> Result<(), Conflict> {
    match (existing, update) {
        (Value::Object(existing), Value::Object(update)) => {
            merge_objects(existing, update, pointer)
        }
        (Value::Array(existing), Value::Array(update)) => {
            existing.extend(update.iter().cloned());
            Ok(())
        }
        (existing, update) if is_primitive(existing) && is_primitive(update) => {
            *existing = update.clone();
            Ok(())
        }
        (existing, update) => Err(Conflict {
            location: pointer.to_owned(),
            reason: format!(
                "the update has {} where the document has {}; to change a property's kind, remove it in an earlier action and set it again",
                crate::upgrade::kind_of(update),
                crate::upgrade::kind_of(existing)
            ),
        }),
    }
}

// ---------------------------------------------------------------------------------------
// Small helpers for messages.
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    Array,
    Primitive,
}

impl Kind {
    fn of(value: &Value) -> Self {
        match value {
            Value::Object(_) => Self::Object,
            Value::Array(_) => Self::Array,
            _ => Self::Primitive,
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Self::Object => "objects",
            Self::Array => "arrays",
            Self::Primitive => "primitive values",
        }
    }
}

fn is_primitive(value: &Value) -> bool {
    Kind::of(value) == Kind::Primitive
}

fn to_pointer(location: &[Segment]) -> String {
    location.iter().fold(String::new(), |mut pointer, segment| {
        pointer.push('/');
        match segment {
            Segment::Key(key) => pointer.push_str(&escape_pointer(key)),
            Segment::Index(index) => pointer.push_str(&index.to_string()),
        }
        pointer
    })
}

/// RFC 6901 escaping of one reference token.
fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Renders a JSON pointer for messages; the empty pointer is the root.
fn at(pointer: &str) -> String {
    if pointer.is_empty() {
        "the root".to_owned()
    } else {
        format!("`{pointer}`")
    }
}

/// ` (`first line of description`)`, or nothing.
fn label(description: &Option<String>) -> String {
    description
        .as_deref()
        .and_then(|text| text.lines().map(str::trim).find(|line| !line.is_empty()))
        .map(|line| format!(" (`{line}`)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NAME: &str = "specs/acme/overlay.yaml";

    fn overlay(actions: Value) -> Value {
        json!({
            "overlay": "1.0.0",
            "info": { "title": "Acme fixes", "version": "1" },
            "actions": actions,
        })
    }

    fn apply(document: &mut Value, actions: Value) -> Result<Vec<AppliedAction>, OverlayError> {
        apply_overlay(document, &overlay(actions), NAME)
    }

    fn petstore() -> Value {
        json!({
            "openapi": "3.1.0",
            "info": { "title": "Pets", "version": "1" },
            "tags": [{ "name": "pets" }],
            "paths": {
                "/pets": {
                    "get": {
                        "summary": "List",
                        "parameters": [
                            { "name": "x", "in": "query" },
                            { "name": "limit", "in": "query" },
                            { "name": "x", "in": "header" }
                        ]
                    }
                },
                "/pets/{id}": {
                    "get": {
                        "parameters": [
                            { "name": "id", "in": "path" },
                            { "name": "x", "in": "query" }
                        ]
                    },
                    "delete": { "parameters": [{ "name": "x", "in": "query" }] }
                }
            },
            "components": {
                "schemas": {
                    "Pet": { "type": "object", "properties": { "_id": { "type": "string" }, "name": { "type": "string" } } },
                    "Error": { "type": "object", "properties": { "message": { "type": "string" } } },
                    "Owner": { "type": "object", "properties": { "_id": { "type": "string" } }, "required": ["_id"] }
                }
            }
        })
    }

    #[test]
    fn update_merges_nested_objects() {
        let mut doc = petstore();
        let applied = apply(
            &mut doc,
            json!([{
                "target": "$.components.schemas.Owner",
                "description": "Owner ids are read-only",
                "update": {
                    "description": "An owner",
                    "properties": { "_id": { "readOnly": true, "type": "integer" } },
                    "required": ["name"]
                }
            }]),
        )
        .expect("overlay applies");
        assert_eq!(
            doc["components"]["schemas"]["Owner"],
            json!({
                "type": "object",
                "description": "An owner",
                "properties": { "_id": { "type": "integer", "readOnly": true } },
                "required": ["_id", "name"]
            })
        );
        assert_eq!(
            applied,
            vec![AppliedAction {
                index: 0,
                description: Some("Owner ids are read-only".to_owned()),
                target: "$.components.schemas.Owner".to_owned(),
                matched: 1,
            }]
        );
    }

    #[test]
    fn update_on_array_target_appends() {
        let mut doc = petstore();
        apply(
            &mut doc,
            json!([
                { "target": "$.tags", "update": { "name": "owners" } },
                { "target": "$.tags", "update": [{ "name": "a" }, { "name": "b" }] }
            ]),
        )
        .expect("overlay applies");
        assert_eq!(
            doc["tags"],
            json!([{ "name": "pets" }, { "name": "owners" }, { "name": "a" }, { "name": "b" }])
        );
    }

    #[test]
    fn update_replaces_primitive_target() {
        let mut doc = petstore();
        apply(
            &mut doc,
            json!([{ "target": "$.info.title", "update": "Pet Store" }]),
        )
        .expect("overlay applies");
        assert_eq!(doc["info"]["title"], json!("Pet Store"));
    }

    #[test]
    fn remove_object_key() {
        let mut doc = petstore();
        let applied = apply(
            &mut doc,
            json!([{ "target": "$.paths['/pets/{id}'].delete", "remove": true }]),
        )
        .expect("overlay applies");
        assert_eq!(applied[0].matched, 1);
        let item = doc["paths"]["/pets/{id}"].as_object().expect("path item");
        assert!(!item.contains_key("delete"));
        assert!(item.contains_key("get"));
    }

    #[test]
    fn remove_several_array_elements_by_filter() {
        let mut doc = petstore();
        let applied = apply(
            &mut doc,
            json!([{ "target": "$.paths.*.get.parameters[?@.name == 'x']", "remove": true }]),
        )
        .expect("overlay applies");
        assert_eq!(applied[0].matched, 3);
        assert_eq!(
            doc["paths"]["/pets"]["get"]["parameters"],
            json!([{ "name": "limit", "in": "query" }])
        );
        assert_eq!(
            doc["paths"]["/pets/{id}"]["get"]["parameters"],
            json!([{ "name": "id", "in": "path" }])
        );
        // `delete` is not selected by `.get`.
        assert_eq!(
            doc["paths"]["/pets/{id}"]["delete"]["parameters"],
            json!([{ "name": "x", "in": "query" }])
        );
    }

    #[test]
    fn remove_handles_nested_and_duplicate_selections() {
        let mut doc = json!({ "a": [{ "b": 1 }, { "b": 2 }, 3] });
        let applied = apply(
            &mut doc,
            json!([{ "target": "$.a[0, 0, 2]", "remove": true }]),
        )
        .expect("overlay applies");
        assert_eq!(applied[0].matched, 2);
        assert_eq!(doc, json!({ "a": [{ "b": 2 }] }));

        // Selects both `a[0]` and its child `a[0].b`: the child goes first, then its parent.
        let mut doc = json!({ "a": [{ "b": 1 }, { "b": 2 }] });
        let applied = apply(
            &mut doc,
            json!([{ "target": "$..[?@.b == 1 || @ == 1]", "remove": true }]),
        )
        .expect("overlay applies");
        assert_eq!(applied[0].matched, 2);
        assert_eq!(doc, json!({ "a": [{ "b": 2 }] }));
    }

    #[test]
    fn filter_on_schemas_with_property_adds_properties_to_each() {
        let mut doc = petstore();
        let applied = apply(
            &mut doc,
            json!([{
                "target": "$.components.schemas[?@.properties._id]",
                "update": { "properties": { "createdAt": { "type": "string", "format": "date-time" } } }
            }]),
        )
        .expect("overlay applies");
        assert_eq!(applied[0].matched, 2);
        let schemas = &doc["components"]["schemas"];
        for name in ["Pet", "Owner"] {
            assert_eq!(
                schemas[name]["properties"]["createdAt"]["format"],
                json!("date-time"),
                "{name}"
            );
            assert_eq!(
                schemas[name]["properties"]["_id"],
                json!({ "type": "string" }),
                "{name}"
            );
        }
        assert!(schemas["Error"]["properties"].get("createdAt").is_none());
    }

    #[test]
    fn actions_apply_in_order() {
        let mut doc = petstore();
        apply(
            &mut doc,
            json!([
                { "target": "$.components.schemas.Error", "remove": true },
                { "target": "$.components.schemas", "update": { "Error": { "type": "string" } } }
            ]),
        )
        .expect("overlay applies");
        assert_eq!(
            doc["components"]["schemas"]["Error"],
            json!({ "type": "string" })
        );
    }

    #[test]
    fn target_matching_nothing_fails_loudly_and_leaves_document_unchanged() {
        let mut doc = petstore();
        let before = doc.clone();
        let error = apply(
            &mut doc,
            json!([
                { "target": "$.info", "update": { "x-fixed": true } },
                { "target": "$.components.schemas.Gone", "description": "Fix Gone", "update": { "type": "object" } }
            ]),
        )
        .expect_err("second action matches nothing");
        assert!(
            matches!(error, OverlayError::TargetNotFound { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(NAME), "{message}");
        assert!(
            message.contains("action /actions/1 (`Fix Gone`) matched nothing"),
            "{message}"
        );
        assert!(message.contains("remove the action"), "{message}");
        assert_eq!(doc, before);
    }

    #[test]
    fn allow_empty_extension_permits_zero_matches() {
        let mut doc = petstore();
        let before = doc.clone();
        let applied = apply(
            &mut doc,
            json!([{ "target": "$.components.schemas[?@.properties.zzz]", "update": { "nullable": true }, "x-allow-empty": true }]),
        )
        .expect("x-allow-empty tolerates no match");
        assert_eq!(applied[0].matched, 0);
        assert_eq!(doc, before);

        let error = apply(
            &mut doc,
            json!([{ "target": "$.nope", "remove": true, "x-allow-empty": "yes" }]),
        )
        .expect_err("x-allow-empty must be a boolean");
        assert!(error.to_string().contains("/actions/0"), "{error}");
    }

    #[test]
    fn invalid_jsonpath_reports_location() {
        let mut doc = petstore();
        let error = apply(
            &mut doc,
            json!([{ "target": "$.info", "update": {} }, { "target": "$.paths[?@.name ==]", "update": {} }]),
        )
        .expect_err("bad JSONPath");
        assert!(
            matches!(error, OverlayError::InvalidTarget { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.starts_with(NAME), "{message}");
        assert!(message.contains("/actions/1"), "{message}");
        assert!(message.contains("at position"), "{message}");
    }

    #[test]
    fn not_an_overlay_is_rejected() {
        let cases = [
            (json!([]), "the root"),
            (
                json!({ "openapi": "3.1.0", "info": { "title": "t", "version": "1" }, "paths": {} }),
                "/overlay",
            ),
            (
                json!({ "overlay": "1.1.0", "info": { "title": "t", "version": "1" }, "actions": [] }),
                "/overlay",
            ),
            (
                json!({ "overlay": "1.0.0", "actions": [{ "target": "$", "update": {} }] }),
                "/info",
            ),
            (
                json!({ "overlay": "1.0.0", "info": { "title": "t" }, "actions": [{ "target": "$", "update": {} }] }),
                "/info/version",
            ),
            (
                json!({ "overlay": "1.0.0", "info": { "title": "t", "version": "1" }, "actions": {} }),
                "/actions",
            ),
            (
                json!({ "overlay": "1.0.0", "info": { "title": "t", "version": "1" }, "actions": [] }),
                "/actions",
            ),
            (
                json!({ "overlay": "1.0.0", "info": { "title": "t", "version": "1" }, "actions": [{ "target": "$", "update": {} }], "action": [] }),
                "/action",
            ),
        ];
        for (overlay, pointer) in cases {
            let mut doc = petstore();
            let error = apply_overlay(&mut doc, &overlay, NAME).expect_err("not an overlay");
            assert!(
                matches!(error, OverlayError::NotAnOverlay { .. }),
                "{error:?}"
            );
            let message = error.to_string();
            assert!(message.starts_with(NAME), "{message}");
            assert!(
                message.contains(pointer),
                "{message} should mention {pointer}"
            );
        }
    }

    #[test]
    fn malformed_actions_are_rejected() {
        let cases = [
            json!({ "target": "$.info" }),
            json!({ "target": "$.info", "update": {}, "remove": true }),
            json!({ "target": "$.info", "remove": "true" }),
            json!({ "update": {} }),
            json!({ "target": "$.info", "copy": "$.tags" }),
            json!("remove everything"),
        ];
        for action in cases {
            let mut doc = petstore();
            let error = apply(
                &mut doc,
                json!([{ "target": "$.info", "update": {} }, action]),
            )
            .expect_err("malformed action");
            assert!(
                matches!(error, OverlayError::InvalidAction { .. }),
                "{error:?}"
            );
            assert!(
                error
                    .to_string()
                    .contains(&format!("{NAME}: invalid action /actions/1")),
                "{error}"
            );
        }
    }

    #[test]
    fn incompatible_updates_are_rejected() {
        let cases = [
            (json!({ "target": "$.info", "update": "text" }), "`/info`"),
            (
                json!({ "target": "$.info", "update": { "title": { "en": "Pets" } } }),
                "`/info/title`",
            ),
            (
                json!({ "target": "$.components.schemas.Pet", "update": { "properties": [] } }),
                "`/components/schemas/Pet/properties`",
            ),
            (
                json!({ "target": "$.info.title", "update": ["a"] }),
                "`/info/title`",
            ),
            (
                json!({ "target": "$['tags', 'info']", "update": { "x": 1 } }),
                "`/info`",
            ),
        ];
        for (action, location) in cases {
            let mut doc = petstore();
            let before = doc.clone();
            let error = apply(&mut doc, json!([action])).expect_err("incompatible update");
            assert!(
                matches!(error, OverlayError::IncompatibleUpdate { .. }),
                "{error:?}"
            );
            let message = error.to_string();
            assert!(message.contains("/actions/0"), "{message}");
            assert!(
                message.contains(location),
                "{message} should mention {location}"
            );
            assert_eq!(doc, before);
        }
    }

    #[test]
    fn removing_the_root_is_an_error() {
        let mut doc = petstore();
        let error = apply(&mut doc, json!([{ "target": "$", "remove": true }])).expect_err("root");
        assert!(
            matches!(error, OverlayError::RemoveRoot { .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("/actions/0"), "{error}");
    }

    #[test]
    fn duplicate_selection_updates_once() {
        let mut doc = petstore();
        let applied = apply(
            &mut doc,
            json!([{ "target": "$['tags', 'tags']", "update": { "name": "new" } }]),
        )
        .expect("overlay applies");
        assert_eq!(applied[0].matched, 1);
        assert_eq!(doc["tags"], json!([{ "name": "pets" }, { "name": "new" }]));
    }
}
