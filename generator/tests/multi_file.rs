//! Multi-file documents at scale: Palette's document (from `../shared/specs/`, skipped
//! when absent) split into one file per path item and per definition (2,700+ files, with
//! `$ref`s between sibling files, into another folder, and back into the main document),
//! must bundle back into exactly the published document, and generate the same crate.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use serde_json::{Map, Value, json};

const PALETTE: &str = "../../shared/specs/palette/palette-apis-spec.json";

fn palette() -> Option<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(PALETTE);
    match std::fs::read(&path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).expect("Palette is JSON")),
        Err(_) => {
            println!(
                "note: {} is absent; the split-Palette test is skipped",
                path.display()
            );
            None
        }
    }
}

/// Rewrites every `$ref` in `value` with `rewrite`.
fn rewrite_refs(value: &mut Value, rewrite: &dyn Fn(&str) -> String) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(s) if key == "$ref" => *s = rewrite(s),
                    _ => rewrite_refs(child, rewrite),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|c| rewrite_refs(c, rewrite)),
        _ => {}
    }
}

/// `#/definitions/X` as written in a file under `from_dir` (`""` for the main document's
/// folder, `"paths/"` one level down).
fn external(reference: &str, from_dir: &str) -> String {
    let up = if from_dir.is_empty() { "" } else { "../" };
    match reference.strip_prefix("#/definitions/") {
        Some(name) if from_dir == "definitions/" => format!("{name}.json"),
        Some(name) => format!("{up}definitions/{name}.json"),
        None => format!("{up}openapi.json{reference}"),
    }
}

fn to_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("serializes")
}

/// The document split into files: the main document and every other file by name.
fn split(doc: &Value) -> (Value, BTreeMap<String, Vec<u8>>) {
    let mut files = BTreeMap::new();
    let mut main = doc.clone();
    let paths = main["paths"].as_object_mut().expect("paths");
    for (i, (_, item)) in paths.iter_mut().enumerate() {
        let mut content = std::mem::take(item);
        rewrite_refs(&mut content, &|r| external(r, "paths/"));
        let name = format!("paths/{i}.json");
        files.insert(name.clone(), to_bytes(&content));
        *item = json!({ "$ref": name });
    }
    let definitions = main["definitions"].as_object_mut().expect("definitions");
    for (name, schema) in definitions.iter_mut() {
        let mut content = std::mem::take(schema);
        rewrite_refs(&mut content, &|r| external(r, "definitions/"));
        let file = format!("definitions/{name}.json");
        files.insert(file.clone(), to_bytes(&content));
        let mut slot = Map::new();
        slot.insert("$ref".into(), Value::String(file));
        *schema = Value::Object(slot);
    }
    // What is left in the main document (parameters, responses) refers to the files.
    for key in ["parameters", "responses"] {
        if let Some(section) = main.get_mut(key) {
            rewrite_refs(section, &|r| external(r, ""));
        }
    }
    (main, files)
}

fn generate(name: &str, bytes: &[u8], references: &dyn cloudgen::ReferenceSource) -> Vec<String> {
    let mut settings = cloudgen::Settings::default();
    settings.krate.name = "palette-split".into();
    let generated = cloudgen::generate(&cloudgen::Input {
        document_name: name,
        document: bytes,
        references,
        settings: &settings,
        settings_name: "(default settings)",
        overlays: &[],
        command: "cargo test",
        runtime_path: "../runtime",
        standalone: true,
    })
    .unwrap_or_else(|e| panic!("{name} does not generate: {e}"));
    // Everything but the lines naming the input's hash.
    generated
        .files
        .iter()
        .flat_map(|(path, text)| {
            std::iter::once(format!("// {path}")).chain(
                text.lines()
                    .filter(|l| !l.contains("sha256"))
                    .map(str::to_owned)
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

#[test]
fn split_palette_bundles_back_into_the_published_document() {
    let Some(doc) = palette() else { return };
    let (main, files) = split(&doc);
    assert!(files.len() > 2_500, "{} files", files.len());

    let mut bundled = main.clone();
    let started = Instant::now();
    let notes = cloudgen::bundle::bundle(&mut bundled, "openapi.json", &files).expect("bundles");
    println!(
        "bundled {} files in {:?}: {}",
        files.len(),
        started.elapsed(),
        notes.join("; ")
    );
    assert!(
        bundled == doc,
        "the bundled document differs from the published one"
    );

    let single = generate("openapi.json", &to_bytes(&doc), &cloudgen::NoReferences);
    let split = generate("openapi.json", &to_bytes(&main), &files);
    assert_eq!(single.len(), split.len());
    if let Some((a, b)) = single.iter().zip(&split).find(|(a, b)| a != b) {
        panic!("the crates differ:\n  single file: {a}\n  split:       {b}");
    }
}
