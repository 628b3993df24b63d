//! The runner: a scratch crate (`target/contract/runner/`) with one binary per vendor
//! that includes the vendor's exercise file, runs its calls against a base URL and prints
//! one JSON line per call. It is built into the workspace's target directory with the
//! workspace's `Cargo.lock`, so the generated crates it depends on are the ones the tests
//! already compiled.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use cloudgen::settings::AuthSettings;

use crate::codegen::read_vendor;
use crate::fsutil::write_if_changed;

/// The built runner.
#[derive(Debug)]
pub struct Runner {
    target_dir: PathBuf,
}

/// Writes and builds the runner for `vendors`.
pub fn build(root: &Path, out: &Path, vendors: &[String]) -> Result<Runner, String> {
    let dir = out.join("runner");
    let bin_dir = dir.join("src").join("bin");
    fs::create_dir_all(&bin_dir)
        .map_err(|e| format!("{}: cannot create: {e}", bin_dir.display()))?;
    let mut dependencies = String::new();
    for vendor in vendors {
        let inputs = read_vendor(root, vendor)?;
        let krate = inputs.settings.krate.name.clone();
        let _ = writeln!(
            dependencies,
            "{krate} = {{ path = {:?} }}",
            root.join("generated").join(vendor).display().to_string()
        );
        let auth = match &inputs.settings.client.auth {
            Some(AuthSettings::ApiKey { .. }) => ".api_key(\"contract-test-key\")",
            Some(AuthSettings::Bearer) => ".bearer_token(\"contract-test-token\")",
            Some(AuthSettings::None) | None => "",
        };
        let exercise = root
            .join("tests")
            .join("exercise")
            .join(format!("{vendor}.rs"));
        write_if_changed(
            &bin_dir.join(format!("contract-{vendor}.rs")),
            &bin_source(&krate, auth, &exercise),
        )?;
    }
    let manifest = format!(
        "# Written by `cargo xtask contract`; every run replaces this file.\n\
         [package]\nname = \"contract-runner\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{dependencies}\
         cloudgen-runtime = {{ path = {:?} }}\n\
         serde_json = \"1.0.145\"\n\
         tokio = {{ version = \"1.48.0\", features = [\"rt\"] }}\n\n\
         [workspace]\n\n{profiles}",
        root.join("runtime").display().to_string(),
        profiles = profile_sections(root)?,
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&dir.join("src").join("lib.rs"), LIB)?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock into {}: {e}", dir.display()))?;
    let target_dir = root.join("target");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    println!(
        "building the contract runner (the generated crates are shared with the tests' build)"
    );
    let status = Command::new(cargo)
        .args(["build", "--bins", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building the contract runner failed ({status})"));
    }
    Ok(Runner { target_dir })
}

impl Runner {
    /// Runs `vendor`'s calls against `base_url`; returns what the binary printed.
    pub fn run(
        &self,
        vendor: &str,
        base_url: &str,
        sample: Option<usize>,
    ) -> Result<String, String> {
        let bin = self
            .target_dir
            .join("debug")
            .join(format!("contract-{vendor}"));
        let mut command = Command::new(&bin);
        command.arg(base_url);
        if let Some(n) = sample {
            command.arg(n.to_string());
        }
        let output = command
            .output()
            .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
        if !output.status.success() {
            return Err(format!(
                "{} failed ({}): {}",
                bin.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        String::from_utf8(output.stdout)
            .map_err(|e| format!("{}: output is not UTF-8: {e}", bin.display()))
    }
}

/// The `[profile.*]` tables of the workspace manifest, so the runner's build reuses the
/// artifacts of the workspace's (a different profile would rebuild every dependency).
fn profile_sections(root: &Path) -> Result<String, String> {
    let manifest = root.join("Cargo.toml");
    let text = fs::read_to_string(&manifest)
        .map_err(|e| format!("{}: cannot read: {e}", manifest.display()))?;
    let mut out = String::new();
    let mut in_profile = false;
    for line in text.lines() {
        if line.starts_with('[') {
            in_profile = line.starts_with("[profile.");
        }
        if in_profile {
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}

fn bin_source(krate: &str, auth: &str, exercise: &Path) -> String {
    let krate = krate.replace('-', "_");
    format!(
        r#"//! Runs every call of the exercise against the base URL given as the first argument.
#[path = {exercise:?}]
mod exercise;

use exercise::{{CALLS, ExpectedBody, Outcome}};

fn main() -> std::process::ExitCode {{
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(base_url) = args.first() else {{
        eprintln!("usage: runner BASE_URL [SAMPLE]");
        return std::process::ExitCode::from(2);
    }};
    let sample = args.get(1).and_then(|s| s.parse().ok());
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {{
        Ok(runtime) => runtime,
        Err(e) => {{
            eprintln!("cannot start tokio: {{e}}");
            return std::process::ExitCode::FAILURE;
        }}
    }};
    let client = match {krate}::Client::builder()
        .base_url(base_url){auth}
        .rate_limits(cloudgen_runtime::RateLimitTable::new(&[]))
        .retry_policy(cloudgen_runtime::RetryPolicy::NONE)
        .build()
    {{
        Ok(client) => client,
        Err(e) => {{
            eprintln!("cannot build the client: {{e}}");
            return std::process::ExitCode::FAILURE;
        }}
    }};
    runtime.block_on(async {{
        for index in contract_runner::pick(CALLS.len(), sample) {{
            let call = &CALLS[index];
            let (result, detail) = match (call.run)(&client).await {{
                Outcome::NotBuilt(why) => ("not_built".to_owned(), why),
                Outcome::Sent(result) => contract_runner::classify(&result),
            }};
            let body = match call.body {{
                ExpectedBody::Json(json) | ExpectedBody::Form(json) => json.to_owned(),
                ExpectedBody::Bytes(bytes) => format!("<{{}} bytes>", bytes.len()),
                ExpectedBody::Multipart(parts) => format!("<multipart: {{}} part(s)>", parts.len()),
                ExpectedBody::None => String::new(),
            }};
            contract_runner::print_line(call.operation_id, call.method, call.path, &result, &detail, &body);
        }}
    }});
    std::process::ExitCode::SUCCESS
}}
"#
    )
}

const LIB: &str = r##"//! What every vendor's runner binary shares.

/// Indices of the calls to make: all, or `sample` spread evenly over the list.
pub fn pick(len: usize, sample: Option<usize>) -> Vec<usize> {
    match sample {
        Some(n) if n < len && n > 0 => (0..n).map(|i| i * len / n).collect(),
        _ => (0..len).collect(),
    }
}

/// `(result, detail)` of a call: `ok`, `rejected` (Prism's 422: the request violates
/// the document), `mock_invalid` (Prism could not produce a valid answer),
/// `http_error` (another status), `decode` (the response did not decode), `error`
/// (anything else).
pub fn classify<E: std::fmt::Debug>(result: &Result<(), cloudgen_runtime::Error<E>>) -> (String, String) {
    match result {
        Ok(()) => ("ok".into(), String::new()),
        Err(error) => match (error.api_error(), error) {
            (Some(api), _) if api.status.as_u16() == 422 => ("rejected".into(), api.body_text().into_owned()),
            // Prism's own 500: it validated its answer against the document and found it
            // invalid, or could not serialize one (e.g. octet-stream in dynamic mode). The
            // request was fine; the mock could not answer.
            (Some(api), _) if api.status.as_u16() == 500 && api.body_text().contains("stoplight.io/prism/errors#") => {
                ("mock_invalid".into(), api.body_text().into_owned())
            }
            (Some(api), _) => ("http_error".into(), format!("HTTP {}: {}", api.status, api.body_text())),
            (None, cloudgen_runtime::Error::Decode { status, path, source, body }) => (
                "decode".into(),
                format!("HTTP {status}, at `{path}`: {source}; body: {}", String::from_utf8_lossy(&body[..body.len().min(300)])),
            ),
            (None, other) => ("error".into(), other.to_string()),
        },
    }
}

/// Prints one JSON line.
pub fn print_line(operation: &str, method: &str, path: &str, result: &str, detail: &str, body: &str) {
    let line = serde_json::json!({
        "operation": operation,
        "request": format!("{method} {path}"),
        "result": result,
        "detail": detail,
        "body": body,
    });
    println!("{line}");
}
"##;
