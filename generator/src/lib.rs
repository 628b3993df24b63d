//! `cloudgen`: reads a vendor's OpenAPI document, normalizes it, and emits a typed async
//! Rust client crate built on `cloudgen-runtime`.
//!
//! The pipeline is `load → upgrade → normalize → lower → emit`, one module each. This
//! library is pure: it takes bytes and settings and returns the crate's files as an
//! in-memory map; only `xtask` touches the disk.

#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations, rust_2018_idioms)]

pub mod bundle;
pub mod emit;
pub mod error;
pub mod exercise;
pub mod ident;
pub mod ir;
pub mod load;
pub mod lower;
pub mod normalize;
pub mod report;
pub mod settings;
pub mod upgrade;

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

pub use bundle::{NoReferences, ReferenceSource};
pub use emit::EmitOptions;
pub use error::{Error, Location, Result};
pub use normalize::OverlayInput;
pub use report::Report;
pub use settings::Settings;

/// Everything one generation needs, already read from disk.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// How the document is named in messages and headers (path or URL).
    pub document_name: &'a str,
    /// The document's bytes (JSON or YAML).
    pub document: &'a [u8],
    /// Reads the files the document's `$ref`s name ([`NoReferences`] for none).
    pub references: &'a dyn ReferenceSource,
    /// Vendor settings.
    pub settings: &'a Settings,
    /// How the settings file is named in messages.
    pub settings_name: &'a str,
    /// Overlays named by the settings, in order.
    pub overlays: &'a [OverlayInput],
    /// The regenerate command written into headers.
    pub command: &'a str,
    /// Path of the runtime crate as written into the generated `Cargo.toml`.
    pub runtime_path: &'a str,
    /// Whether the crate must build outside any workspace.
    pub standalone: bool,
}

/// A generated crate: files by path relative to the crate root, and the report.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Path → contents.
    pub files: BTreeMap<String, String>,
    /// What was done.
    pub report: Report,
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs the whole pipeline on one document: load, upgrade, normalize, lower, emit.
pub fn generate(input: &Input<'_>) -> Result<Generated> {
    let (lowered, opts) = with_emit_options(input, || lower_input(input, false))?;
    let files = emit::emit(&lowered.api, input.settings, &opts)?;
    Ok(Generated {
        files,
        report: lowered.report,
    })
}

/// Like [`generate`], and also the exercise file for the crate: a call of every
/// operation with sample values (see [`exercise`]).
pub fn generate_with_exercise(input: &Input<'_>) -> Result<(Generated, TestFiles)> {
    let (lowered, opts) = with_emit_options(input, || lower_input(input, true))?;
    let normalized = lowered.normalized.unwrap_or_default();
    let api = &lowered.api;
    let crate_name = &input.settings.krate.name;
    let exercise = || exercise::emit(api, &normalized, crate_name, &opts);
    // The exercise file is printed among the crate's files, sharing the cores with them
    // (about a third of an operation module's cost per operation).
    let extra = emit::ExtraJob {
        weight: api.operations.len(),
        run: &exercise,
    };
    let (files, exercise) = emit::emit_with(api, input.settings, &opts, Some(extra))?;
    let models = exercise::models::emit(api, crate_name, &opts)?;
    let generated = Generated {
        files,
        report: lowered.report,
    };
    Ok((
        generated,
        TestFiles {
            exercise: exercise.unwrap_or_default(),
            models,
        },
    ))
}

/// The test harness files written beside a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFiles {
    /// Every operation called once with samples (`tests/exercise/<vendor>.rs`).
    pub exercise: String,
    /// Every model type with the schema it comes from, for the round-trip property test
    /// (`tests/models/<vendor>.rs`).
    pub models: String,
}

/// The document as the generator sees it before lowering: upgraded to OpenAPI 3.0.3,
/// with the vendor's overlays and fixups applied and names normalized, as JSON. Mock
/// servers and validators are given this document, so they judge the same API.
pub fn normalized_document(input: &Input<'_>) -> Result<serde_json::Value> {
    let mut report = Report::default();
    normalized(input, &mut report)
}

/// The pipeline's result before emission.
struct Lowered {
    api: ir::Api,
    report: Report,
    /// The normalized document, when asked for.
    normalized: Option<serde_json::Value>,
}

fn normalized(input: &Input<'_>, report: &mut Report) -> Result<serde_json::Value> {
    let name = input.document_name;
    let mut doc = load::parse_document(name, input.document)?;
    for line in bundle::bundle(&mut doc, name, input.references)? {
        report.note(report::Stage::Load, line);
    }
    for line in upgrade::upgrade(&mut doc, name)? {
        report.note(report::Stage::Upgrade, line);
    }
    report.operations_published = normalize::count_operations(&doc);
    normalize::normalize(
        &mut doc,
        name,
        input.settings,
        input.settings_name,
        input.overlays,
        report,
    )?;
    Ok(doc)
}

fn lower_input(input: &Input<'_>, keep_document: bool) -> Result<Lowered> {
    let mut report = Report::default();
    let name = input.document_name;
    let doc = normalized(input, &mut report)?;
    let kept = keep_document.then(|| doc.clone());
    let spec = lower::parse(doc, name)?;
    let api = lower::lower(
        &spec,
        input.settings,
        input.settings_name,
        name,
        &mut report,
    )?;
    Ok(Lowered {
        api,
        report,
        normalized: kept,
    })
}

/// Documents at least this large are hashed on a second thread while `work` runs (Palette,
/// 2 MB: about 15 ms of the serial front of the pipeline); smaller ones inline, which is
/// cheaper than starting a thread.
const HASH_ASIDE_FROM: usize = 256 * 1024;

/// Runs `work` and, meanwhile, makes the emit options (which hash the document).
fn with_emit_options<T>(
    input: &Input<'_>,
    work: impl FnOnce() -> Result<T>,
) -> Result<(T, EmitOptions)> {
    if input.document.len() < HASH_ASIDE_FROM {
        let done = work()?;
        return Ok((done, emit_options(input, sha256_hex(input.document))));
    }
    let (done, sha) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| sha256_hex(input.document));
        let done = work();
        // Hashing does not panic; should it, hash again here rather than lose the run.
        let sha = hashing
            .join()
            .unwrap_or_else(|_| sha256_hex(input.document));
        (done, sha)
    });
    Ok((done?, emit_options(input, sha)))
}

fn emit_options(input: &Input<'_>, document_sha256: String) -> EmitOptions {
    EmitOptions {
        command: input.command.to_owned(),
        document_name: display_name(input.document_name),
        document_sha256,
        runtime_path: input.runtime_path.to_owned(),
        standalone: input.standalone,
    }
}

fn display_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned()
}
