//! Installing and running Prism (`@stoplight/prism-cli`, pinned) on loopback.

use std::fs::{self, File};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Prism release the contract tests are written against.
pub const PRISM_VERSION: &str = "5.16.0";

/// The seed of Prism's dynamic answers.
const SEED: &str = "cloudgen-contract";

/// How long Prism may take to read a document and listen (Palette's is 3.5 MB).
const START_TIMEOUT: Duration = Duration::from_secs(180);

/// Installs Prism into `<out>/prism/` with npm unless the pinned version is there;
/// returns the path of its executable.
pub fn install(out: &Path) -> Result<PathBuf, String> {
    let dir = out.join("prism");
    let bin = dir.join("node_modules").join(".bin").join("prism");
    let installed = dir
        .join("node_modules")
        .join("@stoplight")
        .join("prism-cli")
        .join("package.json");
    let has_version = fs::read_to_string(&installed)
        .is_ok_and(|text| text.contains(&format!("\"version\": \"{PRISM_VERSION}\"")));
    if bin.is_file() && has_version {
        return Ok(bin);
    }
    fs::create_dir_all(&dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    println!(
        "installing @stoplight/prism-cli@{PRISM_VERSION} with npm into {}",
        dir.display()
    );
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(&dir)
        .arg(format!("@stoplight/prism-cli@{PRISM_VERSION}"))
        .status()
        .map_err(|e| {
            format!("cannot run npm ({e}): install Node.js and npm, which the contract tests need for Prism")
        })?;
    if !status.success() {
        return Err(format!(
            "npm install @stoplight/prism-cli@{PRISM_VERSION} failed ({status}); is the npm registry reachable?"
        ));
    }
    if !bin.is_file() {
        return Err(format!("npm finished but {} does not exist", bin.display()));
    }
    Ok(bin)
}

/// A running Prism, killed (by PID) when dropped.
#[derive(Debug)]
pub struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// Starts `prism mock` on a free loopback port for `doc`, logging to `log`, and waits
    /// until it accepts connections.
    pub fn start(prism: &Path, doc: &Path, dynamic: bool, log: &Path) -> Result<Self, String> {
        let port = free_port()?;
        let log_file =
            File::create(log).map_err(|e| format!("{}: cannot create: {e}", log.display()))?;
        let log_err = log_file
            .try_clone()
            .map_err(|e| format!("{}: {e}", log.display()))?;
        let mut command = Command::new(prism);
        command
            .args([
                "mock",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--errors",
            ])
            .arg(if dynamic {
                "--dynamic"
            } else {
                "--dynamic=false"
            })
            // Random answers, but the same ones on every run: a failure reproduces.
            .args(["--seed", SEED])
            .arg(doc)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err);
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {} ({e})", prism.display()))?;
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        server.wait_ready(log)?;
        Ok(server)
    }

    fn wait_ready(&mut self, log: &Path) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "Prism exited ({status}) before listening; its log ({}) ends with:\n{}",
                    log.display(),
                    tail(log)
                ));
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "Prism did not listen on {} within {} s; its log ({}) ends with:\n{}",
                    self.addr,
                    START_TIMEOUT.as_secs(),
                    log.display(),
                    tail(log)
                ));
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The base URL to give the clients.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Prism's launcher is a Node process whose children share its process group
        // only sometimes: kill the PID we started, then reap it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free loopback port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free loopback port: {e}"))
}

/// The last 30 lines of a log file.
fn tail(log: &Path) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("cloudgen-prism-{name}-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    #[test]
    fn a_missing_prism_is_a_clear_error() {
        let dir = scratch("missing");
        let err = Server::start(
            &dir.join("no-such-prism"),
            &dir.join("doc.json"),
            false,
            &dir.join("prism.log"),
        )
        .expect_err("nothing to start");
        assert!(err.contains("cannot start"), "{err}");
    }

    #[test]
    fn a_prism_that_exits_is_reported_with_its_log_not_waited_for() {
        let dir = scratch("exits");
        // A stand-in that prints a complaint and exits, as Prism does on a bad document.
        let fake = dir.join("prism");
        fs::write(
            &fake,
            "#!/bin/sh\necho 'fatal: cannot parse the document' >&2\nexit 3\n",
        )
        .expect("write the stand-in");
        let status = Command::new("chmod")
            .arg("+x")
            .arg(&fake)
            .status()
            .expect("chmod");
        assert!(status.success());
        let started = Instant::now();
        let err = Server::start(&fake, &dir.join("doc.json"), false, &dir.join("prism.log"))
            .expect_err("it exits");
        assert!(err.contains("exited"), "{err}");
        assert!(
            err.contains("cannot parse the document"),
            "the log tail is shown: {err}"
        );
        assert!(started.elapsed() < Duration::from_secs(30), "no hang");
    }
}
