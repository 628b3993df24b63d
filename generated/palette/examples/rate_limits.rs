//! Shows Palette's published rate limits, which the client applies itself: 10 requests
//! per second with a burst of 5 per parent resource by default, 50 per second under
//! `/v1/spectroclusters` and `/v1/clusterprofiles`, 2 per second for password resets
//! (`palette_api::RATE_LIMITS`). Twenty requests sent at once are paced by the client
//! (about 1.5 s for 20 requests at 10/s after a burst of 5) instead of drawing 429s.
//!
//! ```sh
//! PALETTE_API_KEY=... cargo run -p palette-api --example rate_limits
//! ```
//!
//! `PALETTE_URL` (optional) replaces the base URL `https://api.spectrocloud.com`, e.g.
//! with the host of a self-hosted Palette.

use std::time::Instant;

use futures_util::future::try_join_all;
use palette_api::{Client, PROFILE, RATE_LIMITS};

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(key) = env("PALETTE_API_KEY") else {
        eprintln!(
            "usage: PALETTE_API_KEY=<key> [PALETTE_URL=<url>] cargo run -p palette-api --example rate_limits"
        );
        std::process::exit(2);
    };
    for limit in RATE_LIMITS {
        println!(
            "{:56} {:>5}/s burst {}",
            limit.prefix, limit.per_second, limit.burst
        );
    }

    let base_url = env("PALETTE_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let client = Client::builder().base_url(&base_url).api_key(key).build()?;
    let started = Instant::now();
    // Twenty calls at once on `/v1/users` (the default limit): the client spaces them.
    let calls = (0..20).map(|_| client.users_list().limit(1).send());
    let answers = try_join_all(calls).await?;
    println!("{} answers in {:.1?}", answers.len(), started.elapsed());
    Ok(())
}
