//! Instructions per iteration of the runtime-overhead scenarios, counted by callgrind on
//! `bench/runtime-overhead`'s `overhead_driver`: deterministic, so unlike criterion's
//! wall times it does not move when other work shares the machine. Only the measured
//! iterations on the client thread are counted (collection is toggled on the driver's
//! `measured` function); the loopback server runs on another thread.
//!
//! Also counts where our generator spends its instructions on Palette, for the report's
//! explanation when the generation target is missed.

use std::path::Path;

use super::measure::Cmd;

/// One counted run: which client, which scenario, how many iterations.
pub struct Run<'a> {
    /// `generated`, `handwritten` or `handwritten_bare`.
    pub client: &'a str,
    /// `small_get` or `paginate`.
    pub scenario: &'a str,
    /// Measured iterations.
    pub iterations: u32,
}

/// The function whose instructions the runtime scenarios count.
const MEASURED: &str = "overhead_driver::measured";

/// The callgrind command for `run` of `driver`.
pub fn command(driver: &Path, run: &Run<'_>) -> Cmd {
    wrap(&driver_cmd(driver, run), Some(MEASURED))
}

fn driver_cmd(driver: &Path, run: &Run<'_>) -> Cmd {
    Cmd::new(driver)
        .args([run.client, run.scenario])
        .arg(run.iterations.to_string())
}

/// `cmd` under callgrind, counting only inside `function` when given
/// (`--toggle-collect`), writing no profile.
fn wrap(cmd: &Cmd, function: Option<&str>) -> Cmd {
    let mut wrapped = Cmd::new("valgrind").arg("--tool=callgrind");
    if let Some(function) = function {
        wrapped = wrapped.args([
            "--collect-atstart=no".to_owned(),
            format!("--toggle-collect={function}"),
        ]);
    }
    wrapped.cwd = cmd.cwd.clone();
    wrapped
        .arg("--callgrind-out-file=/dev/null")
        .arg(cmd.program.clone())
        .args(cmd.args.clone())
}

/// Whether valgrind runs here.
pub fn available() -> bool {
    Cmd::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|done| done.status.success())
}

/// Instructions per measured iteration of `run`.
pub fn per_iteration(driver: &Path, run: &Run<'_>) -> Result<f64, String> {
    instructions(&driver_cmd(driver, run), Some(MEASURED))
        .map(|n| n as f64 / f64::from(run.iterations.max(1)))
}

/// Instructions executed by `cmd` (all its threads), or only inside `function` and what
/// it calls when given.
pub fn instructions(cmd: &Cmd, function: Option<&str>) -> Result<u64, String> {
    let wrapped = wrap(cmd, function);
    let done = wrapped.output()?;
    if !done.status.success() {
        return Err(format!(
            "`{}` failed ({}):\n{}",
            wrapped.display(),
            done.status,
            done.tail(10)
        ));
    }
    collected(&done.stderr).ok_or_else(|| format!("`{}`: no `Collected :` line", wrapped.display()))
}

/// The number on callgrind's `==PID== Collected : N` line.
fn collected(stderr: &str) -> Option<u64> {
    stderr.lines().find_map(|line| {
        let (_, n) = line.split_once("Collected :")?;
        n.trim().replace(',', "").parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_collected_line() {
        let stderr = "==1== Callgrind\n==27345== Collected : 8850018\n==27345== \n";
        assert_eq!(collected(stderr), Some(8_850_018));
        assert_eq!(collected("nothing"), None);
    }
}
