//! Authenticates to Palette with a user's email and password instead of an API key:
//! `Client::login` is a token provider for `POST /v1/auth/authenticate`. The token is
//! fetched on first use, sent as the raw `Authorization` header, shared by concurrent
//! calls, refreshed before its 15-minute lifetime ends, and fetched again once after a
//! 401. The password is never printed (not even by `Debug`).
//!
//! ```sh
//! PALETTE_EMAIL=ops@example.com PALETTE_PASSWORD=... [PALETTE_PROJECT_UID=...] \
//!     cargo run -p palette-api --example login_token
//! ```
//!
//! `PALETTE_URL` (optional) replaces the base URL `https://api.spectrocloud.com`, e.g.
//! with the host of a self-hosted Palette.

use futures_util::TryStreamExt;
use palette_api::{Client, PROFILE};

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Some(email), Some(password)) = (env("PALETTE_EMAIL"), env("PALETTE_PASSWORD")) else {
        eprintln!(
            "usage: PALETTE_EMAIL=<email> PALETTE_PASSWORD=<password> [PALETTE_PROJECT_UID=<uid>] [PALETTE_URL=<url>] cargo run -p palette-api --example login_token"
        );
        std::process::exit(2);
    };
    let base_url = env("PALETTE_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let client = Client::builder()
        .base_url(&base_url)
        .token_provider(Client::login(email, password))
        .build()?;
    // A project client shares the login token (and the connections) with `client`.
    let client = match env("PALETTE_PROJECT_UID") {
        Some(project_uid) => client.with_project(project_uid)?,
        None => client,
    };

    // The first call logs in; the next ones reuse the token until it is due.
    let users: Vec<_> = client.users_list().items_max(3).try_collect().await?;
    for user in users {
        let email = user.spec.and_then(|s| s.email_id).unwrap_or_default();
        println!("{email}");
    }
    Ok(())
}
