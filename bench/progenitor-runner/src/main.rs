//! `progenitor-runner --spec DOC --out FILE`: generates a client from an OpenAPI 3.0
//! document with progenitor's documented library API
//! (`Generator::new(&GenerationSettings::default()).generate_tokens(&spec)`, then
//! prettyplease) and writes the Rust source to FILE.
//!
//! Used by `cargo xtask bench` to time progenitor next to cloudgen on the same documents.
//! Outcomes are reported on stdout as one line and by the exit code, never as a panic:
//!
//! - `ok <lines>` (exit 0): the source was written;
//! - `refused: <message>` (exit 2): the document does not parse as OpenAPI 3.0, or
//!   progenitor returned an error;
//! - `panicked: <message>` (exit 3): progenitor (or prettyplease) panicked; the panic
//!   is caught and its message and location recorded;
//! - `error: <message>` (exit 1): wrong arguments or an I/O failure.

use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use progenitor::{GenerationSettings, Generator};

enum Outcome {
    Ok(usize),
    Refused(String),
    Panicked(String),
}

fn main() -> ExitCode {
    match run() {
        Ok(Outcome::Ok(lines)) => {
            println!("ok {lines}");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Refused(message)) => {
            println!("refused: {}", one_line(&message));
            ExitCode::from(2)
        }
        Ok(Outcome::Panicked(message)) => {
            println!("panicked: {}", one_line(&message));
            ExitCode::from(3)
        }
        Err(message) => {
            println!("error: {}", one_line(&message));
            ExitCode::from(1)
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn run() -> Result<Outcome, String> {
    let mut spec = None;
    let mut out = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--spec") => spec = args.next().map(PathBuf::from),
            Some("--out") => out = args.next().map(PathBuf::from),
            _ => {
                return Err(format!(
                    "unexpected argument {arg:?}; usage: progenitor-runner --spec DOC --out FILE"
                ));
            }
        }
    }
    let (Some(spec), Some(out)) = (spec, out) else {
        return Err("usage: progenitor-runner --spec DOC --out FILE".to_owned());
    };
    let bytes =
        std::fs::read(&spec).map_err(|e| format!("{}: cannot read: {e}", spec.display()))?;
    let is_json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    let parsed: Result<openapiv3::OpenAPI, String> = if is_json {
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    } else {
        serde_norway::from_slice(&bytes).map_err(|e| e.to_string())
    };
    let document = match parsed {
        Ok(d) => d,
        Err(e) => {
            return Ok(Outcome::Refused(format!(
                "not an OpenAPI 3.0 document for openapiv3 2.2: {e}"
            )));
        }
    };

    // Catch panics quietly, keeping the message and where it happened.
    let location: Arc<Mutex<Option<String>>> = Arc::default();
    let seen = Arc::clone(&location);
    panic::set_hook(Box::new(move |info| {
        if let Ok(mut slot) = seen.lock() {
            *slot = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()));
        }
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(|| -> Result<String, String> {
        let mut generator = Generator::new(&GenerationSettings::default());
        let tokens = generator
            .generate_tokens(&document)
            .map_err(|e| e.to_string())?;
        let file: syn::File = syn::parse2(tokens).map_err(|e| format!("syn: {e}"))?;
        Ok(prettyplease::unparse(&file))
    }));
    let _ = panic::take_hook();
    match result {
        Ok(Ok(source)) => {
            if let Some(parent) = out.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: cannot create: {e}", parent.display()))?;
            }
            std::fs::write(&out, &source)
                .map_err(|e| format!("{}: cannot write: {e}", out.display()))?;
            Ok(Outcome::Ok(source.lines().count()))
        }
        Ok(Err(message)) => Ok(Outcome::Refused(message)),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(non-string panic payload)".to_owned());
            let at = location
                .lock()
                .ok()
                .and_then(|l| l.clone())
                .map(|l| format!(" (at {l})"))
                .unwrap_or_default();
            Ok(Outcome::Panicked(format!("{message}{at}")))
        }
    }
}
