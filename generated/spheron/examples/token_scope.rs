//! Authenticates to Spheron with an access token (dashboard: Settings > Tokens), sent as
//! `Authorization: Bearer <token>`, and shows what it reaches: the user and the
//! organizations it is scoped to. Spheron has no client-wide scope: the organization
//! id is an argument of the calls that need it, and this is where to find it.
//!
//! ```sh
//! SPHERON_TOKEN=... cargo run -p spheron-api --example token_scope
//! ```
//!
//! `SPHERON_URL` (optional) replaces the base URL `https://api-v2.spheron.network` (for
//! a test server, say).

use spheron_api::{Client, PROFILE};

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(token) = env("SPHERON_TOKEN") else {
        eprintln!(
            "usage: SPHERON_TOKEN=<access token> [SPHERON_URL=<url>] cargo run -p spheron-api --example token_scope"
        );
        std::process::exit(2);
    };
    let base_url = env("SPHERON_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let client = Client::builder()
        .base_url(&base_url)
        .bearer_token(token)
        .build()?;

    let scope = client.get_token_scope().send().await?.into_inner();
    if let Some(user) = scope.user {
        println!(
            "user {:?} <{}>",
            user.username,
            user.email.unwrap_or_default()
        );
    }
    for org in scope.organizations.unwrap_or_default() {
        // The id to pass as SPHERON_ORG_ID to the other examples.
        let id = org.id.unwrap_or_default();
        println!("organization {id} {:?} ({:?})", org.name, org.app_type);
    }
    Ok(())
}
