//! Reads a failed Palette call: the HTTP status, Palette's `V1Error` envelope
//! (`{code, message, ref, details}`), the raw body when it is not that shape, and
//! `was_sent()`, which says whether the server may have seen the request.
//!
//! ```sh
//! PALETTE_API_KEY=... [PALETTE_PROJECT_UID=...] [PALETTE_CLUSTER_UID=<a uid>] \
//!     cargo run -p palette-api --example read_v1_error
//! ```
//!
//! `PALETTE_URL` (optional) replaces the base URL `https://api.spectrocloud.com`, e.g.
//! with the host of a self-hosted Palette.

use palette_api::{Client, Error, PROFILE};

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Prints what a failed call tells.
fn explain(error: &Error) {
    println!("status {:?}, sent: {}", error.status(), error.was_sent());
    if let Some(envelope) = error.envelope() {
        // `ref` identifies the request for Spectro Cloud support.
        println!(
            "{:?}: {:?} (ref {:?})",
            envelope.code, envelope.message, envelope.r#ref
        );
    } else if let Some(response) = error.api_error() {
        println!("body: {}", response.body_text()); // not the V1Error shape
    } else {
        println!("{error}"); // no response: transport, timeout, login failure...
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(key) = env("PALETTE_API_KEY") else {
        eprintln!(
            "usage: PALETTE_API_KEY=<key> [PALETTE_PROJECT_UID=<uid>] [PALETTE_CLUSTER_UID=<uid>] [PALETTE_URL=<url>] cargo run -p palette-api --example read_v1_error"
        );
        std::process::exit(2);
    };
    let uid = env("PALETTE_CLUSTER_UID").unwrap_or_else(|| "000000000000000000000000".into());
    let base_url = env("PALETTE_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let mut client = Client::builder().base_url(&base_url).api_key(key).build()?;
    if let Some(project_uid) = env("PALETTE_PROJECT_UID") {
        client = client.with_project(project_uid)?;
    }

    match client.spectro_clusters_get(&uid).send().await {
        Ok(cluster) => {
            let state = cluster.status.as_ref().and_then(|s| s.state.as_deref());
            println!("cluster {uid}: {}", state.unwrap_or("-"));
        }
        // Any answer with an error status: 404 for an unknown id, 401 for a bad key...
        Err(error) if error.status().is_some() => explain(&error),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
