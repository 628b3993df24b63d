//! Walks a Palette listing that follows `continue` tokens for you: `users_list()` is a
//! GET with `limit` and `continue`, so its builder has `.items()` (every user, page
//! after page, until `listmeta.continue` is empty), `.items_max(n)` (stops after `n`
//! users without fetching further pages) and `.pages()` (one `V1Users` page at a time,
//! with its `listmeta`).
//!
//! ```sh
//! PALETTE_API_KEY=... [PALETTE_PROJECT_UID=...] cargo run -p palette-api --example list_users_paged
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
    let Some(key) = env("PALETTE_API_KEY") else {
        eprintln!(
            "usage: PALETTE_API_KEY=<key> [PALETTE_PROJECT_UID=<uid>] [PALETTE_URL=<url>] cargo run -p palette-api --example list_users_paged"
        );
        std::process::exit(2);
    };
    let base_url = env("PALETTE_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let mut client = Client::builder().base_url(&base_url).api_key(key).build()?;
    if let Some(project_uid) = env("PALETTE_PROJECT_UID") {
        client = client.with_project(project_uid)?;
    }

    // Every user, 20 per request; the next page is fetched when this one is used up.
    let mut users = client.users_list().limit(20).items();
    while let Some(user) = users.try_next().await? {
        let name = user.metadata.and_then(|m| m.name).unwrap_or_default();
        let email = user.spec.and_then(|s| s.email_id).unwrap_or_default();
        println!("{name:32} {email}");
    }

    // At most five users: one request of `limit` 5, nothing after.
    let five: Vec<_> = client
        .users_list()
        .limit(5)
        .items_max(5)
        .try_collect()
        .await?;
    println!("{} users in the first five", five.len());

    // Page by page, with the list metadata Palette returns.
    let mut pages = client.users_list().limit(50).pages();
    while let Some(page) = pages.try_next().await? {
        let count = page.listmeta.and_then(|m| m.count);
        println!("a page of {} users ({count:?} in all)", page.items.len());
    }
    Ok(())
}
