//! Lists a Spheron organization's static-site projects with `skip`/`limit` paging.
//! Spheron lists carry no cursor or total: `.items()` adds the number of items received
//! to `skip` for the next request, and a page shorter than `limit` (or an empty one)
//! ends the listing. `.items_max(n)` stops after `n` items; `.pages()` yields one
//! `ProjectList` (`{projects: [...]}`) at a time.
//!
//! ```sh
//! SPHERON_TOKEN=... SPHERON_ORG_ID=64f0... cargo run -p spheron-api --example list_projects_paged
//! ```
//!
//! `SPHERON_URL` (optional) replaces the base URL `https://api-v2.spheron.network` (for
//! a test server, say).

use futures_util::TryStreamExt;
use spheron_api::models::ResourceState;
use spheron_api::{Client, PROFILE};

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Some(token), Some(org)) = (env("SPHERON_TOKEN"), env("SPHERON_ORG_ID")) else {
        eprintln!(
            "usage: SPHERON_TOKEN=<access token> SPHERON_ORG_ID=<organization id> [SPHERON_URL=<url>] cargo run -p spheron-api --example list_projects_paged"
        );
        std::process::exit(2);
    };
    let base_url = env("SPHERON_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let client = Client::builder()
        .base_url(&base_url)
        .bearer_token(token)
        .build()?;

    // Requests skip=0 (sent as no skip), 20, 40, ... until a short page.
    let mut projects = client
        .list_organization_projects(&org)
        .state(ResourceState::Maintained)
        .limit(20)
        .items();
    while let Some(project) = projects.try_next().await? {
        println!("{} {}", project.id, project.name.unwrap_or_default());
    }

    // The first five only: one request with limit 5.
    let five: Vec<_> = client
        .list_organization_projects(&org)
        .limit(5)
        .items_max(5)
        .try_collect()
        .await?;
    println!("{} projects in the first five", five.len());

    // Page by page.
    let mut pages = client.list_organization_projects(&org).limit(50).pages();
    while let Some(page) = pages.try_next().await? {
        println!(
            "a page of {} projects",
            page.projects.map_or(0, |p| p.len())
        );
    }
    Ok(())
}
