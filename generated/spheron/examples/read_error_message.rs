//! Reads a failed Spheron call: the HTTP status, Spheron's error envelope
//! (`{error: true, message}`, decoded as `models::Error`), the raw body when it is not
//! that shape, and `was_sent()`, which says whether the server may have seen the
//! request. Spheron documents no rate limits; the client retries what is safe to
//! repeat (connect errors; 429 and 502–504 for GET, PUT, DELETE), honouring
//! `Retry-After`.
//!
//! ```sh
//! SPHERON_TOKEN=... [SPHERON_PROJECT_ID=<an id that does not exist>] \
//!     cargo run -p spheron-api --example read_error_message
//! ```
//!
//! `SPHERON_URL` (optional) replaces the base URL `https://api-v2.spheron.network` (for
//! a test server, say).

use spheron_api::{Client, Error, PROFILE};

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Prints what a failed call tells.
fn explain(error: &Error) {
    println!("status {:?}, sent: {}", error.status(), error.was_sent());
    if let Some(envelope) = error.envelope() {
        println!(
            "message: {} (error: {:?})",
            envelope.message, envelope.error
        );
    } else if let Some(response) = error.api_error() {
        println!("body: {}", response.body_text()); // not Spheron's shape
    } else {
        println!("{error}"); // no response: transport, timeout...
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(token) = env("SPHERON_TOKEN") else {
        eprintln!(
            "usage: SPHERON_TOKEN=<access token> [SPHERON_PROJECT_ID=<id>] [SPHERON_URL=<url>] cargo run -p spheron-api --example read_error_message"
        );
        std::process::exit(2);
    };
    let project = env("SPHERON_PROJECT_ID").unwrap_or_else(|| "000000000000000000000000".into());
    let base_url = env("SPHERON_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let client = Client::builder()
        .base_url(&base_url)
        .bearer_token(token)
        .build()?;

    match client.get_project(&project).send().await {
        Ok(found) => println!("project {} exists: {:?}", found.id, found.name),
        // Any answer with an error status: 404 for an unknown id, 401 for a bad key...
        Err(error) if error.status().is_some() => explain(&error),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
