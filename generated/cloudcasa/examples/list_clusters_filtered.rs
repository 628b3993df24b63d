//! Lists CloudCasa Kubernetes clusters with typed Eve query values
//! (`runtime::eve::{Filter, Sort}`: no JSON written by hand) and shows the three ways to
//! walk an Eve listing: `.items()` (every item, following `_links.next`), `.items_max(n)`
//! (stop after `n` items) and `.pages()` (one page at a time, with `_meta`).
//!
//! Run it with an API key (CloudCasa UI: Configuration → API Keys):
//!
//! ```sh
//! CLOUDCASA_API_KEY=... [CLOUDCASA_NAME_PREFIX=prod] \
//!     cargo run -p cloudcasa-api --example list_clusters_filtered
//! ```
//!
//! `CLOUDCASA_URL` (optional) replaces the base URL `https://api.cloudcasa.io/api`, e.g.
//! with a self-hosted installation's `https://<host>/api`.

use cloudcasa_api::runtime::eve::{Filter, Sort};
use cloudcasa_api::{Client, PROFILE};
use futures_util::TryStreamExt;

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(token) = env("CLOUDCASA_API_KEY") else {
        eprintln!(
            "usage: CLOUDCASA_API_KEY=<key> [CLOUDCASA_NAME_PREFIX=<prefix>] [CLOUDCASA_URL=<url>] cargo run -p cloudcasa-api --example list_clusters_filtered"
        );
        std::process::exit(2);
    };
    let prefix = env("CLOUDCASA_NAME_PREFIX").unwrap_or_default();
    let base_url = env("CLOUDCASA_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let client = Client::builder()
        .base_url(&base_url)
        .bearer_token(token)
        .build()?;

    // where={"name":{"$regex":"^prod","$options":"i"}}&sort=-_created, typed.
    let mut clusters = client
        .list_kubeclusters()
        .r#where(Filter::regex_i("name", format!("^{prefix}")))
        .sort(Sort::desc("_created"))
        .max_results(50) // page size; `.items()` still returns every page
        .items();
    while let Some(cluster) = clusters.try_next().await? {
        let state = cluster.status.and_then(|status| status.state);
        let state = state.map_or_else(|| "-".to_owned(), |state| state.to_string());
        println!("{:24} {state}", cluster.name);
    }

    // The first three by name: no page after the one that holds the third item.
    let first: Vec<_> = client
        .list_kubeclusters()
        .sort(Sort::asc("name"))
        .items_max(3)
        .try_collect()
        .await?;
    let names: Vec<&str> = first.iter().map(|c| c.name.as_str()).collect();
    println!("first by name: {names:?}");

    // Page by page, with Eve's `_meta` (page number, page size, total).
    let mut pages = client.list_kubeclusters().max_results(25).pages();
    while let Some(page) = pages.try_next().await? {
        let meta = page.meta.unwrap_or_default();
        let count = page.items.map_or(0, |items| items.len());
        println!("page {:?}: {count} of {:?} clusters", meta.page, meta.total);
    }
    Ok(())
}
