//! Runs a CloudCasa backup definition now and follows the job it starts until the job
//! ends. CloudCasa has no task resource: work runs as jobs. The run answers the backup
//! document; its `status.last_job_run_time` leads to the new job (`GET /v1/jobs` with a
//! typed `where`), which is then polled with `GET /v1/jobs/{id}` through the client's
//! poller (`client.core().poll_task`, growing waits, 15-minute deadline).
//!
//! ```sh
//! CLOUDCASA_API_KEY=... CLOUDCASA_BACKUP_ID=64b0... [CLOUDCASA_RETAIN_DAYS=7] \
//!     cargo run -p cloudcasa-api --example run_backup_and_wait
//! ```
//!
//! `CLOUDCASA_URL` (optional) replaces the base URL `https://api.cloudcasa.io/api`, e.g.
//! with a self-hosted installation's `https://<host>/api`.

use std::time::Duration;

use cloudcasa_api::models::{JobState, RunRequest, RunRequestRetention};
use cloudcasa_api::runtime::eve::{Filter, Sort};
use cloudcasa_api::runtime::{PollPolicy, TaskState};
use cloudcasa_api::{Client, PROFILE};
use futures_util::TryStreamExt;

/// The value of `name`, or `None` when it is unset or empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Some(token), Some(backup_id)) = (env("CLOUDCASA_API_KEY"), env("CLOUDCASA_BACKUP_ID"))
    else {
        eprintln!(
            "usage: CLOUDCASA_API_KEY=<key> CLOUDCASA_BACKUP_ID=<kubebackup id> [CLOUDCASA_RETAIN_DAYS=<days>] [CLOUDCASA_URL=<url>] cargo run -p cloudcasa-api --example run_backup_and_wait"
        );
        std::process::exit(2);
    };
    let retain_days = match env("CLOUDCASA_RETAIN_DAYS") {
        Some(days) => days.parse::<i64>()?,
        None => 7,
    };
    let base_url = env("CLOUDCASA_URL").unwrap_or_else(|| PROFILE.default_base_url.into());
    let client = Client::builder()
        .base_url(&base_url)
        .bearer_token(token)
        .build()?;

    // Before the run: when the last job ran, so the new job is the one started after.
    let before = client.get_kubebackup(&backup_id).send().await?.into_inner();
    let since = before.status.and_then(|s| s.last_job_run_time).unwrap_or(0);
    let run = RunRequest {
        retention: Some(RunRequestRetention {
            retain_days: Some(retain_days),
        }),
        run_backup: Some(true),
    };
    client.run_kubebackup(&backup_id, run).send().await?;

    // Find the job: newest job of this backup definition that started after `since`.
    let find = PollPolicy::STANDARD.deadline(Duration::from_secs(60));
    let job = client
        .core()
        .poll_task_with(find, || {
            let search = client
                .list_jobs()
                .r#where(Filter::eq("backupdef", &backup_id).and(Filter::gt("start_time", since)))
                .sort(Sort::desc("start_time"))
                .items_max(1);
            async move {
                let newest = search.try_collect::<Vec<_>>().await?.pop();
                Ok(newest.map_or(TaskState::Pending, TaskState::Succeeded))
            }
        })
        .await?;
    let job_id = job.id.ok_or("the job has no _id")?;
    println!("job {job_id} started");

    // Poll it until it is terminal.
    let finished = client
        .core()
        .poll_task(|| {
            let poll = client.get_job(&job_id);
            async move {
                let job = poll.send().await?.into_inner();
                Ok(match job.state {
                    Some(JobState::Completed | JobState::Partial | JobState::Skipped) => {
                        TaskState::Succeeded(job)
                    }
                    Some(JobState::Failed | JobState::Canceled) => TaskState::Failed {
                        message: job.message.unwrap_or_default(),
                    },
                    // Some CloudCasa clients spell it with two Ls.
                    Some(JobState::Other(state)) if state == "CANCELLED" => TaskState::Failed {
                        message: job.message.unwrap_or(state),
                    },
                    _ => TaskState::Pending,
                })
            }
        })
        .await?;
    println!(
        "job {job_id}: {:?}, {} resources backed up",
        finished.state,
        finished.num_backup_resources.unwrap_or(0)
    );
    Ok(())
}
