//! Running a command and measuring it: wall time (measured here, around spawn and wait),
//! user and system CPU seconds and the peak resident set size, from GNU time
//! (`/usr/bin/time -f '%e %U %S %M' -o FILE`) when it is installed, else from
//! `getrusage(RUSAGE_CHILDREN)` in a child of this program (`xtask bench --rusage-child`),
//! which reports the same numbers: CPU of the whole waited-for process tree, and the
//! maximum RSS of its largest process.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// A command to run (kept as data so a timer can be put in front of it).
#[derive(Debug, Clone)]
pub struct Cmd {
    /// The program.
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Working directory.
    pub cwd: Option<PathBuf>,
    /// Variables to set.
    pub env: Vec<(OsString, OsString)>,
    /// Variables to remove.
    pub env_remove: Vec<OsString>,
}

impl Cmd {
    /// `program` without arguments.
    pub fn new(program: impl Into<OsString>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            cwd: None,
            env: Vec::new(),
            env_remove: Vec::new(),
        }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Adds one argument.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Sets the working directory.
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// Sets a variable.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Removes a variable.
    pub fn env_remove(mut self, key: impl Into<OsString>) -> Self {
        self.env_remove.push(key.into());
        self
    }

    /// The command line as a person would type it (for the report).
    pub fn display(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in &self.env {
            parts.push(format!(
                "{}={}",
                k.to_string_lossy(),
                quote(&v.to_string_lossy())
            ));
        }
        parts.push(quote(&self.program.to_string_lossy()));
        parts.extend(self.args.iter().map(|a| quote(&a.to_string_lossy())));
        parts.join(" ")
    }

    fn command(&self, prefix: &[OsString]) -> Command {
        let mut all: Vec<&OsString> = prefix.iter().collect();
        all.push(&self.program);
        all.extend(self.args.iter());
        let mut command = Command::new(all[0]);
        command.args(&all[1..]);
        if let Some(dir) = &self.cwd {
            command.current_dir(dir);
        }
        for key in &self.env_remove {
            command.env_remove(key);
        }
        for (k, v) in &self.env {
            command.env(k, v);
        }
        command.stdin(Stdio::null());
        command
    }

    /// Runs without measuring; stdout and stderr are captured.
    pub fn output(&self) -> Result<Finished, String> {
        let output = self
            .command(&[])
            .output()
            .map_err(|e| format!("cannot run `{}`: {e}", self.display()))?;
        Ok(Finished {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}

fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// What a finished command left.
#[derive(Debug)]
pub struct Finished {
    /// Exit status.
    pub status: ExitStatus,
    /// Captured stdout.
    pub stdout: String,
    /// Captured stderr.
    pub stderr: String,
}

impl Finished {
    /// The last `n` lines of stderr (or stdout when stderr is empty), for messages.
    pub fn tail(&self, n: usize) -> String {
        let text = if self.stderr.trim().is_empty() {
            &self.stdout
        } else {
            &self.stderr
        };
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }
}

/// One measured run.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Wall seconds.
    pub wall: f64,
    /// User CPU seconds of the process tree.
    pub user: f64,
    /// System CPU seconds of the process tree.
    pub sys: f64,
    /// Peak RSS of the largest process of the tree, KiB.
    pub max_rss_kib: u64,
}

impl Sample {
    /// User + system seconds.
    pub fn cpu(&self) -> f64 {
        self.user + self.sys
    }
}

/// How CPU and memory are measured.
#[derive(Debug, Clone)]
pub enum Timer {
    /// GNU time at this path.
    GnuTime(PathBuf),
    /// `getrusage(RUSAGE_CHILDREN)` in a child of this executable.
    Rusage(PathBuf),
    /// Wall time only; the reason.
    WallOnly(String),
}

impl Timer {
    /// GNU time if it works, else the getrusage fallback where available.
    pub fn detect() -> Self {
        let gnu = PathBuf::from("/usr/bin/time");
        if gnu.is_file() {
            let probe = Command::new(&gnu)
                .args(["-f", "%e %U %S %M", "-o", "/dev/null", "true"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            if probe.is_ok_and(|s| s.success()) {
                return Timer::GnuTime(gnu);
            }
        }
        let missing = "/usr/bin/time (GNU time) is not installed or does not accept -f/-o";
        if rusage::available() {
            match std::env::current_exe() {
                Ok(exe) => Timer::Rusage(exe),
                Err(e) => Timer::WallOnly(format!(
                    "{missing}, and this executable's path is unknown ({e})"
                )),
            }
        } else {
            Timer::WallOnly(format!(
                "{missing}, and getrusage is not available on this platform"
            ))
        }
    }

    /// For the report.
    pub fn describe(&self) -> String {
        match self {
            Timer::GnuTime(path) => format!(
                "`{} -f '%e %U %S %M'` (CPU = user+sys of the process tree; max RSS = the \
                 largest single process of the tree, e.g. one rustc under cargo)",
                path.display()
            ),
            Timer::Rusage(_) => "`getrusage(RUSAGE_CHILDREN)` in a child of xtask (/usr/bin/time \
                 is not installed): CPU = user+sys of the process tree; max RSS = the largest \
                 single process of the tree"
                .to_owned(),
            Timer::WallOnly(reason) => {
                format!("wall time only: {reason}; CPU and memory are not measured")
            }
        }
    }

    /// Runs `cmd`, measured. A command that exits unsuccessfully is still measured; the
    /// caller looks at the status.
    pub fn run(&self, cmd: &Cmd, scratch: &Path) -> Result<(Sample, Finished), String> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        fs::create_dir_all(scratch)
            .map_err(|e| format!("{}: cannot create: {e}", scratch.display()))?;
        let report = scratch.join(format!(
            "time-{}-{}.txt",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_file(&report);
        let prefix: Vec<OsString> = match self {
            Timer::GnuTime(path) => vec![
                path.into(),
                "-f".into(),
                "%e %U %S %M".into(),
                "-o".into(),
                report.clone().into(),
            ],
            Timer::Rusage(exe) => vec![
                exe.into(),
                "bench".into(),
                "--rusage-child".into(),
                report.clone().into(),
                "--".into(),
            ],
            Timer::WallOnly(_) => Vec::new(),
        };
        let started = Instant::now();
        let output = cmd
            .command(&prefix)
            .output()
            .map_err(|e| format!("cannot run `{}`: {e}", cmd.display()))?;
        let wall = started.elapsed().as_secs_f64();
        let finished = Finished {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        let mut sample = Sample {
            wall,
            user: f64::NAN,
            sys: f64::NAN,
            max_rss_kib: 0,
        };
        if !matches!(self, Timer::WallOnly(_)) {
            let text = fs::read_to_string(&report).map_err(|e| {
                format!(
                    "`{}`: the timer wrote no report ({e}); {}",
                    cmd.display(),
                    finished.tail(5)
                )
            })?;
            let _ = fs::remove_file(&report);
            // GNU time writes "Command exited with non-zero status N" before the numbers.
            let last = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            let fields: Vec<&str> = last.split_whitespace().collect();
            let parse = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
            match (parse(1), parse(2), parse(3)) {
                (Some(user), Some(sys), Some(rss)) => {
                    sample.user = user;
                    sample.sys = sys;
                    sample.max_rss_kib = rss as u64;
                }
                _ => {
                    return Err(format!(
                        "`{}`: cannot read the timer's report {text:?}",
                        cmd.display()
                    ));
                }
            }
        }
        Ok((sample, finished))
    }
}

/// `xtask bench --rusage-child FILE -- PROGRAM ARGS...`: runs the program, waits, and
/// writes "wall user sys maxrss_kib" of its process tree to FILE (GNU time's `-f '%e %U
/// %S %M'` format); exits with the program's code.
pub fn rusage_child(args: &[OsString]) -> Result<i32, String> {
    let (Some(file), Some(sep), Some(program)) = (args.first(), args.get(1), args.get(2)) else {
        return Err("usage: xtask bench --rusage-child FILE -- PROGRAM [ARGS...]".to_owned());
    };
    if sep != "--" {
        return Err("usage: xtask bench --rusage-child FILE -- PROGRAM [ARGS...]".to_owned());
    }
    let started = Instant::now();
    let status = Command::new(program)
        .args(&args[3..])
        .status()
        .map_err(|e| format!("cannot run {}: {e}", program.to_string_lossy()))?;
    let wall = started.elapsed().as_secs_f64();
    let (user, sys, rss) =
        rusage::children().ok_or_else(|| "getrusage(RUSAGE_CHILDREN) failed".to_owned())?;
    fs::write(file, format!("{wall:.2} {user:.2} {sys:.2} {rss}\n"))
        .map_err(|e| format!("{}: cannot write: {e}", file.to_string_lossy()))?;
    Ok(status.code().unwrap_or(128))
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
mod rusage {
    //! `getrusage(2)` without a libc dependency: the Linux 64-bit `struct rusage`.

    #[repr(C)]
    struct Timeval {
        sec: i64,
        usec: i64,
    }

    #[repr(C)]
    struct Rusage {
        utime: Timeval,
        stime: Timeval,
        maxrss: i64,
        rest: [i64; 13],
    }

    unsafe extern "C" {
        fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    }

    const RUSAGE_CHILDREN: i32 = -1;

    pub fn available() -> bool {
        true
    }

    /// (user seconds, system seconds, max RSS KiB) of the waited-for children.
    pub fn children() -> Option<(f64, f64, u64)> {
        let mut usage = Rusage {
            utime: Timeval { sec: 0, usec: 0 },
            stime: Timeval { sec: 0, usec: 0 },
            maxrss: 0,
            rest: [0; 13],
        };
        // SAFETY: `usage` is a valid, writable `struct rusage` for Linux on 64-bit
        // targets (two timevals of two 64-bit fields, then 14 longs).
        let rc = unsafe { getrusage(RUSAGE_CHILDREN, &mut usage) };
        if rc != 0 {
            return None;
        }
        let secs = |t: &Timeval| t.sec as f64 + t.usec as f64 / 1e6;
        Some((
            secs(&usage.utime),
            secs(&usage.stime),
            u64::try_from(usage.maxrss).unwrap_or(0),
        ))
    }
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
mod rusage {
    pub fn available() -> bool {
        false
    }

    pub fn children() -> Option<(f64, f64, u64)> {
        None
    }
}

/// Median of `values` (NaN-free), or NaN when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// Summary of repeated samples: medians, and the spread of wall time.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Median wall seconds.
    pub wall: f64,
    /// Fastest wall seconds.
    pub wall_min: f64,
    /// Slowest wall seconds.
    pub wall_max: f64,
    /// Median CPU seconds (user+sys).
    pub cpu: f64,
    /// Median max RSS, MiB.
    pub rss_mib: f64,
}

impl Summary {
    /// Summarizes samples.
    pub fn of(samples: &[Sample]) -> Self {
        let walls: Vec<f64> = samples.iter().map(|s| s.wall).collect();
        Self {
            wall: median(&walls),
            wall_min: walls.iter().copied().fold(f64::INFINITY, f64::min),
            wall_max: walls.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            cpu: median(&samples.iter().map(Sample::cpu).collect::<Vec<_>>()),
            rss_mib: median(
                &samples
                    .iter()
                    .filter(|s| s.max_rss_kib > 0)
                    .map(|s| s.max_rss_kib as f64 / 1024.0)
                    .collect::<Vec<_>>(),
            ),
        }
    }
}
