//! Structured fuzzing: a small valid document (one of the generator's snapshot fixtures,
//! picked by the first byte) mutated as a JSON tree by the rest of the input (5 bytes per
//! mutation: delete keys, swap types, replace values, rename keys, insert keywords, break
//! `$ref`s), then run through the whole pipeline. Must return `Ok` or `Err`, never panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

#[path = "../../generator/tests/support/mutate.rs"]
mod mutate;

/// The fixtures, parsed once.
fn seeds() -> &'static [Value] {
    static SEEDS: OnceLock<Vec<Value>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../generator/tests/fixtures");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("generator/tests/fixtures exists")
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "json")
                )
            })
            .collect();
        files.sort();
        files
            .iter()
            .filter_map(|p| {
                let bytes = std::fs::read(p).ok()?;
                cloudgen::load::parse_document(&p.display().to_string(), &bytes).ok()
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let seeds = seeds();
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut doc = seeds[pick as usize % seeds.len()].clone();
    for m in mutate::from_bytes(rest).into_iter().take(16) {
        mutate::apply(&mut doc, m);
    }
    let bytes = serde_json::to_vec(&doc).expect("a JSON tree serializes");
    let settings = cloudgen::Settings::default();
    let input = cloudgen::Input {
        document_name: "fuzz.json",
        document: &bytes,
        references: &cloudgen::NoReferences,
        settings: &settings,
        settings_name: "(default settings)",
        overlays: &[],
        command: "cargo fuzz",
        runtime_path: "../runtime",
        standalone: true,
    };
    let _ = cloudgen::generate(&input);
});
