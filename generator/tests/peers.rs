//! Every document in `../shared/specs/peers/` (other generators' test inputs, GitHub's
//! 3.7 MB document among them) generates, with default settings, in memory, twice with
//! identical output. Compiling the crates is the slower `cargo xtask peers --check-compile`.
//! When `../shared` is absent (a checkout without the documents), the test says so and
//! passes.

use std::path::{Path, PathBuf};
use std::time::Instant;

use cloudgen::{Generated, Input, Settings};

fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("shared")
        .join("specs")
        .join("peers")
}

fn peer_documents() -> Option<Vec<PathBuf>> {
    let entries = std::fs::read_dir(peers_dir()).ok()?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            )
        })
        .collect();
    files.sort();
    Some(files)
}

fn generate(path: &Path, bytes: &[u8]) -> Result<Generated, cloudgen::Error> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("peer");
    let mut settings = Settings::default();
    settings.krate.name = format!("peer-{}", stem.replace(['.', '_'], "-"));
    let name = path.display().to_string();
    cloudgen::generate(&Input {
        document_name: &name,
        document: bytes,
        references: &cloudgen::NoReferences,
        settings: &settings,
        settings_name: "(default settings)",
        overlays: &[],
        command: "cargo test",
        runtime_path: "/nonexistent/runtime",
        standalone: true,
    })
}

#[test]
fn every_peer_document_generates_deterministically() {
    let Some(documents) = peer_documents() else {
        eprintln!(
            "note: {} is absent; peer documents not checked",
            peers_dir().display()
        );
        return;
    };
    assert!(
        !documents.is_empty(),
        "no documents in {}",
        peers_dir().display()
    );
    let mut failures = Vec::new();
    for path in &documents {
        let bytes = std::fs::read(path).expect("readable peer document");
        let started = Instant::now();
        let first = match generate(path, &bytes) {
            Ok(g) => g,
            Err(e) => {
                failures.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let elapsed = started.elapsed();
        let second = generate(path, &bytes).expect("the second generation succeeds too");
        assert_eq!(
            first.files,
            second.files,
            "{}: two generations differ",
            path.display()
        );
        assert_eq!(
            first.report,
            second.report,
            "{}: two reports differ",
            path.display()
        );
        let report = &first.report;
        assert_eq!(
            report.operations_emitted + report.operations_skipped.len(),
            report.operations_total,
            "{}: every operation is emitted or skipped with a reason",
            path.display()
        );
        assert!(
            report
                .operations_skipped
                .iter()
                .chain(&report.schemas_skipped)
                .all(|s| !s.reason.trim().is_empty()),
            "{}: a skip without a reason",
            path.display()
        );
        eprintln!(
            "{}: {} ({:.2?})",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default(),
            report.summary(),
            elapsed
        );
    }
    assert!(
        failures.is_empty(),
        "peer documents that do not generate:\n{}",
        failures.join("\n")
    );
}
