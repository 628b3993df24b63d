//! The README's CloudCasa example, compiled by `cargo clippy --all-targets` so it stays
//! true. Run it against the real service with
//! `CLOUDCASA_TOKEN=... cargo run -p integration-tests --example cloudcasa_readme`.

use cloudcasa_api::Client;
use cloudcasa_api::runtime::eve::{Filter, Sort};
use futures_util::TryStreamExt;

async fn example() -> Result<(), cloudcasa_api::Error> {
    let client = Client::builder() // base URL https://api.cloudcasa.io/api
        .bearer_token(std::env::var("CLOUDCASA_TOKEN").unwrap_or_default())
        .build()
        .expect("valid configuration");

    // Every page, lazily: Eve's `_links.next` is followed until the last page. `where`
    // and `sort` are typed: {"name":{"$regex":"^prod","$options":"i"}} and -_created.
    let mut clusters = client
        .list_kubeclusters()
        .r#where(Filter::regex_i("name", "^prod"))
        .sort(Sort::desc("_created"))
        .items();
    while let Some(cluster) = clusters.try_next().await? {
        println!(
            "{} {:?}",
            cluster.name,
            cluster.status.and_then(|s| s.state)
        );
    }

    // Read, modify, write: the ETag of the GET is sent back as If-Match automatically;
    // a concurrent change gives Error::PreconditionFailed (412).
    let id = "5f612ac2a47691eb08e77904";
    let mut cluster = client.get_kubecluster(id).send().await?.into_inner();
    cluster.description = Some("east rack".into());
    let written = client.replace_kubecluster(id, cluster).send().await?;
    println!("new etag {:?}", written.etag);
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if let Err(e) = example().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
