//! Reads a failed CloudMC call: the HTTP status, CloudMC's error envelope
//! (`{errors: [{code, errorCode, message, context}]}`, decoded as
//! `models::ErrorEnvelope`), the raw body when it is not that shape, and `was_sent()`,
//! which says whether the server may have seen the request.
//!
//! ```sh
//! CLOUDMC_URL=https://portal.example.com/api/v2 CLOUDMC_API_KEY=... \
//! CLOUDMC_SERVICE=compute-qc CLOUDMC_ENVIRONMENT=prod-env [CLOUDMC_INSTANCE_ID=<missing id>] \
//!     cargo run -p cloudmc-api --example read_error_envelope
//! ```

use cloudmc_api::{Client, Error};

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Prints what a failed call tells.
fn explain(error: &Error) {
    println!("status {:?}, sent: {}", error.status(), error.was_sent());
    if let Some(envelope) = error.envelope() {
        for detail in &envelope.errors {
            let code = detail
                .code
                .map(|c| c.to_string())
                .or(detail.error_code.clone());
            println!("{code:?}: {:?} {:?}", detail.message, detail.context);
        }
    } else if let Some(response) = error.api_error() {
        println!("body: {}", response.body_text()); // not CloudMC's shape
    } else {
        println!("{error}"); // no response, or a task that failed or expired
    }
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
            "usage: CLOUDMC_URL=https://<host>/api/v2 CLOUDMC_API_KEY=<key> CLOUDMC_SERVICE=<service code> CLOUDMC_ENVIRONMENT=<environment name> [CLOUDMC_INSTANCE_ID=<id>] cargo run -p cloudmc-api --example read_error_envelope"
        );
        std::process::exit(2);
    };
    let id =
        env("CLOUDMC_INSTANCE_ID").unwrap_or_else(|| "00000000-0000-0000-0000-000000000000".into());
    let client = Client::builder().base_url(url).api_key(key).build()?;

    match client
        .get_instance(&service, &environment, &id)
        .send()
        .await
    {
        Ok(instance) => println!("instance {id} exists: {:?}", instance.name),
        // Any answer with an error status: 404 for an unknown id, 401 for a bad key...
        Err(error) if error.status().is_some() => explain(&error),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
