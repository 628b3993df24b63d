//! Starts a CloudMC instance and waits for the task it runs. Most CloudMC writes answer
//! `{taskId, taskStatus}` at once and finish later; `.send_and_wait()` sends the call,
//! then polls `GET /tasks/{id}` (1 s first, growing to 10 s, for up to 15 minutes) and
//! returns the task's `result` as JSON. A FAILED task is `Error::TaskFailed` with the
//! vendor's message; a task CloudMC forgot (after about 30 minutes) is
//! `Error::TaskExpired`. (`.send()` alone returns the accepted task, `{taskId, taskStatus}`;
//! `get_task(id)` reads a task later.)
//!
//! ```sh
//! CLOUDMC_URL=https://portal.example.com/api/v2 CLOUDMC_API_KEY=... \
//! CLOUDMC_SERVICE=compute-qc CLOUDMC_ENVIRONMENT=prod-env CLOUDMC_INSTANCE_ID=<uuid> \
//! [CLOUDMC_ORG_ID=<uuid>] cargo run -p cloudmc-api --example start_instance_and_wait
//! ```

use cloudmc_api::models::{Instance, InstanceOperation, InstanceState};
use cloudmc_api::{Client, Error};

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
        "CLOUDMC_INSTANCE_ID",
    ];
    let [
        Some(url),
        Some(key),
        Some(service),
        Some(environment),
        Some(id),
    ] = vars.map(env)
    else {
        eprintln!(
            "usage: CLOUDMC_URL=https://<host>/api/v2 CLOUDMC_API_KEY=<key> CLOUDMC_SERVICE=<service code> CLOUDMC_ENVIRONMENT=<environment name> CLOUDMC_INSTANCE_ID=<id> [CLOUDMC_ORG_ID=<sub-org id>] cargo run -p cloudmc-api --example start_instance_and_wait"
        );
        std::process::exit(2);
    };
    let mut client = Client::builder().base_url(url).api_key(key).build()?;
    if let Some(org_id) = env("CLOUDMC_ORG_ID") {
        client = client.with_org(org_id)?; // the task is polled in the same org
    }

    let instance = client
        .get_instance(&service, &environment, &id)
        .send()
        .await?;
    if instance.state == Some(InstanceState::Running) {
        println!("{id} is already running");
        return Ok(());
    }
    let start = client.operate_instance(&service, &environment, &id, InstanceOperation::Start);
    match start.send_and_wait().await {
        // The result is JSON (its type varies by operation); here, the instance.
        Ok(result) => {
            let instance: Instance = serde_json::from_value(result)?;
            println!("started: {:?} is {:?}", instance.name, instance.state);
        }
        Err(Error::TaskFailed { message }) => println!("the task failed: {message}"),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
