//! `cargo xtask contract`: every generated client against Prism, a mock server built
//! independently from the same document, as the judge of what our clients send and
//! receive.
//!
//! For each vendor: the normalized document (what the generator saw, after the declared
//! fixes) is written to `target/contract/<vendor>.openapi.json`; Prism
//! (`@stoplight/prism-cli`, installed with npm into `target/contract/prism/`) serves it on
//! loopback with request validation on (`--errors`: a request that violates the document
//! gets a 422), statically from examples or, with `--dynamic`, with random data; the
//! vendor's exercise (`tests/exercise/<vendor>.rs`: every operation with every required
//! parameter and body filled from the schemas) runs against it from a small runner crate
//! (`target/contract/runner/`, built into the workspace's target directory so the
//! generated crates compile once). Each call is classified: **accepted** (Prism did not
//! answer 422) and **decoded** (the response decoded into the typed result). Failures go
//! into a table (operation, what Prism said, what we sent) in
//! `target/contract/report.md`, which CI prints.
//!
//! Prism is started per vendor and stopped by PID when the vendor is done, also when a
//! step fails (a guard kills it on drop). Prism missing, failing to start, or not
//! listening within two minutes is a clear error, not a hang.

mod prism;
mod runner;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use crate::codegen::{read_vendor, vendors};
use crate::workspace_root;

/// Options of `cargo xtask contract`.
#[derive(Debug, Default, Clone)]
pub struct ContractOptions {
    /// Vendors to run (all when empty).
    pub vendors: Vec<String>,
    /// Call at most this many operations per vendor, spread evenly over the list.
    pub sample: Option<usize>,
    /// Prism's `--dynamic` mode (random responses) instead of examples.
    pub dynamic: bool,
    /// Also serve the vendor's original document (where it has one and Prism reads it).
    pub original: bool,
    /// Fail unless every call was accepted and decoded (otherwise only report); runs on
    /// original documents are never judged.
    pub strict: bool,
}

/// What one call came to, as the runner prints it (one JSON object per line).
#[derive(Debug, Clone)]
pub struct CallResult {
    /// The document's operationId.
    pub operation: String,
    /// `METHOD path` as sent.
    pub request: String,
    /// `ok`, `not_built`, `rejected`, `http_error`, `decode`, `error`.
    pub result: String,
    /// Prism's answer or our error.
    pub detail: String,
    /// The JSON body sent, if any.
    pub body: String,
}

impl CallResult {
    fn accepted(&self) -> bool {
        matches!(
            self.result.as_str(),
            "ok" | "decode" | "http_error" | "mock_invalid"
        )
    }

    fn decoded(&self) -> bool {
        self.result == "ok"
    }

    /// Prism could not produce a valid answer: nothing to decode, not a client failure.
    fn unjudged(&self) -> bool {
        self.result == "mock_invalid"
    }
}

/// One vendor's run against one document.
#[derive(Debug)]
pub struct VendorRun {
    /// Vendor and which document (`normalized` or `original`).
    pub label: String,
    /// Per call.
    pub results: Vec<CallResult>,
    /// Seconds: Prism start, calls.
    pub timings: (f64, f64),
    /// Against the vendor's original document (reported, not judged).
    pub original: bool,
}

/// `cargo xtask contract`.
pub fn contract(opts: &ContractOptions) -> Result<(), String> {
    let root = workspace_root();
    let all = vendors(&root)?;
    let selected: Vec<String> = if opts.vendors.is_empty() {
        all.clone()
    } else {
        for v in &opts.vendors {
            if !all.contains(v) {
                return Err(format!(
                    "no vendor `{v}`: known vendors are {}",
                    all.join(", ")
                ));
            }
        }
        opts.vendors.clone()
    };
    let out = root.join("target").join("contract");
    fs::create_dir_all(&out).map_err(|e| format!("{}: cannot create: {e}", out.display()))?;
    let prism = prism::install(&out)?;
    // Every vendor's binary, whichever are run: the runner's manifest stays the same
    // from run to run, so nothing is rebuilt for choosing other vendors.
    let runner = runner::build(&root, &out, &all)?;

    let mut runs = Vec::new();
    let mut problems = Vec::new();
    for vendor in &selected {
        let inputs = read_vendor(&root, vendor)?;
        let normalized = inputs.normalized_document()?;
        let doc_path = out.join(format!("{vendor}.openapi.json"));
        write_json(&doc_path, &normalized)?;
        let mut documents = vec![("normalized".to_owned(), doc_path)];
        if opts.original {
            if let Some(original) = inputs.original_path(&out)? {
                documents.push(("original".to_owned(), original));
            }
        }
        for (which, doc) in documents {
            let label = format!("{vendor} ({which} document)");
            match run_vendor(&prism, &runner, vendor, &doc, opts) {
                Ok((results, timings)) => runs.push(VendorRun {
                    label,
                    results,
                    timings,
                    original: which == "original",
                }),
                Err(e) => problems.push(format!("{label}: {e}")),
            }
        }
    }
    let report = render_report(&runs, &problems, opts);
    let report_path = out.join("report.md");
    fs::write(&report_path, &report)
        .map_err(|e| format!("{}: cannot write: {e}", report_path.display()))?;
    println!("{report}");
    println!("report written to {}", report_path.display());
    if !problems.is_empty() {
        return Err(format!(
            "{} vendor run(s) could not complete",
            problems.len()
        ));
    }
    // The vendors' original documents lack the fixes our clients are built on: their
    // runs are reported, not judged.
    let failed: usize = runs
        .iter()
        .filter(|r| !r.original)
        .map(|r| {
            r.results
                .iter()
                .filter(|c| !c.decoded() && !c.unjudged())
                .count()
        })
        .sum();
    if opts.strict && failed > 0 {
        return Err(format!("{failed} call(s) were not accepted and decoded"));
    }
    Ok(())
}

fn run_vendor(
    prism: &Path,
    runner: &runner::Runner,
    vendor: &str,
    doc: &Path,
    opts: &ContractOptions,
) -> Result<(Vec<CallResult>, (f64, f64)), String> {
    let started = Instant::now();
    let log = doc.with_extension("prism.log");
    let server = prism::Server::start(prism, doc, opts.dynamic, &log)?;
    let ready = started.elapsed().as_secs_f64();
    let calls = Instant::now();
    let lines = runner.run(vendor, &server.base_url(), opts.sample)?;
    let elapsed = calls.elapsed().as_secs_f64();
    drop(server);
    let results = lines
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(parse_result)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((results, (ready, elapsed)))
}

fn parse_result(line: &str) -> Result<CallResult, String> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("runner printed `{line}`: {e}"))?;
    let field = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    Ok(CallResult {
        operation: field("operation"),
        request: field("request"),
        result: field("result"),
        detail: field("detail"),
        body: field("body"),
    })
}

fn render_report(runs: &[VendorRun], problems: &[String], opts: &ContractOptions) -> String {
    let mut out = String::from("# Contract tests against Prism\n\n");
    let _ = writeln!(
        out,
        "Mode: {}; {}.\n",
        if opts.dynamic {
            "dynamic responses (`--dynamic`)"
        } else {
            "static responses (examples)"
        },
        match opts.sample {
            Some(n) => format!("a sample of at most {n} operations per vendor"),
            None => "every operation".to_owned(),
        }
    );
    out.push_str(
        "Responses decoded are counted over the calls Prism could answer validly; \
         \"Prism could not answer\" counts its own answers that violated the document \
         (the request was accepted).\n\n",
    );
    out.push_str("| vendor | operations called | requests Prism accepted | responses decoded | Prism could not answer | Prism start | calls |\n|---|---|---|---|---|---|---|\n");
    for run in runs {
        let n = run.results.len();
        let accepted = run.results.iter().filter(|c| c.accepted()).count();
        let unjudged = run.results.iter().filter(|c| c.unjudged()).count();
        let decoded = run.results.iter().filter(|c| c.decoded()).count();
        let _ = writeln!(
            out,
            "| {} | {n} | {accepted} ({}) | {decoded} ({}) | {unjudged} | {:.1} s | {:.1} s |",
            run.label,
            percent(accepted, n),
            percent(decoded, n - unjudged),
            run.timings.0,
            run.timings.1
        );
    }
    for problem in problems {
        let _ = writeln!(out, "\n**Could not run:** {problem}");
    }
    for run in runs {
        let failures: Vec<&CallResult> = run.results.iter().filter(|c| !c.decoded()).collect();
        if failures.is_empty() {
            continue;
        }
        let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &failures {
            *by_kind.entry(f.result.as_str()).or_default() += 1;
        }
        let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        let _ = writeln!(
            out,
            "\n## {}: {} failure(s) ({})\n\n| operation | result | what Prism said / our error | what we sent |\n|---|---|---|---|",
            run.label,
            failures.len(),
            kinds.join(", ")
        );
        for f in failures {
            let sent = if f.body.is_empty() {
                f.request.clone()
            } else {
                format!("{} {}", f.request, f.body)
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                f.operation,
                f.result,
                cell(&f.detail),
                cell(&sent)
            );
        }
    }
    out
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "n/a".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// A table cell: one line, pipes escaped, at most 400 characters.
fn cell(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut cut: String = one_line.chars().take(400).collect();
    if cut.len() < one_line.len() {
        cut.push('…');
    }
    cut.replace('|', "\\|")
}

fn write_json(path: &PathBuf, value: &Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    fs::write(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}
