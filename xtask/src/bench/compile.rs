//! Compile cost of generated crates: a debug `cargo build` of the crate alone, its
//! dependencies prebuilt (build once, `touch src/lib.rs`, rebuild with
//! `CARGO_INCREMENTAL=0`), measured over the whole cargo process tree. For palette-api
//! and cloudcasa-api with all features and with one feature, and for progenitor's output
//! next to ours on each peer document progenitor accepts.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use super::generation::{self, Outcome};
use super::measure::{Cmd, Sample, Summary};
use super::reach;
use super::{Ctx, Table, cpu_secs, mib, rust_lines, secs, touch};

/// Exact versions of what progenitor's generated code needs (its README's list), for the
/// scratch crates; `bench/progenitor-runner/scratch.Cargo.lock` pins the rest.
const PROGENITOR_CLIENT_DEPS: &str = r#"base64 = "=0.23.1"
chrono = { version = "=0.4.45", features = ["serde"] }
futures = "=0.3.34"
progenitor-client = "=0.15.1"
rand = "=0.10.4"
regress = "=0.12.0"
reqwest = { version = "=0.13.5", default-features = false, features = ["json", "query", "stream"] }
serde = { version = "=1.0.229", features = ["derive"] }
serde_json = "=1.0.154"
uuid = { version = "=1.29.3", features = ["serde", "v4"] }
"#;

/// The profile of the main workspace, so every scratch crate builds the same way.
const PROFILE: &str = "[profile.dev]\ndebug = \"line-tables-only\"\n\n\
[profile.dev.package.\"*\"]\ndebug = false\n";

/// One crate to build.
pub(super) struct Case {
    /// For the table.
    pub(super) label: String,
    /// The workspace it builds in.
    pub(super) workspace: PathBuf,
    /// Its target directory.
    pub(super) target_dir: PathBuf,
    /// The package.
    pub(super) package: String,
    /// Extra `cargo build` arguments (features, --release).
    pub(super) args: Vec<String>,
    /// The file touched before each build.
    pub(super) lib_rs: PathBuf,
    /// Lines of generated Rust.
    pub(super) lines: usize,
    /// Operations of the document.
    pub(super) operations: usize,
}

impl Case {
    fn cmd(&self, ctx: &Ctx) -> Cmd {
        self.cargo(ctx, "build")
    }

    /// `cargo SUBCOMMAND -p PACKAGE ARGS` in the case's workspace and target directory,
    /// without incremental compilation.
    fn cargo(&self, ctx: &Ctx, subcommand: &str) -> Cmd {
        ctx.cargo(&self.workspace)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env("CARGO_TERM_COLOR", "never")
            .args([subcommand, "-p", &self.package])
            .args(self.args.iter().map(String::as_str))
    }
}

/// Builds `case` once to have its dependencies, then `reps` times after touching its
/// `lib.rs`. A timed build that recompiled anything else (a dependency edited meanwhile)
/// is discarded and retried.
pub(super) fn measure_case(ctx: &Ctx, case: &Case, reps: usize) -> Result<Summary, String> {
    let cmd = case.cmd(ctx);
    let mut samples: Vec<Sample> = Vec::new();
    let mut attempts = 0;
    while samples.len() < reps {
        attempts += 1;
        if attempts > reps * 2 + 1 {
            return Err(format!(
                "`{}`: other crates kept being rebuilt (dependencies edited during the run?)",
                ctx.show(&cmd)
            ));
        }
        let warm = cmd.output()?;
        if !warm.status.success() {
            return Err(format!(
                "`{}` failed ({}):\n{}",
                ctx.show(&cmd),
                warm.status,
                warm.tail(15)
            ));
        }
        touch(&case.lib_rs)?;
        let (sample, done) = ctx.timer.run(&cmd, &ctx.scratch.join("tmp"))?;
        if !done.status.success() {
            return Err(format!(
                "`{}` failed ({}):\n{}",
                ctx.show(&cmd),
                done.status,
                done.tail(15)
            ));
        }
        let compiled: Vec<&str> = done
            .stderr
            .lines()
            .map(str::trim_start)
            .filter(|l| l.starts_with("Compiling "))
            .collect();
        let ours = format!("Compiling {} ", case.package);
        if compiled.len() == 1 && compiled[0].starts_with(&ours) {
            samples.push(sample);
        } else if compiled.is_empty() {
            return Err(format!(
                "`{}` compiled nothing after touching {}",
                ctx.show(&cmd),
                ctx.rel(&case.lib_rs)
            ));
        } else {
            eprintln!(
                "bench: {}: the timed build also compiled {:?}; discarded and repeated",
                case.label, compiled
            );
        }
    }
    Ok(Summary::of(&samples))
}

pub(super) fn crate_lib(dir: &Path) -> PathBuf {
    dir.join("src").join("lib.rs")
}

/// The compile section.
pub fn run(ctx: &mut Ctx) -> String {
    let mut md = String::new();
    let reps = ctx.build_reps();
    let (vendors, peers) = generation::documents(ctx);
    let ops = |name: &str| {
        vendors
            .iter()
            .find(|d| d.name == name)
            .map_or(0, |d| d.operations)
    };

    // The vendors' crates, in the main workspace with a target directory of their own.
    let target = ctx.scratch.join("compile-target");
    let mut cases = Vec::new();
    let vendor_cases: &[(&str, &str, &str, &[&str])] = &[
        ("palette-api, all features", "palette", "palette-api", &[]),
        (
            "palette-api, feature `projects`",
            "palette",
            "palette-api",
            &["--no-default-features", "--features", "projects"],
        ),
        (
            "palette-api, feature `spectroclusters`",
            "palette",
            "palette-api",
            &["--no-default-features", "--features", "spectroclusters"],
        ),
        (
            "palette-api, features `projects`, `spectroclusters-core`, `spectroclusters-aws` (clusters and projects on one cloud)",
            "palette",
            "palette-api",
            &[
                "--no-default-features",
                "--features",
                "projects,spectroclusters-core,spectroclusters-aws",
            ],
        ),
        (
            "palette-api, no operation group (the fixed cost)",
            "palette",
            "palette-api",
            &["--no-default-features"],
        ),
        (
            "palette-api, part `spectroclusters-aws`",
            "palette",
            "palette-api",
            &["--no-default-features", "--features", "spectroclusters-aws"],
        ),
        (
            "palette-api, part `spectroclusters-vms` (the heaviest)",
            "palette",
            "palette-api",
            &["--no-default-features", "--features", "spectroclusters-vms"],
        ),
        (
            "cloudcasa-api, all features",
            "cloudcasa",
            "cloudcasa-api",
            &[],
        ),
        (
            "cloudcasa-api, feature `kubecluster`",
            "cloudcasa",
            "cloudcasa-api",
            &["--no-default-features", "--features", "kubecluster"],
        ),
    ];
    for (label, vendor, package, args) in vendor_cases {
        let dir = ctx.root.join("generated").join(vendor);
        cases.push(Case {
            label: (*label).to_owned(),
            workspace: ctx.root.clone(),
            target_dir: target.clone(),
            package: (*package).to_owned(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            lib_rs: crate_lib(&dir),
            lines: rust_lines(&dir.join("src")),
            operations: ops(vendor),
        });
    }
    if ctx.opts.release_builds {
        for (label, vendor, package) in [
            (
                "palette-api, all features, release",
                "palette",
                "palette-api",
            ),
            (
                "cloudcasa-api, all features, release",
                "cloudcasa",
                "cloudcasa-api",
            ),
        ] {
            let dir = ctx.root.join("generated").join(vendor);
            cases.push(Case {
                label: label.to_owned(),
                workspace: ctx.root.clone(),
                target_dir: target.clone(),
                package: package.to_owned(),
                args: vec!["--release".to_owned()],
                lib_rs: crate_lib(&dir),
                lines: rust_lines(&dir.join("src")),
                operations: ops(vendor),
            });
        }
    }

    // Calling code: the generated crates' per-operation methods are `#[inline]`, so they
    // are compiled in the crate that calls them (docs/DESIGN-NOTES.md). What that costs a
    // small program, and a crate calling every operation of all four vendors.
    let callers = [
        (
            "a program calling one Palette operation (`examples/list_clusters_in_project.rs`)",
            "palette-api",
            vec!["--example", "list_clusters_in_project"],
            ctx.root
                .join("generated/palette/examples/list_clusters_in_project.rs"),
            1,
        ),
        (
            "a crate calling every operation of the four vendors (`tests/tests/all_operations.rs`)",
            "integration-tests",
            vec!["--test", "all_operations"],
            ctx.root.join("tests/tests/all_operations.rs"),
            // Every operation generated (`0` below: "all").
            0,
        ),
    ];
    let caller_cases: Vec<Case> = callers
        .into_iter()
        .map(|(label, package, args, file, operations)| Case {
            label: label.to_owned(),
            workspace: ctx.root.clone(),
            target_dir: target.clone(),
            package: package.to_owned(),
            args: args.into_iter().map(str::to_owned).collect(),
            lib_rs: file,
            lines: 0,
            operations,
        })
        .collect();

    let mut results: Vec<(Case, Result<Summary, String>)> = Vec::new();
    for case in cases {
        eprintln!("bench: build {} x{reps}", case.label);
        let result = measure_case(ctx, &case, reps);
        if let Err(e) = &result {
            ctx.problem(format!("{}: {e}", case.label));
        }
        results.push((case, result));
    }

    // Peers: progenitor's output and ours, on the documents progenitor accepts.
    let mut peer_results: Vec<(String, usize, Option<Case>, Option<Case>)> = Vec::new();
    let mut not_accepted: Vec<String> = Vec::new();
    match generation::progenitor_runner(ctx) {
        Err(e) => ctx.problem(format!("progenitor's output not compiled: {e}")),
        Ok(runner) => {
            let pg_root = ctx.scratch.join("progenitor-crates");
            let ours_root = ctx.scratch.join("ours-peer-crates");
            for dir in [&pg_root, &ours_root] {
                let _ = fs::remove_dir_all(dir);
            }
            let runtime = ctx.root.join("runtime");
            let runtime = runtime.canonicalize().unwrap_or(runtime);
            let runtime_path = runtime.display().to_string();
            let mut pg_members = Vec::new();
            let mut ours_members = Vec::new();
            for doc in &peers {
                let outcome = generation::progenitor_once(ctx, &runner, &doc.path, &doc.name);
                if !matches!(outcome, Outcome::Ok(_)) {
                    not_accepted.push(doc.name.clone());
                    continue;
                }
                let pg_name = format!("pg-{}", xtask::peers::crate_name(&doc.name));
                let pg_dir = pg_root.join(&doc.name);
                let written = fs::create_dir_all(pg_dir.join("src"))
                    .and_then(|()| {
                        fs::copy(
                            generation::progenitor_out(ctx, &doc.name),
                            crate_lib(&pg_dir),
                        )
                    })
                    .and_then(|_| {
                        fs::write(
                            pg_dir.join("Cargo.toml"),
                            format!(
                                "[package]\nname = \"{pg_name}\"\nversion = \"0.0.0\"\n\
                                 edition = \"2021\"\npublish = false\n\n[dependencies]\n\
                                 {PROGENITOR_CLIENT_DEPS}"
                            ),
                        )
                    });
                let pg_case = match written {
                    Ok(()) => {
                        pg_members.push(doc.name.clone());
                        Some(Case {
                            label: format!("progenitor: {}", doc.name),
                            workspace: pg_root.clone(),
                            target_dir: ctx.scratch.join("progenitor-crates-target"),
                            package: pg_name,
                            args: Vec::new(),
                            lib_rs: crate_lib(&pg_dir),
                            lines: rust_lines(&pg_dir.join("src")),
                            operations: doc.operations,
                        })
                    }
                    Err(e) => {
                        ctx.problem(format!(
                            "{}: cannot write progenitor's crate: {e}",
                            doc.name
                        ));
                        None
                    }
                };
                let result = xtask::peers::generate_peer(&doc.path, &runtime_path, false);
                let ours_dir = ours_root.join(&doc.name);
                let ours_case = match result.generated.and_then(|g| {
                    xtask::fsutil::write_tree(&ours_dir, &g.files, &["src"]).map(|_| ())
                }) {
                    Ok(()) => {
                        ours_members.push(doc.name.clone());
                        Some(Case {
                            label: format!("ours: {}", doc.name),
                            workspace: ours_root.clone(),
                            target_dir: ctx.scratch.join("ours-peer-crates-target"),
                            package: result.crate_name.clone(),
                            args: Vec::new(),
                            lib_rs: crate_lib(&ours_dir),
                            lines: rust_lines(&ours_dir.join("src")),
                            operations: doc.operations,
                        })
                    }
                    Err(e) => {
                        ctx.problem(format!("{}: our generator failed: {e}", doc.name));
                        None
                    }
                };
                peer_results.push((doc.name.clone(), doc.operations, pg_case, ours_case));
            }
            let lock_pg = ctx
                .root
                .join("bench")
                .join("progenitor-runner")
                .join("scratch.Cargo.lock");
            let lock_ours = ctx.root.join("Cargo.lock");
            for (dir, members, lock) in [
                (&pg_root, &pg_members, lock_pg),
                (&ours_root, &ours_members, lock_ours),
            ] {
                if members.is_empty() {
                    continue;
                }
                let list: Vec<String> = members.iter().map(|m| format!("  \"{m}\",")).collect();
                let manifest = format!(
                    "# Written by `cargo xtask bench --compile`; replaced by every run.\n\
                     [workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n\n{PROFILE}",
                    list.join("\n")
                );
                if let Err(e) = fs::write(dir.join("Cargo.toml"), manifest) {
                    ctx.problem(format!("{}: cannot write: {e}", dir.display()));
                }
                if lock.is_file() {
                    let _ = fs::copy(&lock, dir.join("Cargo.lock"));
                }
            }
        }
    }
    let mut caller_results: Vec<(Case, Result<Summary, String>)> = Vec::new();
    for case in caller_cases {
        eprintln!("bench: build {} x{reps}", case.label);
        let result = measure_case(ctx, &case, reps);
        if let Err(e) = &result {
            ctx.problem(format!("{}: {e}", case.label));
        }
        caller_results.push((case, result));
    }

    let mut peer_summaries = Vec::new();
    for (name, operations, pg, ours) in peer_results {
        let mut measured = |case: Option<Case>| -> Option<(Case, Result<Summary, String>)> {
            let case = case?;
            eprintln!("bench: build {} x{reps}", case.label);
            let result = measure_case(ctx, &case, reps);
            if let Err(e) = &result {
                ctx.problem(format!("{}: {e}", case.label));
            }
            Some((case, result))
        };
        let pg = measured(pg);
        let ours = measured(ours);
        peer_summaries.push((name, operations, pg, ours));
    }

    // Report.
    let _ = writeln!(
        md,
        "Each crate is built once (dependencies), then {reps} time(s) after `touch \
         src/lib.rs`, so only the crate itself compiles; the table gives medians. CPU is \
         user+sys of the whole cargo process tree; max RSS is that of its largest process \
         (rustc compiling the crate). Debug profile of the main workspace \
         (`debug = \"line-tables-only\"`), `CARGO_INCREMENTAL=0`.\n"
    );
    md.push_str("```sh\n");
    if let Some((case, _)) = results.first() {
        let _ = writeln!(md, "{}   # once", ctx.show(&case.cmd(ctx)));
        let _ = writeln!(md, "touch {}", ctx.rel(&case.lib_rs));
        let _ = writeln!(md, "{}   # measured", ctx.show(&case.cmd(ctx)));
    }
    md.push_str("```\n\n");
    let mut table = Table::new(&[
        "crate",
        "wall",
        "CPU",
        "max RSS",
        "lines of Rust (whole crate)",
        "operations",
        "lines / op",
    ]);
    for (case, result) in &results {
        let (wall, cpu, rss) = cells(result);
        table.row(&[
            case.label.clone(),
            wall,
            cpu,
            rss,
            case.lines.to_string(),
            case.operations.to_string(),
            per_op(case.lines, case.operations),
        ]);
    }
    md.push_str(&table.render());

    md.push_str("\n### What calling code compiles\n\n");
    md.push_str(
        "A generated crate's per-operation methods are `#[inline]`, so they are compiled in \
         the crate that calls them, for the operations it calls (docs/DESIGN-NOTES.md, \
         \"The crate still compiled every operation's request\"). The calling crate is \
         rebuilt the same way as above: built once, then after touching the file named, \
         with the generated crates prebuilt.\n\n",
    );
    let mut table = Table::new(&[
        "calling crate",
        "operations called",
        "wall",
        "CPU",
        "max RSS",
    ]);
    for (case, result) in &caller_results {
        let (wall, cpu, rss) = cells(result);
        let called = match case.operations {
            0 => "all".to_owned(),
            n => n.to_string(),
        };
        table.row(&[case.label.clone(), called, wall, cpu, rss]);
    }
    md.push_str(&table.render());

    md.push_str(
        "\n### progenitor's output next to ours, on the peer documents progenitor accepts\n\n",
    );
    let _ = writeln!(
        md,
        "progenitor's output (`bench/progenitor-runner`, default settings) is built as a \
         crate with the dependencies its README lists (`progenitor-client`, `reqwest` 0.13, \
         `serde`, `serde_json`, `futures`, `chrono`, `uuid`, `regress`, `base64`, `rand`), \
         ours as generated by `cargo xtask peers`; each in a scratch workspace under \
         `target/bench/` with the same profile.{}\n",
        if not_accepted.is_empty() {
            String::new()
        } else {
            format!(
                " Not accepted by progenitor, so not compared: {}.",
                not_accepted.join(", ")
            )
        }
    );
    let mut table = Table::new(&[
        "document",
        "operations",
        "progenitor: wall / CPU / max RSS",
        "progenitor lines (lines/op)",
        "ours: wall / CPU / max RSS",
        "ours lines (lines/op)",
    ]);
    for (name, operations, pg, ours) in &peer_summaries {
        let side = |m: &Option<(Case, Result<Summary, String>)>| match m {
            Some((case, result)) => {
                let (wall, cpu, rss) = cells(result);
                (
                    format!("{wall} / {cpu} / {rss}"),
                    format!("{} ({})", case.lines, per_op(case.lines, *operations)),
                )
            }
            None => ("–".to_owned(), "–".to_owned()),
        };
        let (pg_time, pg_lines) = side(pg);
        let (ours_time, ours_lines) = side(ours);
        table.row(&[
            name.clone(),
            operations.to_string(),
            pg_time,
            pg_lines,
            ours_time,
            ours_lines,
        ]);
    }
    md.push_str(&table.render());

    // Targets.
    md.push_str("\n### Targets\n\n");
    let mut table = Table::new(&["target", "measured", "verdict"]);
    let find = |label: &str| {
        results
            .iter()
            .find(|(c, _)| c.label == label)
            .and_then(|(_, r)| r.as_ref().ok())
    };
    match find("palette-api, all features") {
        Some(s) => {
            table.row(&[
                "palette-api debug build, all features: < 30 s CPU".into(),
                format!("{} CPU ({} wall)", cpu_secs(s.cpu), secs(s.wall)),
                if s.cpu.is_nan() {
                    "not measured".into()
                } else {
                    generation::verdict(s.cpu < 30.0)
                },
            ]);
            table.row(&[
                "palette-api debug build, all features: < 2 GB".into(),
                mib(s.rss_mib),
                if s.rss_mib.is_nan() {
                    "not measured".into()
                } else {
                    generation::verdict(s.rss_mib < 2048.0)
                },
            ]);
        }
        None => table.row(&[
            "palette-api debug build, all features".into(),
            "failed".into(),
            "not measured".into(),
        ]),
    }
    for label in [
        "palette-api, feature `projects`",
        "palette-api, feature `spectroclusters`",
        "palette-api, features `projects`, `spectroclusters-core`, `spectroclusters-aws` (clusters and projects on one cloud)",
        "palette-api, part `spectroclusters-aws`",
        "palette-api, part `spectroclusters-vms` (the heaviest)",
    ] {
        if let Some(s) = find(label) {
            let cpu = if s.cpu.is_nan() { s.wall } else { s.cpu };
            table.row(&[
                format!("{label}: < 5 s"),
                format!("{} CPU ({} wall)", cpu_secs(s.cpu), secs(s.wall)),
                generation::verdict(cpu < 5.0),
            ]);
        }
    }
    md.push_str(&table.render());
    md.push_str(
        "\nThe one-feature target is judged on CPU seconds (wall time on a shared machine \
         varies with load). A group reaching more than `split_groups_above_types` model \
         types is also compiled in parts, one feature per resource under its path; the \
         group's own feature enables all of its parts. The model types only one group \
         reaches are in that group's file under `src/models/`, which the compiler does \
         not read unless the group (or one of its parts) is enabled.\n",
    );
    md.push_str(&why_group_costs(ctx, &|label| find(label).cloned()));
    let palette_missed = find("palette-api, all features").is_some_and(|s| s.cpu >= 30.0);
    if let (true, Some((case, _))) = (
        palette_missed,
        results
            .iter()
            .find(|(c, _)| c.label == "palette-api, all features"),
    ) {
        md.push_str(&why_build_missed(ctx, case));
    }
    md
}

/// Why a whole group (`spectroclusters`) costs what it does: the model types it reaches,
/// against the crate's fixed cost (nothing enabled) and a small group. Empty when the
/// group meets the target.
fn why_group_costs(ctx: &mut Ctx, find: &dyn Fn(&str) -> Option<Summary>) -> String {
    let group = find("palette-api, feature `spectroclusters`");
    let fixed = find("palette-api, no operation group (the fixed cost)");
    let small = find("palette-api, feature `projects`");
    let combo = find(
        "palette-api, features `projects`, `spectroclusters-core`, `spectroclusters-aws` (clusters and projects on one cloud)",
    );
    let (Some(group), Some(fixed)) = (group, fixed) else {
        return String::new();
    };
    if group.cpu < 5.0 {
        return String::new();
    }
    let dir = ctx.root.join("generated/palette");
    let mut reached = |features: &[&str]| match reach::model_types(&dir, features) {
        Ok(reach) => Some(reach),
        Err(e) => {
            ctx.problem(format!("model types reached: {e}"));
            None
        }
    };
    let (Some(whole), Some(none), Some(projects)) = (
        reached(&["spectroclusters"]),
        reached(&[]),
        reached(&["projects"]),
    ) else {
        return String::new();
    };
    let mut out = format!(
        "\n**Why `spectroclusters` as a whole misses 5 s.** It reaches {} of Palette's {} \
         model types (cluster specifications for every cloud), `projects` {}. With no \
         group enabled the crate costs {} CPU (reading the generated source and the \
         client); the rest of `spectroclusters` is about {:.1} ms of CPU per model type \
         reached, operations included",
        whole.enabled,
        whole.total,
        projects.enabled,
        cpu_secs(fixed.cpu),
        (group.cpu - fixed.cpu) * 1000.0 / (whole.enabled - none.enabled).max(1) as f64,
    );
    if let Some(small) = small {
        let per_type =
            (small.cpu - fixed.cpu) * 1000.0 / (projects.enabled - none.enabled).max(1) as f64;
        let _ = write!(out, " (`projects`: {per_type:.1} ms)");
    }
    out.push_str(
        ". That is the code each model type needs (derived `Debug`, `Clone`, `PartialEq`, \
         written-out `Serialize` and `Deserialize`), which docs/DESIGN-NOTES.md (\"What a \
         whole tag costs\") breaks down; the group is split so that a user compiles the \
         resources they call",
    );
    if let Some(combo) = combo {
        let _ = write!(
            out,
            ": clusters and projects on one cloud build in {} CPU",
            cpu_secs(combo.cpu)
        );
    }
    out.push_str(".\n");
    out
}

/// rustc's passes that matter for a large generated crate, as `-Ztime-passes` names them.
const PASSES: &[(&str, &str)] = &[
    ("expand_crate", "macro expansion"),
    ("type_check_crate", "type-check"),
    ("MIR_borrow_checking", "borrow-check"),
    ("generate_crate_metadata", "metadata"),
    ("codegen_crate", "codegen to LLVM IR"),
    ("LLVM_passes", "LLVM"),
    ("total", "total"),
];

/// Where rustc spends the Palette build: one more build of `case` with `-Ztime-passes`
/// (`RUSTC_BOOTSTRAP=1` lets the stable compiler take the flag; this build is not timed).
fn why_build_missed(ctx: &mut Ctx, case: &Case) -> String {
    if let Err(e) = touch(&case.lib_rs) {
        ctx.problem(format!("-Ztime-passes build: {e}"));
        return String::new();
    }
    let cmd = case
        .cargo(ctx, "rustc")
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["--", "-Ztime-passes"]);
    let done = match cmd.output() {
        Ok(done) if done.status.success() => done,
        Ok(done) => {
            ctx.problem(format!("`{}` failed: {}", ctx.show(&cmd), done.tail(10)));
            return String::new();
        }
        Err(e) => {
            ctx.problem(format!("`{}`: {e}", ctx.show(&cmd)));
            return String::new();
        }
    };
    let seconds = |pass: &str| {
        done.stderr.lines().find_map(|line| {
            let rest = line.strip_prefix("time:")?;
            let (time, _) = rest.split_once(';')?;
            (line.split_whitespace().last()? == pass)
                .then(|| time.trim().parse::<f64>().ok())
                .flatten()
        })
    };
    let parts: Vec<String> = PASSES
        .iter()
        .filter_map(|(pass, label)| seconds(pass).map(|s| format!("{label} {s:.1} s")))
        .collect();
    if parts.is_empty() {
        ctx.problem("-Ztime-passes printed no pass times");
        return String::new();
    }
    format!(
        "\n**Why the Palette build misses 30 s.** One more build with `-Ztime-passes` \
         (`RUSTC_BOOTSTRAP=1 cargo rustc -p palette-api -- -Ztime-passes`, untimed, \
         wall seconds of the rustc process; passes overlap, so they do not add up): {}. \
         Most of it is type-checking and borrow-checking the code of about 2,000 model \
         types (written-out `Serialize`/`Deserialize`, derived `Debug`/`Clone`/`PartialEq`) \
         and 1,181 request builders; little machine code is generated, since the \
         per-operation methods are compiled where they are called. docs/DESIGN-NOTES.md \
         (\"What the compiler spends a generated crate's build on\") has the per-item \
         profile and what was cut.\n",
        parts.join(", ")
    )
}

fn cells(result: &Result<Summary, String>) -> (String, String, String) {
    match result {
        Ok(s) => (secs(s.wall), cpu_secs(s.cpu), mib(s.rss_mib)),
        Err(_) => ("failed".to_owned(), "–".to_owned(), "–".to_owned()),
    }
}

fn per_op(lines: usize, operations: usize) -> String {
    if operations == 0 {
        "–".to_owned()
    } else {
        format!("{:.0}", lines as f64 / operations as f64)
    }
}
