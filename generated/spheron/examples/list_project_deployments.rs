//! Lists a Spheron project's deployments. This list answers a bare JSON array (not an
//! object), and `.items()` pages it the same way: `skip` grows by the items received.
//! Without `.limit(..)` a short page proves nothing, so paging stops at the first
//! empty page instead.
//!
//! ```sh
//! SPHERON_TOKEN=... SPHERON_PROJECT_ID=... cargo run -p spheron-api --example list_project_deployments
//! ```
//!
//! `SPHERON_URL` (optional) replaces the base URL `https://api-v2.spheron.network` (for
//! a test server, say).

use futures_util::TryStreamExt;
use spheron_api::models::DeploymentStatus;
use spheron_api::{Client, PROFILE};

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Some(token), Some(project)) = (env("SPHERON_TOKEN"), env("SPHERON_PROJECT_ID")) else {
        eprintln!(
            "usage: SPHERON_TOKEN=<access token> SPHERON_PROJECT_ID=<project id> [SPHERON_URL=<url>] cargo run -p spheron-api --example list_project_deployments"
        );
        std::process::exit(2);
    };
    let base_url = env("SPHERON_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let client = Client::builder()
        .base_url(&base_url)
        .bearer_token(token)
        .build()?;

    // At most ten successful deployments: one request, no further pages.
    let mut deployed = client
        .list_project_deployments(&project)
        .status(DeploymentStatus::Deployed)
        .limit(10)
        .items_max(10);
    while let Some(deployment) = deployed.try_next().await? {
        let preview = deployment.site_preview.unwrap_or_default();
        println!("{} {:?} {preview}", deployment.id, deployment.status);
    }

    // `.send()` returns one page: here a `Vec<Deployment>`.
    let first_page = client
        .list_project_deployments(&project)
        .limit(3)
        .send()
        .await?;
    println!("{} deployments on the first page", first_page.len());
    Ok(())
}
