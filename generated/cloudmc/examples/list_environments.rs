//! Connects to a CloudMC deployment with an API key (user profile → API keys), sent in
//! the `MC-Api-Key` header, and lists the caller's environments. Every deployment has
//! its own host, so the base URL (`https://<host>/api/v2`) is always given. Lists are
//! not paged: one call returns every item, as `{data: [...], metadata}`.
//!
//! ```sh
//! CLOUDMC_URL=https://portal.example.com/api/v2 CLOUDMC_API_KEY=... \
//!     cargo run -p cloudmc-api --example list_environments
//! ```

use cloudmc_api::Client;

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Some(url), Some(key)) = (env("CLOUDMC_URL"), env("CLOUDMC_API_KEY")) else {
        eprintln!(
            "usage: CLOUDMC_URL=https://<host>/api/v2 CLOUDMC_API_KEY=<key> cargo run -p cloudmc-api --example list_environments"
        );
        std::process::exit(2);
    };
    let client = Client::builder().base_url(url).api_key(key).build()?;

    let environments = client.list_environments().send().await?.into_inner();
    for environment in &environments.data {
        let connection = environment.service_connection.as_ref();
        let service = connection
            .and_then(|c| c.service_code.as_deref())
            .unwrap_or("-");
        let name = environment.name.as_deref().unwrap_or("-");
        println!("{service:16} {name}");
    }
    let count = environments.metadata.and_then(|m| m.record_count);
    println!(
        "{} environments (metadata says {count:?})",
        environments.data.len()
    );
    Ok(())
}
