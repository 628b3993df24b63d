//! Every Cargo feature of a generated crate built alone: the debug build of the crate
//! with `--no-default-features --features F`, for each feature F of its `[features]`
//! table but `default` and `all`. The one-feature target (under 5 s of CPU) is about the
//! feature a user enables for the operations they call, so the report separates a
//! group's own feature (it enables no other feature) from an umbrella (a group compiled
//! in parts, whose feature enables all of them).

use std::fmt::Write as _;
use std::path::Path;

use super::compile::{Case, crate_lib, measure_case};
use super::measure::Summary;
use super::reach;
use super::{Ctx, Table, cpu_secs, mib, rust_lines};

/// The one-feature target, CPU seconds.
const TARGET_CPU_SECS: f64 = 5.0;

/// The crates swept: (vendor directory, package).
const CRATES: [(&str, &str); 2] = [("palette", "palette-api"), ("cloudcasa", "cloudcasa-api")];

/// One feature's build.
struct Built {
    feature: String,
    /// The features it enables (empty for a group's own feature).
    enables: usize,
    /// Model types it compiles.
    types: usize,
    result: Result<Summary, String>,
}

/// The section: each crate's features, slowest first.
pub fn run(ctx: &mut Ctx) -> String {
    // One build per feature unless `--reps` asks for more: a sweep of a hundred
    // features is the point, and the compile section repeats the ones it names.
    let reps = ctx.opts.reps.map_or(1, |r| r.min(5));
    let mut md = format!(
        "Each feature built alone: `CARGO_INCREMENTAL=0 cargo build -p PACKAGE \
         --no-default-features --features F` after touching `src/lib.rs`, its dependencies \
         built before, {reps} timed build(s) each (median). A *group* feature enables no \
         other feature: the operations of one resource group. An *umbrella* enables the \
         parts of a group compiled in parts, or several groups. Target: a group feature \
         under {TARGET_CPU_SECS:.0} s of CPU.\n"
    );
    for (vendor, package) in CRATES {
        let dir = ctx.root.join("generated").join(vendor);
        match sweep(ctx, &dir, package, reps) {
            Ok(built) => md.push_str(&report(package, &built)),
            Err(e) => ctx.problem(format!("{package}: {e}")),
        }
    }
    md
}

/// Builds each feature of the crate in `dir`.
fn sweep(ctx: &mut Ctx, dir: &Path, package: &str, reps: usize) -> Result<Vec<Built>, String> {
    let manifest = dir.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let table = reach::feature_table(&text).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let lines = rust_lines(&dir.join("src"));
    let target_dir = ctx.scratch.join("compile-target");
    let mut built = Vec::new();
    let features = table
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "default" | "all"));
    for (feature, enables) in features {
        let case = Case {
            label: format!("{package}, feature `{feature}`"),
            workspace: ctx.root.clone(),
            target_dir: target_dir.clone(),
            package: package.to_owned(),
            args: vec![
                "--no-default-features".to_owned(),
                "--features".to_owned(),
                feature.clone(),
            ],
            lib_rs: crate_lib(dir),
            lines,
            operations: 0,
        };
        eprintln!("bench: build {} x{reps}", case.label);
        let result = measure_case(ctx, &case, reps);
        if let Err(e) = &result {
            ctx.problem(format!("{}: {e}", case.label));
        }
        let types = reach::model_types(dir, &[feature.as_str()])?.enabled;
        built.push(Built {
            feature: feature.clone(),
            enables: enables.len(),
            types,
            result,
        });
    }
    Ok(built)
}

/// The crate's summary line and table, slowest first.
fn report(package: &str, built: &[Built]) -> String {
    let cpu = |b: &Built| b.result.as_ref().map_or(f64::NAN, |s| s.cpu);
    let mut order: Vec<&Built> = built.iter().collect();
    order.sort_by(|a, b| cpu(b).total_cmp(&cpu(a)).then(a.feature.cmp(&b.feature)));

    let groups: Vec<&Built> = order.iter().copied().filter(|b| b.enables == 0).collect();
    let failed = built.iter().filter(|b| b.result.is_err()).count();
    let over: Vec<&str> = groups
        .iter()
        .filter(|b| cpu(b).is_nan() || cpu(b) >= TARGET_CPU_SECS)
        .map(|b| b.feature.as_str())
        .collect();
    let mut md = format!("\n### {package}\n\n");
    match groups.first() {
        None => md.push_str("No group features.\n"),
        Some(slowest) => {
            let _ = writeln!(
                md,
                "**{} of {} group features build under {TARGET_CPU_SECS:.0} s of CPU** \
                 (the slowest, `{}`: {}, {} model types){}.{}",
                groups.len() - over.len(),
                groups.len(),
                slowest.feature,
                cpu_secs(cpu(slowest)),
                slowest.types,
                if over.is_empty() {
                    String::new()
                } else {
                    format!("; not: `{}`", over.join("`, `"))
                },
                if failed == 0 {
                    String::new()
                } else {
                    format!(" {failed} build(s) failed (listed below).")
                },
            );
        }
    }
    let mut table = Table::new(&["feature", "kind", "model types", "CPU", "peak memory"]);
    for b in order {
        let kind = if b.enables == 0 {
            "group".to_owned()
        } else {
            format!("umbrella of {}", b.enables)
        };
        let (cpu_cell, mem) = match &b.result {
            Ok(s) => (cpu_secs(s.cpu), mib(s.rss_mib)),
            Err(_) => ("failed".to_owned(), "–".to_owned()),
        };
        table.row(&[
            format!("`{}`", b.feature),
            kind,
            b.types.to_string(),
            cpu_cell,
            mem,
        ]);
    }
    md.push('\n');
    md.push_str(&table.render());
    md
}
