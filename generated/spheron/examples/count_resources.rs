//! Counts Spheron resources with the `…/count` endpoints: lists carry no totals, so
//! Spheron serves counts as separate operations (`{count: n}`, or per-status totals
//! for a project's deployments). Filters match those of the lists.
//!
//! ```sh
//! SPHERON_TOKEN=... SPHERON_ORG_ID=64f0... [SPHERON_PROJECT_ID=...] \
//!     cargo run -p spheron-api --example count_resources
//! ```
//!
//! `SPHERON_URL` (optional) replaces the base URL `https://api-v2.spheron.network` (for
//! a test server, say).

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
            "usage: SPHERON_TOKEN=<access token> SPHERON_ORG_ID=<organization id> [SPHERON_PROJECT_ID=<id>] [SPHERON_URL=<url>] cargo run -p spheron-api --example count_resources"
        );
        std::process::exit(2);
    };
    let base_url = env("SPHERON_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let client = Client::builder()
        .base_url(&base_url)
        .bearer_token(token)
        .build()?;

    // `{count: n}`, with the filters of the matching list (here: projects not archived).
    let projects = client
        .count_organization_projects(&org)
        .state(ResourceState::Maintained)
        .send()
        .await?;
    let buckets = client.count_organization_buckets(&org).send().await?;
    let compute = client
        .count_organization_compute_projects(&org)
        .send()
        .await?;
    println!("{} projects, {} buckets", projects.count, buckets.count);
    println!("{} compute projects", compute.count);

    if let Some(project) = env("SPHERON_PROJECT_ID") {
        let counts = client
            .count_project_deployments(&project)
            .send()
            .await?
            .into_inner();
        println!(
            "deployments: {:?} in all, {:?} successful, {:?} failed, {:?} pending",
            counts.total, counts.successful, counts.failed, counts.pending
        );
    }
    Ok(())
}
