//! A short property-based smoke over mutated small documents: every snapshot fixture,
//! parsed into a JSON tree and mutated at random (keys deleted or renamed, types swapped,
//! values replaced by numbers, strings, arrays and objects, schema keywords inserted,
//! `$ref`s broken or made cyclic), goes through the whole pipeline, which must answer
//! `Ok` or `Err`, never panic. The long-running version is the `mutate` fuzz target in
//! `fuzz/`, which shares the mutations (`tests/support/mutate.rs`).

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;

mod support {
    pub mod mutate;
}
use support::mutate::{self, Mutation};

/// The fixtures, parsed once: (file name, tree).
fn seeds() -> &'static [(String, Value)] {
    static SEEDS: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join("fixtures");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("tests/fixtures exists")
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
            })
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                let bytes = std::fs::read(p).expect("readable fixture");
                let doc = cloudgen::load::parse_document(name, &bytes)
                    .unwrap_or_else(|e| panic!("fixture does not parse: {e}"));
                (name.to_owned(), doc)
            })
            .collect()
    })
}

fn generate(name: &str, bytes: &[u8]) -> bool {
    let settings = cloudgen::Settings::default();
    let input = cloudgen::Input {
        document_name: name,
        document: bytes,
        references: &cloudgen::NoReferences,
        settings: &settings,
        settings_name: "(default settings)",
        overlays: &[],
        command: "cargo test",
        runtime_path: "../runtime",
        standalone: true,
    };
    cloudgen::generate(&input).is_ok()
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (any::<u8>(), any::<u32>(), any::<u32>()).prop_map(|(op, node, arg)| Mutation { op, node, arg })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Mutated documents (JSON) give `Ok` or `Err`, never a panic.
    #[test]
    fn mutated_documents_never_panic(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let seeds = seeds();
        let (name, doc) = &seeds[seed.index(seeds.len())];
        let mut doc = doc.clone();
        for m in mutations {
            mutate::apply(&mut doc, m);
        }
        let bytes = serde_json::to_vec(&doc).expect("a JSON tree serializes");
        // A panic fails the case (proptest catches it and shrinks the mutations).
        let _ = generate(&format!("{name}.mutated.json"), &bytes);
    }

    /// Truncated documents (the fixture's bytes cut anywhere) give `Ok` or `Err`.
    #[test]
    fn truncated_documents_never_panic(
        seed in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let seeds = seeds();
        let (name, doc) = &seeds[seed.index(seeds.len())];
        let bytes = serde_json::to_vec(doc).expect("a JSON tree serializes");
        let cut = cut.index(bytes.len());
        let _ = generate(name, &bytes[..cut]);
    }
}

/// The mutations are not all no-ops: some mutated fixtures still generate, some do not.
#[test]
fn mutations_change_documents() {
    let (name, doc) = &seeds()[0];
    let mut changed = doc.clone();
    mutate::apply(
        &mut changed,
        Mutation {
            op: 0,
            node: 1,
            arg: 0,
        },
    );
    assert_ne!(&changed, doc, "{name}: deleting a node changed nothing");
    let bytes = serde_json::to_vec(doc).expect("serializes");
    assert!(
        generate(name, &bytes),
        "{name}: the unmutated fixture generates"
    );
}

/// Found by the `mutate` fuzz target: an `allOf` reference that closes a cycle through
/// inline schemas hoisted into types overflowed the stack. Now: `Ok` or `Err`.
#[test]
fn fuzz_regression_self_referencing_all_of() {
    let (name, doc) = &seeds()[0];
    let mut doc = doc.clone();
    mutate::apply(
        &mut doc,
        Mutation {
            op: 6,
            node: 0,
            arg: 0x1300,
        },
    );
    let bytes = serde_json::to_vec(&doc).expect("serializes");
    let _ = generate(name, &bytes);
}

/// A tree whose children extend the node type inline (`allOf: [$ref Node, {...}]`)
/// generates; the inline schema inside itself is a `serde_json::Value` with a note.
#[test]
fn inline_all_of_containing_itself_generates_with_a_note() {
    let document = br##"{
      "openapi": "3.0.3",
      "info": {"title": "tree", "version": "1"},
      "paths": {},
      "components": {"schemas": {"Node": {
        "type": "object",
        "properties": {
          "name": {"type": "string"},
          "child": {"allOf": [{"$ref": "#/components/schemas/Node"}, {"type": "object", "properties": {"depth": {"type": "integer"}}}]}
        }
      }}}
    }"##;
    let settings = cloudgen::Settings::default();
    let generated = cloudgen::generate(&cloudgen::Input {
        document_name: "tree.json",
        document,
        references: &cloudgen::NoReferences,
        settings: &settings,
        settings_name: "(default settings)",
        overlays: &[],
        command: "cargo test",
        runtime_path: "../runtime",
        standalone: true,
    })
    .unwrap_or_else(|e| panic!("the tree generates: {e}"));
    let report = generated.report.to_string();
    assert!(
        report.contains("contains itself through `allOf`"),
        "the fallback is noted:\n{report}"
    );
}
