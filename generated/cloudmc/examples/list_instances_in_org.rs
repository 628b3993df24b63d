//! Lists the instances of a CloudMC environment, optionally in a sub-organization:
//! `with_org` makes a client that adds `org_id=<id>` to every request (without it, calls
//! act in the caller's own organization). A single object comes back unwrapped:
//! `get_instance` answers `{data: {...}}` and returns the `Instance` itself.
//!
//! ```sh
//! CLOUDMC_URL=https://portal.example.com/api/v2 CLOUDMC_API_KEY=... \
//! CLOUDMC_SERVICE=compute-qc CLOUDMC_ENVIRONMENT=prod-env [CLOUDMC_ORG_ID=<uuid>] \
//!     cargo run -p cloudmc-api --example list_instances_in_org
//! ```

use cloudmc_api::Client;

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let vars = [
        "CLOUDMC_URL",
        "CLOUDMC_API_KEY",
        "CLOUDMC_SERVICE",
        "CLOUDMC_ENVIRONMENT",
    ];
    let [Some(url), Some(key), Some(service), Some(environment)] = vars.map(env) else {
        eprintln!(
            "usage: CLOUDMC_URL=https://<host>/api/v2 CLOUDMC_API_KEY=<key> CLOUDMC_SERVICE=<service code> CLOUDMC_ENVIRONMENT=<environment name> [CLOUDMC_ORG_ID=<sub-org id>] cargo run -p cloudmc-api --example list_instances_in_org"
        );
        std::process::exit(2);
    };
    let mut client = Client::builder().base_url(url).api_key(key).build()?;
    if let Some(org_id) = env("CLOUDMC_ORG_ID") {
        client = client.with_org(org_id)?; // shares connections; sends org_id everywhere
    }

    let instances = client.list_instances(&service, &environment).send().await?;
    for listed in &instances.data {
        // Ids are typed (`format: uuid`); path parameters take them as text.
        let Some(id) = listed.id.map(|id| id.to_string()) else {
            continue;
        };
        // `Instance`, not `{data: Instance}`: the envelope is removed for you.
        let instance = client
            .get_instance(&service, &environment, &id)
            .send()
            .await?;
        let state = instance.state.as_ref().map(ToString::to_string);
        let name = instance.name.as_deref().unwrap_or("-");
        println!("{id} {name:24} {}", state.as_deref().unwrap_or("-"));
    }
    Ok(())
}
