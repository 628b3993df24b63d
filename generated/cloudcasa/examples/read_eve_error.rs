//! Reads a failed CloudCasa call: the HTTP status, Eve's error envelope
//! (`{"_status": "ERR", "_error": {"code", "message"}, "_issues"}`, decoded as
//! `models::Error`), the raw body when it is not that shape, and `was_sent()`, which says
//! whether the server may have seen the request (`false` for a write that needs
//! `If-Match` while no ETag is known: it fails before anything is sent).
//!
//! ```sh
//! CLOUDCASA_API_KEY=... [CLOUDCASA_CLUSTER_ID=<an id that does not exist>] \
//!     cargo run -p cloudcasa-api --example read_eve_error
//! ```
//!
//! `CLOUDCASA_URL` (optional) replaces the base URL `https://api.cloudcasa.io/api`, e.g.
//! with a self-hosted installation's `https://<host>/api`.

use cloudcasa_api::models::Kubecluster;
use cloudcasa_api::{Client, Error, PROFILE};

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Prints what a failed call tells.
fn explain(error: &Error) {
    println!("status {:?}, sent: {}", error.status(), error.was_sent());
    if let Some(envelope) = error.envelope() {
        let detail = &envelope.error;
        println!(
            "{}: {:?} {:?}",
            envelope.status, detail.code, detail.message
        );
        if let Some(issues) = &envelope.issues {
            println!("field issues: {issues:?}"); // 422 validation errors
        }
    } else if let Some(response) = error.api_error() {
        println!("body: {}", response.body_text()); // not Eve's shape
    } else {
        println!("{error}"); // no response: transport, timeout, missing ETag...
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(token) = env("CLOUDCASA_API_KEY") else {
        eprintln!(
            "usage: CLOUDCASA_API_KEY=<key> [CLOUDCASA_CLUSTER_ID=<id>] [CLOUDCASA_URL=<url>] cargo run -p cloudcasa-api --example read_eve_error"
        );
        std::process::exit(2);
    };
    let id = env("CLOUDCASA_CLUSTER_ID").unwrap_or_else(|| "000000000000000000000000".into());
    let base_url = env("CLOUDCASA_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let client = Client::builder()
        .base_url(&base_url)
        .bearer_token(token.clone())
        .build()?;

    match client.get_kubecluster(&id).send().await {
        Ok(cluster) => println!("cluster {id} exists: {}", cluster.name),
        // Any answer with an error status: 404 for an unknown id, 401 for a bad key...
        Err(error) if error.status().is_some() => explain(&error),
        Err(error) => return Err(error.into()),
    }

    // PUT needs If-Match, and a new client has no ETag for the cluster: nothing is sent.
    let client = Client::builder()
        .base_url(&base_url)
        .bearer_token(token)
        .build()?;
    match client
        .replace_kubecluster(&id, named("renamed"))
        .send()
        .await
    {
        Ok(_) => println!("unexpected: written without an ETag"),
        Err(error @ Error::MissingEtag { .. }) => explain(&error),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}

/// A cluster document with only its required field (the other fields absent).
fn named(name: &str) -> Kubecluster {
    Kubecluster::new(name.to_owned())
}
