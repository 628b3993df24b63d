//! Lists the clusters of one Palette project: `with_project` makes a client that sends
//! the `ProjectUid` header on every request (without it, a request applies to the
//! tenant). Cluster search is `POST /v1/dashboard/spectroclusters/search`; `.items()`
//! re-sends the same search body with each `continue` token of `listmeta` until an empty
//! token ends the listing, holding one page in memory.
//!
//! ```sh
//! PALETTE_API_KEY=... PALETTE_PROJECT_UID=... \
//!     cargo run -p palette-api --example list_clusters_in_project
//! ```
//!
//! `PALETTE_URL` (optional) replaces the base URL `https://api.spectrocloud.com`, e.g.
//! with the host of a self-hosted Palette.

use futures_util::TryStreamExt;
use palette_api::models::{
    V1SearchFilterSortSpec, V1SearchFilterSummarySpec, V1SearchSortFields, V1SortOrder,
    V1SpectroClusterSummary,
};
use palette_api::runtime::Nullable;
use palette_api::{Client, PROFILE};

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Some(key), Some(project_uid)) = (env("PALETTE_API_KEY"), env("PALETTE_PROJECT_UID"))
    else {
        eprintln!(
            "usage: PALETTE_API_KEY=<key> PALETTE_PROJECT_UID=<uid> [PALETTE_URL=<url>] cargo run -p palette-api --example list_clusters_in_project"
        );
        std::process::exit(2);
    };
    let base_url = env("PALETTE_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let tenant = Client::builder().base_url(&base_url).api_key(key).build()?;
    let project = tenant.with_project(project_uid)?; // same connections, ProjectUid header

    let by_name = V1SearchFilterSummarySpec {
        sort: Some(vec![V1SearchFilterSortSpec {
            field: Nullable::Value(V1SearchSortFields::ClusterName),
            order: Some(V1SortOrder::Asc),
        }]),
        ..Default::default()
    };
    let mut clusters = project
        .spectro_clusters_search_filter_summary()
        .body(by_name)
        .limit(50)
        .items();
    while let Some(cluster) = clusters.try_next().await? {
        print_cluster(&cluster);
    }
    Ok(())
}

/// One line per cluster: name, uid, state.
fn print_cluster(cluster: &V1SpectroClusterSummary) {
    let meta = cluster.metadata.as_ref();
    let name = meta.and_then(|m| m.name.as_deref()).unwrap_or("-");
    let uid = meta.and_then(|m| m.uid.as_deref()).unwrap_or("-");
    let state = cluster.status.as_ref().and_then(|s| s.state.as_deref());
    println!("{name:32} {uid:26} {}", state.unwrap_or("-"));
}
