//! Stage 3, normalize: the vendor's declared fixes (overlays, then named fixups), then the
//! automatic repairs every document may need (local `$ref`s made plain, wrong-typed schema
//! keywords, identical duplicates, missing or duplicate operationIds). Works on
//! `serde_json::Value`, before typed parsing; every change is reported.

pub mod duplicates;
pub mod enums;
pub mod fixups;
pub mod keyword_types;
pub mod local_refs;
pub mod operation_ids;
pub mod overlay;

use serde_json::Value;

use crate::error::{Error, Location, Result};
use crate::report::{Report, Stage};
use crate::settings::Settings;

/// An overlay document already read from disk, with the name to use in messages.
#[derive(Debug, Clone)]
pub struct OverlayInput {
    /// How the overlay file is named in messages (`specs/cloudcasa/overlay.yaml`).
    pub name: String,
    /// Its parsed content.
    pub document: Value,
}

/// Applies declared fixes and automatic repairs to `doc`.
pub fn normalize(
    doc: &mut Value,
    document_name: &str,
    settings: &Settings,
    settings_file: &str,
    overlays: &[OverlayInput],
    report: &mut Report,
) -> Result<()> {
    let published = operation_keys(doc);
    for overlay in overlays {
        let applied =
            overlay::apply_overlay(doc, &overlay.document, &overlay.name).map_err(|e| {
                Error::FixNotApplied {
                    fix: overlay.name.clone(),
                    location: Location::new(&overlay.name, ""),
                    message: e.to_string(),
                }
            })?;
        for action in applied {
            report.note(
                Stage::Fix,
                format!(
                    "{}#/actions/{}: {} ({} node(s) at `{}`)",
                    overlay.name,
                    action.index,
                    action.description.as_deref().unwrap_or("no description"),
                    action.matched,
                    action.target
                ),
            );
        }
    }
    for name in &settings.fixes.fixups {
        for line in fixups::apply(name, doc, settings_file)? {
            report.note(Stage::Fix, format!("fixup {name}: {line}"));
        }
    }
    report.operations_added_by_fixes = operation_keys(doc)
        .difference(&published)
        .cloned()
        .collect();
    for line in enums::repair_enums(doc) {
        report.note(Stage::Normalize, line);
    }
    let plain = local_refs::make_plain(doc);
    for line in plain.notes {
        report.note(Stage::Normalize, line);
    }
    for line in keyword_types::repair(doc, document_name, &plain.copied_from)? {
        report.note(Stage::Normalize, line);
    }
    for line in duplicates::merge_identical(doc) {
        report.note(Stage::Normalize, line);
    }
    for line in operation_ids::ensure_unique(doc) {
        report.note(Stage::Normalize, line);
    }
    Ok(())
}

/// Every operation of the document as `METHOD /path` (method upper-case).
pub fn operation_keys(doc: &Value) -> std::collections::BTreeSet<String> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(path, item)| Some((path, item.as_object()?)))
        .flat_map(|(path, item)| {
            item.keys()
                .filter(|k| fixups::METHODS.contains(&k.as_str()))
                .map(move |method| format!("{} {path}", method.to_ascii_uppercase()))
        })
        .collect()
}

/// Number of operations in a document (methods under `paths`).
pub fn count_operations(doc: &Value) -> usize {
    doc.get("paths")
        .and_then(Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| {
                    item.keys()
                        .filter(|k| fixups::METHODS.contains(&k.as_str()))
                        .count()
                })
                .sum()
        })
}
