//! Arbitrary bytes through the whole pipeline (load → upgrade → normalize → lower → emit)
//! with default settings: `cloudgen::generate` must return `Ok` or `Err`, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = cloudgen::Settings::default();
    let input = cloudgen::Input {
        document_name: "fuzz.yaml",
        document: data,
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
