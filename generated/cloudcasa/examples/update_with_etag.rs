//! Changes a CloudCasa cluster's description under optimistic concurrency: the `ETag` of
//! the GET is remembered by the client and sent back as `If-Match` on the PUT, so a
//! change someone else made in between is refused (412, `Error::PreconditionFailed`)
//! instead of being overwritten. Then the same change with `replace_kubecluster_with`,
//! which starts over from a fresh copy after a 412.
//!
//! ```sh
//! CLOUDCASA_API_KEY=... CLOUDCASA_CLUSTER_ID=5f61... [CLOUDCASA_DESCRIPTION="east rack"] \
//!     cargo run -p cloudcasa-api --example update_with_etag
//! ```
//!
//! `CLOUDCASA_URL` (optional) replaces the base URL `https://api.cloudcasa.io/api`, e.g.
//! with a self-hosted installation's `https://<host>/api`.

use cloudcasa_api::{Client, Error, PROFILE};

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Some(token), Some(id)) = (env("CLOUDCASA_API_KEY"), env("CLOUDCASA_CLUSTER_ID")) else {
        eprintln!(
            "usage: CLOUDCASA_API_KEY=<key> CLOUDCASA_CLUSTER_ID=<id> [CLOUDCASA_DESCRIPTION=<text>] [CLOUDCASA_URL=<url>] cargo run -p cloudcasa-api --example update_with_etag"
        );
        std::process::exit(2);
    };
    let description =
        env("CLOUDCASA_DESCRIPTION").unwrap_or_else(|| "updated by cloudcasa-api".into());
    let base_url = env("CLOUDCASA_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let client = Client::builder()
        .base_url(&base_url)
        .bearer_token(token)
        .build()?;

    // Read, modify, write: the GET's ETag goes back as If-Match without being handled
    // here; read-only fields (_etag, _created, _updated, _links) are never sent.
    let fetched = client.get_kubecluster(&id).send().await?;
    println!("read {} at ETag {:?}", fetched.name, fetched.etag());
    let mut cluster = fetched.into_inner();
    cluster.description = Some(description.clone());
    match client.replace_kubecluster(&id, cluster).send().await {
        Ok(written) => println!("written, new ETag {:?}", written.etag),
        Err(Error::PreconditionFailed(_)) => println!("changed by someone else since the GET"),
        Err(error) => return Err(error.into()),
    }

    // The same, with retries: GET, modify, PUT under If-Match; on 412 start over from
    // a fresh copy (up to 3 attempts). `modify` runs once per attempt.
    let written = client
        .replace_kubecluster_with(&id, |cluster| {
            cluster.description = Some(format!("{description} (checked)"));
        })
        .await?;
    println!("written, new ETag {:?}", written.etag);
    Ok(())
}
