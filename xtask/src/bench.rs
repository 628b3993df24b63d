//! `cargo xtask bench`: measures generation (ours next to progenitor and, optionally,
//! OpenAPI Generator), the compile cost of generated crates, and the runtime overhead of
//! the generated clients, and writes `docs/BENCHMARKS.md`.
//!
//! Each part is a section of the document between `<!-- bench:NAME -->` markers; a run
//! replaces the sections it measured and keeps the others, so parts can be re-run alone.
//! Whatever was measured is written even when something fails; failures are listed in the
//! document and make the command exit unsuccessfully.

mod callgrind;
mod compile;
mod features;
mod generation;
mod measure;
mod reach;
mod runtime;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use measure::{Cmd, Timer};

pub const USAGE: &str =
    "  cargo xtask bench [--generation] [--compile] [--runtime] [--quick] [--reps N]
                    [--each-feature] [--release-builds] [--with-openapi-generator]
                    [--note TEXT] [--out FILE]
      measure generation (ours vs progenitor), compile cost of generated crates and runtime
      overhead vs hand-written reqwest+serde; writes docs/BENCHMARKS.md (the first three
      parts by default; a part's flag selects it; sections of parts not run are kept);
      --each-feature builds every feature of the vendors' crates alone (minutes)";

/// Options of `cargo xtask bench`.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Measure generation.
    pub generation: bool,
    /// Measure compile cost.
    pub compile: bool,
    /// Measure runtime overhead.
    pub runtime: bool,
    /// Build every feature of the vendors' crates alone.
    pub each_feature: bool,
    /// Fewer repetitions, shorter criterion runs.
    pub quick: bool,
    /// Repetitions override.
    pub reps: Option<usize>,
    /// Also measure release builds.
    pub release_builds: bool,
    /// Run OpenAPI Generator (needs java and python3).
    pub with_openapi_generator: bool,
    /// A note written at the top of each section measured (e.g. "machine busy").
    pub note: Option<String>,
    /// Where to write (default docs/BENCHMARKS.md).
    pub out: Option<PathBuf>,
}

/// What every part needs.
pub struct Ctx {
    /// Workspace root.
    pub root: PathBuf,
    /// `target/bench`.
    pub scratch: PathBuf,
    /// The measuring method.
    pub timer: Timer,
    /// The cargo to run.
    pub cargo: OsString,
    /// Options.
    pub opts: BenchOptions,
    /// Things asked for that could not be done.
    pub problems: Vec<String>,
}

impl Ctx {
    /// Repetitions of a fast command (generation).
    pub fn gen_reps(&self) -> usize {
        self.opts
            .reps
            .unwrap_or(if self.opts.quick { 3 } else { 10 })
            .max(1)
    }

    /// Repetitions of a build.
    pub fn build_reps(&self) -> usize {
        self.opts
            .reps
            .map(|r| r.min(5))
            .unwrap_or(if self.opts.quick { 1 } else { 3 })
            .max(1)
    }

    /// A `cargo` command run in `dir`, without the variables `cargo run` sets for xtask
    /// that would leak into the measured builds.
    pub fn cargo(&self, dir: &Path) -> Cmd {
        Cmd::new(self.cargo.clone())
            .cwd(dir)
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("CARGO_PKG_NAME")
    }

    /// `path` relative to the root, for the report.
    pub fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// A command for the report: paths under the root made relative.
    pub fn show(&self, cmd: &Cmd) -> String {
        let mut cmd = cmd.clone();
        if cmd.program == self.cargo {
            cmd.program = "cargo".into();
        }
        cmd.display()
            .replace(&format!("{}/", self.root.display()), "")
            .replace(
                &format!("CARGO_TARGET_DIR={}", self.root.display()),
                "CARGO_TARGET_DIR=.",
            )
    }

    /// Records a problem and prints it.
    pub fn problem(&mut self, message: impl Into<String>) {
        let message = message.into();
        eprintln!("bench: {message}");
        self.problems.push(message);
    }
}

/// Runs `cargo xtask bench ARGS`.
pub fn run(args: Vec<OsString>) -> Result<(), String> {
    if args.first().is_some_and(|a| a == "--rusage-child") {
        let code = measure::rusage_child(&args[1..])?;
        std::process::exit(code);
    }
    let opts = parse(args)?;
    let root = xtask::workspace_root();
    let scratch = root.join("target").join("bench");
    fs::create_dir_all(&scratch)
        .map_err(|e| format!("{}: cannot create: {e}", scratch.display()))?;
    let timer = Timer::detect();
    if let Timer::WallOnly(reason) = &timer {
        eprintln!("bench: {reason}; measuring wall time only");
    }
    let mut ctx = Ctx {
        root: root.clone(),
        scratch,
        timer,
        cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
        opts,
        problems: Vec::new(),
    };
    let out = ctx
        .opts
        .out
        .clone()
        .unwrap_or_else(|| root.join("docs").join("BENCHMARKS.md"));

    let mut sections: Vec<(&'static str, String)> = Vec::new();
    type Part = fn(&mut Ctx) -> String;
    let parts: [(&'static str, &str, bool, Part); 4] = [
        (
            "generation",
            "Generation",
            ctx.opts.generation,
            generation::run,
        ),
        (
            "compile",
            "Compile cost of generated crates",
            ctx.opts.compile,
            compile::run,
        ),
        (
            "features",
            "Every feature built alone",
            ctx.opts.each_feature,
            features::run,
        ),
        (
            "runtime",
            "Runtime overhead",
            ctx.opts.runtime,
            runtime::run,
        ),
    ];
    for (name, title, selected, part) in parts {
        if !selected {
            continue;
        }
        eprintln!("bench: measuring {name} ...");
        let before = ctx.problems.len();
        let mut text = format!("## {title}\n\n{}", section_header(&ctx));
        text.push_str(&part(&mut ctx));
        if ctx.problems.len() > before {
            text.push_str("\n**Problems in this run:**\n\n");
            for p in &ctx.problems[before..] {
                let _ = writeln!(text, "- {}", p.replace('\n', " "));
            }
        }
        sections.push((name, text));
        // Write after every part: a later failure keeps what was measured.
        write_report(&out, &sections)?;
    }
    eprintln!("bench: wrote {}", out.display());
    if ctx.problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} problem(s), listed in {}:\n  {}",
            ctx.problems.len(),
            out.display(),
            ctx.problems.join("\n  ")
        ))
    }
}

fn parse(args: Vec<OsString>) -> Result<BenchOptions, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut opts = BenchOptions {
        generation: false,
        compile: false,
        runtime: false,
        each_feature: false,
        quick: false,
        reps: None,
        release_builds: false,
        with_openapi_generator: false,
        note: None,
        out: None,
    };
    let usage = |e: String| format!("{e}\nusage:\n{USAGE}");
    while let Some(arg) = parser.next().map_err(|e| usage(e.to_string()))? {
        match arg {
            Long("generation") => opts.generation = true,
            Long("compile") => opts.compile = true,
            Long("runtime") => opts.runtime = true,
            Long("each-feature") => opts.each_feature = true,
            Long("quick") => opts.quick = true,
            Long("release-builds") => opts.release_builds = true,
            Long("with-openapi-generator") => opts.with_openapi_generator = true,
            Long("reps") => {
                let value = parser.value().map_err(|e| usage(e.to_string()))?;
                let n = value
                    .to_str()
                    .and_then(|s| s.parse::<usize>().ok())
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        usage(format!("--reps needs a positive number, not {value:?}"))
                    })?;
                opts.reps = Some(n);
            }
            Long("note") => {
                let value = parser.value().map_err(|e| usage(e.to_string()))?;
                opts.note = Some(value.string().map_err(|e| usage(format!("{e:?}")))?);
            }
            Long("out") => {
                opts.out = Some(PathBuf::from(
                    parser.value().map_err(|e| usage(e.to_string()))?,
                ))
            }
            Long("help") | Short('h') => {
                println!("usage:\n{USAGE}");
                std::process::exit(0);
            }
            other => return Err(usage(other.unexpected().to_string())),
        }
    }
    if !(opts.generation || opts.compile || opts.runtime || opts.each_feature) {
        opts.generation = true;
        opts.compile = true;
        opts.runtime = true;
    }
    Ok(opts)
}

/// Machine, toolchain, date and mode, at the top of each section.
fn section_header(ctx: &Ctx) -> String {
    let mut s = String::new();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or("unknown".to_owned(), |kib| {
            format!("{:.1} GiB", kib / 1024.0 / 1024.0)
        });
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let rustc = Cmd::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .filter(|f| f.status.success())
        .map_or("rustc: unknown".to_owned(), |f| f.stdout.trim().to_owned());
    let load = fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned());
    let _ = writeln!(
        s,
        "_Measured {} on {cores} cores ({cpu}), {mem} RAM, {rustc}; load average at the \
         start {load}; {} mode; measured with {}._\n",
        utc_now(),
        if ctx.opts.quick { "quick" } else { "full" },
        ctx.timer.describe()
    );
    if let Some(note) = &ctx.opts.note {
        let _ = writeln!(s, "> **Note:** {note}\n");
    }
    s
}

/// `YYYY-MM-DD HH:MM UTC` from the system clock.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

const TITLE: &str = "# Benchmarks\n\n\
<!-- Written by `cargo xtask bench` (xtask/src/bench.rs); do not edit by hand. Each section \
is replaced when its part is measured again and kept otherwise. -->\n\n\
Reproduce with `cargo xtask bench` (generation, compile and runtime; `--generation`, \
`--compile`, `--runtime` select parts, `--each-feature` builds every feature of the vendors' \
crates alone, `--quick` runs fewer repetitions, `--release-builds` adds release builds, \
`--with-openapi-generator` adds OpenAPI Generator). Every number is a median over the \
repetitions stated; times are wall seconds unless marked CPU. Only numbers measured in the \
same run, on the same machine, are compared with each other.\n";

const ORDER: [&str; 4] = ["generation", "compile", "features", "runtime"];

/// Writes `sections` into `out`, keeping the sections of parts not measured now.
fn write_report(out: &Path, sections: &[(&'static str, String)]) -> Result<(), String> {
    let old = fs::read_to_string(out).unwrap_or_default();
    let mut text = String::from(TITLE);
    for name in ORDER {
        let start = format!("<!-- bench:{name} -->");
        let end = format!("<!-- /bench:{name} -->");
        let body = match sections.iter().find(|(n, _)| *n == name) {
            Some((_, body)) => Some(body.clone()),
            None => old.find(&start).and_then(|i| {
                let rest = &old[i + start.len()..];
                rest.find(&end).map(|j| rest[..j].trim().to_owned() + "\n")
            }),
        };
        if let Some(body) = body {
            let _ = write!(text, "\n{start}\n{}\n{end}\n", body.trim_end());
        }
    }
    if let Some(parent) = out.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("{}: cannot create: {e}", parent.display()))?;
    }
    fs::write(out, text).map_err(|e| format!("{}: cannot write: {e}", out.display()))
}

/// A Markdown table.
pub struct Table {
    text: String,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[&str]) -> Self {
        let mut text = format!("| {} |\n|", headers.join(" | "));
        for (i, _) in headers.iter().enumerate() {
            text.push_str(if i == 0 { "---|" } else { "---:|" });
        }
        text.push('\n');
        Self { text }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: &[String]) {
        let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
        let _ = writeln!(self.text, "| {} |", cells.join(" | "));
    }

    /// The Markdown.
    pub fn render(&self) -> String {
        self.text.clone()
    }
}

/// Seconds with a precision that suits them.
pub fn secs(s: f64) -> String {
    if s.is_nan() {
        "–".to_owned()
    } else if s < 0.1 {
        format!("{:.1} ms", s * 1000.0)
    } else if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}

/// CPU seconds; GNU time counts in hundredths, so below that it says so.
pub fn cpu_secs(s: f64) -> String {
    if s.is_nan() {
        "–".to_owned()
    } else if s < 0.005 {
        "< 0.01 s".to_owned()
    } else {
        secs(s)
    }
}

/// MiB, or a dash when not measured.
pub fn mib(m: f64) -> String {
    if m.is_nan() || m <= 0.0 {
        "–".to_owned()
    } else {
        format!("{m:.0} MB")
    }
}

/// Lines of `.rs` files under `dir` (recursively).
pub fn rust_lines(dir: &Path) -> usize {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                total += fs::read_to_string(&path).map_or(0, |t| t.lines().count());
            }
        }
    }
    total
}

/// Sets the modification time of `file` to now (what `touch` does), so cargo rebuilds
/// its crate.
pub fn touch(file: &Path) -> Result<(), String> {
    let handle = fs::OpenOptions::new()
        .append(true)
        .open(file)
        .map_err(|e| format!("{}: cannot open: {e}", file.display()))?;
    handle
        .set_modified(SystemTime::now())
        .map_err(|e| format!("{}: cannot touch: {e}", file.display()))
}
