//! `cargo xtask peers [--check-compile]`: runs the generator over every document in
//! `../shared/specs/peers/` (other generators' test inputs, GitHub's 3.7 MB document among
//! them) with default settings, writes each crate into `target/peer-crates/<name>`, and
//! prints what was emitted and skipped. With `--check-compile`, the crates are members of
//! one scratch workspace (`target/peer-crates/Cargo.toml`, with this repository's
//! `Cargo.lock`) and a single `cargo clippy --workspace -- -D warnings` checks them all,
//! then `cargo doc --workspace --no-deps` with rustdoc's warnings denied.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cloudgen::{Input, Settings};

use crate::fsutil;
use crate::workspace_root;

/// Options of `cargo xtask peers`.
#[derive(Debug, Default, Clone)]
pub struct PeersOptions {
    /// Where the documents are (default `../shared/specs/peers`).
    pub dir: Option<PathBuf>,
    /// Compile every generated crate with warnings denied.
    pub check_compile: bool,
    /// Print each document's full report.
    pub explain: bool,
}

/// One document's result.
#[derive(Debug)]
pub struct PeerResult {
    /// File stem, also the crate's directory name.
    pub name: String,
    /// Cargo package name.
    pub crate_name: String,
    /// The generated crate, or the error.
    pub generated: Result<cloudgen::Generated, String>,
    /// Generation time.
    pub elapsed: Duration,
}

/// Peer documents in `dir` (`.json`, `.yaml`, `.yml`), sorted by file name.
pub fn peer_documents(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// `api.github.com` → `peer-api-github-com`.
pub fn crate_name(stem: &str) -> String {
    package_name("peer", stem)
}

/// A Cargo package name from any text: `prefix-` and its ASCII letters and digits, every
/// run of other characters one `-` (`dir`, `apis.guru/foo.v2` → `dir-apis-guru-foo-v2`).
pub fn package_name(prefix: &str, text: &str) -> String {
    let mut name = prefix.to_owned();
    for word in text
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        name.push('-');
        name.push_str(word);
    }
    name
}

/// Generates the document `bytes` (named `document_name` in errors) with default
/// settings and the package name `crate_name`, in memory.
pub fn generate_with_defaults(
    document_name: &str,
    bytes: &[u8],
    crate_name: &str,
    command: &str,
    runtime_path: &str,
    standalone: bool,
) -> Result<cloudgen::Generated, cloudgen::Error> {
    let mut settings = Settings::default();
    settings.krate.name = crate_name.to_owned();
    cloudgen::generate(&Input {
        document_name,
        document: bytes,
        references: &crate::source::ReferencedFiles::default(),
        settings: &settings,
        settings_name: "(default settings)",
        overlays: &[],
        command,
        runtime_path,
        standalone,
    })
}

/// Generates one peer document in memory.
pub fn generate_peer(path: &Path, runtime_path: &str, standalone: bool) -> PeerResult {
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("peer")
        .to_owned();
    let crate_name = crate_name(&name);
    let document_name = path.display().to_string();
    let started = Instant::now();
    let generated = fs::read(path)
        .map_err(|e| format!("{document_name}: cannot read: {e}"))
        .and_then(|bytes| {
            generate_with_defaults(
                &document_name,
                &bytes,
                &crate_name,
                "cargo xtask peers",
                runtime_path,
                standalone,
            )
            .map_err(|e| e.to_string())
        });
    PeerResult {
        name,
        crate_name,
        generated,
        elapsed: started.elapsed(),
    }
}

/// Skip reasons with counts, most frequent first; the operation-specific parts (names in
/// backticks) are kept, so identical reasons group.
fn reason_summary(skipped: &[cloudgen::report::Skipped]) -> Vec<(usize, String)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for s in skipped {
        // Group by the reason with quoted names blanked out.
        let mut key = String::new();
        let mut quoted = false;
        for c in s.reason.chars() {
            if c == '`' {
                quoted = !quoted;
                key.push_str(if quoted { "`…" } else { "`" });
            } else if !quoted {
                key.push(c);
            }
        }
        *counts.entry(key).or_default() += 1;
    }
    let mut out: Vec<(usize, String)> = counts.into_iter().map(|(k, n)| (n, k)).collect();
    out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    out
}

/// Lines of Rust in a generated crate.
fn rust_lines(files: &BTreeMap<String, String>) -> usize {
    files
        .iter()
        .filter(|(p, _)| p.ends_with(".rs"))
        .map(|(_, t)| t.lines().count())
        .sum()
}

/// `cargo xtask peers`.
pub fn peers(opts: &PeersOptions) -> Result<(), String> {
    let root = workspace_root();
    let dir = opts
        .dir
        .clone()
        .unwrap_or_else(|| root.join("..").join("shared").join("specs").join("peers"));
    let documents = peer_documents(&dir)?;
    if documents.is_empty() {
        return Err(format!("{}: no peer documents", dir.display()));
    }
    let runtime = root.join("runtime");
    let runtime = runtime.canonicalize().unwrap_or(runtime);
    let runtime_path = runtime.display().to_string();
    let out_root = root.join("target").join("peer-crates");
    if out_root.exists() {
        fs::remove_dir_all(&out_root)
            .map_err(|e| format!("{}: cannot remove: {e}", out_root.display()))?;
    }
    fs::create_dir_all(&out_root)
        .map_err(|e| format!("{}: cannot create: {e}", out_root.display()))?;

    let mut failures = Vec::new();
    let mut members = Vec::new();
    for path in &documents {
        let result = generate_peer(path, &runtime_path, !opts.check_compile);
        match &result.generated {
            Ok(generated) => {
                let report = &generated.report;
                println!(
                    "{}: operations {} emitted / {} skipped of {}; schemas {} emitted / {} \
                     skipped of {}; {} types; {} lines of Rust; generated in {:.2?}",
                    result.name,
                    report.operations_emitted,
                    report.operations_skipped.len(),
                    report.operations_total,
                    report.schemas_emitted,
                    report.schemas_skipped.len(),
                    report.schemas_total,
                    report.types_emitted,
                    rust_lines(&generated.files),
                    result.elapsed
                );
                for (n, reason) in reason_summary(&report.operations_skipped) {
                    println!("    {n} operation(s) skipped: {reason}");
                }
                for (n, reason) in reason_summary(&report.schemas_skipped) {
                    println!("    {n} schema(s) as serde_json::Value: {reason}");
                }
                if opts.explain {
                    for line in report.to_string().lines() {
                        println!("    {line}");
                    }
                }
                let crate_dir = out_root.join(&result.name);
                fsutil::write_tree(&crate_dir, &generated.files, &["src"])?;
                members.push(result.name.clone());
            }
            Err(e) => {
                println!(
                    "{}: FAILED to generate ({:.2?}): {e}",
                    result.name, result.elapsed
                );
                failures.push(format!("{}: does not generate: {e}", result.name));
            }
        }
    }

    if opts.check_compile && !members.is_empty() {
        failures.extend(check_compile(&root, &out_root, &members)?);
    }
    if failures.is_empty() {
        println!(
            "{} peer documents generated{}",
            documents.len(),
            if opts.check_compile {
                " and compiled and documented with warnings denied"
            } else {
                ""
            }
        );
        Ok(())
    } else {
        Err(format!("peers failed:\n  {}", failures.join("\n  ")))
    }
}

/// Writes the scratch workspace manifest and runs one `cargo clippy` and one `cargo doc`
/// over every member, warnings denied; returns each failure (package and which check).
fn check_compile(root: &Path, out_root: &Path, members: &[String]) -> Result<Vec<String>, String> {
    let list: Vec<String> = members.iter().map(|m| format!("    \"{m}\",")).collect();
    let manifest = format!(
        "# Written by `cargo xtask peers --check-compile`; every run replaces this directory.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n\n[profile.dev]\ndebug = false\n",
        list.join("\n")
    );
    let manifest_path = out_root.join("Cargo.toml");
    fs::write(&manifest_path, manifest)
        .map_err(|e| format!("{}: cannot write: {e}", manifest_path.display()))?;
    fs::copy(root.join("Cargo.lock"), out_root.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    let mut failures = Vec::new();
    let clippy = CargoCheck {
        name: "clippy",
        args: &[
            "clippy",
            "--workspace",
            "--offline",
            "--keep-going",
            "--",
            "-D",
            "warnings",
        ],
        flags_var: "RUSTFLAGS",
        failed_prefix: "error: could not compile `",
    };
    // The documents' prose becomes doc comments: rustdoc's own lints (bare URLs, broken
    // links, unclosed HTML) are checked too.
    let rustdoc = CargoCheck {
        name: "doc",
        args: &[
            "doc",
            "--workspace",
            "--no-deps",
            "--offline",
            "--keep-going",
        ],
        flags_var: "RUSTDOCFLAGS",
        failed_prefix: "error: could not document `",
    };
    for check in [clippy, rustdoc] {
        for package in check.run(root, out_root, members.len())? {
            failures.push(format!(
                "{package}: does not pass `cargo {}` with warnings denied",
                check.name
            ));
        }
    }
    Ok(failures)
}

/// One cargo command over the scratch workspace, with `-Dwarnings` in `flags_var`.
struct CargoCheck {
    name: &'static str,
    args: &'static [&'static str],
    flags_var: &'static str,
    /// How cargo names a package that failed (`error: could not compile \``).
    failed_prefix: &'static str,
}

impl CargoCheck {
    /// Runs it; returns the packages that failed, the log in `out_root/<name>.log`.
    fn run(&self, root: &Path, out_root: &Path, count: usize) -> Result<Vec<String>, String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let started = Instant::now();
        println!(
            "cargo {} over {count} crates in {} ...",
            self.name,
            out_root.display()
        );
        let output = Command::new(cargo)
            .args(self.args)
            .current_dir(out_root)
            .env("CARGO_TARGET_DIR", root.join("target").join("peer-check"))
            .env(self.flags_var, "-Dwarnings")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .output()
            .map_err(|e| format!("cannot run cargo {}: {e}", self.name))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let log = out_root.join(format!("{}.log", self.name));
        fs::write(&log, stderr.as_bytes())
            .map_err(|e| format!("{}: cannot write: {e}", log.display()))?;
        println!(
            "cargo {} finished in {:.1}s ({}); its output is in {}",
            self.name,
            started.elapsed().as_secs_f64(),
            output.status,
            log.display()
        );
        let mut failed: Vec<String> = stderr
            .lines()
            .filter_map(|line| line.strip_prefix(self.failed_prefix))
            .filter_map(|rest| rest.split('`').next())
            .map(str::to_owned)
            .collect();
        failed.sort();
        failed.dedup();
        if !output.status.success() && failed.is_empty() {
            return Err(format!(
                "cargo {} failed before checking the peer crates ({}):\n{stderr}",
                self.name, output.status
            ));
        }
        if !failed.is_empty() {
            // The first errors, so a failure is readable without opening the log.
            let excerpt: Vec<&str> = stderr
                .lines()
                .filter(|l| {
                    let l = l.trim_start();
                    !l.starts_with("Checking")
                        && !l.starts_with("Compiling")
                        && !l.starts_with("Documenting")
                })
                .take(60)
                .collect();
            eprintln!("{}", excerpt.join("\n"));
        }
        Ok(failed)
    }
}
