//! Async tasks: poll a task until it reaches a terminal state, with growing intervals
//! and a deadline (CloudMC `{taskId, taskStatus}` polled with `GET /tasks/{id}`,
//! CloudCasa jobs polled through `/jobs`).
//!
//! The poller is generic: the caller's closure sends one poll request and maps the
//! response to a [`TaskState`]. Outcomes:
//!
//! - [`TaskState::Succeeded`] → `Ok(result)`;
//! - [`TaskState::Failed`] → [`Error::TaskFailed`];
//! - the deadline passes while the task is pending → [`Error::TaskDeadlineExceeded`]
//!   (the task may still finish on the server);
//! - a poll answers 404 → [`Error::TaskExpired`] (CloudMC forgets tasks after about 30
//!   minutes);
//! - any other error of a poll is returned as is (the poll request itself was already
//!   retried by the client's retry policy).

use std::future::Future;
use std::time::Duration;

use crate::error::Error;
use crate::time::Clock;

/// What one poll says about a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskState<T> {
    /// Not finished yet.
    Pending,
    /// Finished successfully with this result.
    Succeeded(T),
    /// Finished with a failure.
    Failed {
        /// The vendor's message, or a description of the state.
        message: String,
    },
}

/// How often and how long to poll. `const`-constructible.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollPolicy {
    initial_interval: Duration,
    max_interval: Duration,
    multiplier: f64,
    deadline: Duration,
}

impl PollPolicy {
    /// First wait 1 s (what CloudMC's own clients use), then ×1.5 up to 10 s; give up
    /// after 15 minutes.
    pub const STANDARD: Self = Self {
        initial_interval: Duration::from_secs(1),
        max_interval: Duration::from_secs(10),
        multiplier: 1.5,
        deadline: Duration::from_secs(15 * 60),
    };

    /// Wait before the second poll.
    pub const fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// Longest wait between polls.
    pub const fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// Growth of the wait between polls (values below 1 are treated as 1).
    pub const fn multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = multiplier;
        self
    }

    /// Give up when this much time has passed since the first poll.
    pub const fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The wait after poll number `poll` (1-based).
    pub fn interval(&self, poll: u32) -> Duration {
        let multiplier = if self.multiplier.is_finite() {
            self.multiplier.max(1.0)
        } else {
            1.0
        };
        let exponent = i32::try_from(poll.saturating_sub(1)).unwrap_or(i32::MAX);
        let secs = self.initial_interval.as_secs_f64() * multiplier.powi(exponent);
        Duration::try_from_secs_f64(secs)
            .unwrap_or(self.max_interval)
            .min(self.max_interval)
    }
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self::STANDARD
    }
}

/// Calls `poll` until the task is terminal, waiting with `clock` between polls.
pub async fn poll_task<T, E, F, Fut>(
    clock: &dyn Clock,
    policy: PollPolicy,
    mut poll: F,
) -> Result<T, Error<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<TaskState<T>, Error<E>>>,
{
    let started = clock.monotonic();
    let mut polls = 0u32;
    loop {
        polls = polls.saturating_add(1);
        match poll().await {
            Ok(TaskState::Succeeded(result)) => return Ok(result),
            Ok(TaskState::Failed { message }) => return Err(Error::TaskFailed { message }),
            Ok(TaskState::Pending) => {}
            Err(Error::Api(api)) if api.status == http::StatusCode::NOT_FOUND => {
                return Err(Error::TaskExpired(api));
            }
            Err(error) => return Err(error),
        }
        let wait = policy.interval(polls);
        let elapsed = clock.monotonic().saturating_sub(started);
        if elapsed + wait > policy.deadline {
            return Err(Error::TaskDeadlineExceeded { elapsed, polls });
        }
        tracing::debug!(polls, wait_ms = wait.as_millis() as u64, "task pending");
        clock.sleep(wait).await;
    }
}

/// Where a vendor's task responses keep the task id, status, result and message, as
/// lists of JSON pointers tried in order (vendors' own documents and clients disagree on
/// the shape: CloudMC's docs say `/taskStatus`, its clients read `/data/status`).
/// Generated crates hold one as a `const`; [`TaskShape::state`] turns a response into a
/// [`TaskState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskShape {
    /// Pointers to the task id in the accepted response.
    pub id: &'static [&'static str],
    /// Pointers to the status, in accepted and poll responses.
    pub status: &'static [&'static str],
    /// Pointers to the result of a succeeded task.
    pub result: &'static [&'static str],
    /// Pointers to a failure message.
    pub message: &'static [&'static str],
    /// Status values meaning success (compared case-insensitively).
    pub succeeded: &'static [&'static str],
    /// Status values meaning failure; any other status is pending.
    pub failed: &'static [&'static str],
}

impl TaskShape {
    fn first<'v>(pointers: &[&str], value: &'v serde_json::Value) -> Option<&'v serde_json::Value> {
        pointers
            .iter()
            .filter_map(|p| value.pointer(p))
            .find(|v| !v.is_null())
    }

    /// The task id of an accepted response (a string, or a number written as one).
    pub fn id(&self, accepted: &serde_json::Value) -> Option<String> {
        match Self::first(self.id, accepted)? {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// What a response says about the task; `None` when it has no status.
    pub fn state(&self, response: &serde_json::Value) -> Option<TaskState<serde_json::Value>> {
        let status = Self::first(self.status, response)?.as_str()?;
        let is = |set: &[&str]| set.iter().any(|s| s.eq_ignore_ascii_case(status));
        Some(if is(self.succeeded) {
            let result = Self::first(self.result, response)
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            TaskState::Succeeded(result)
        } else if is(self.failed) {
            let message = Self::first(self.message, response)
                .map(|m| match m {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_else(|| format!("status {status}"));
            TaskState::Failed { message }
        } else {
            TaskState::Pending
        })
    }

    /// Like [`TaskShape::state`], but a response without a status is an
    /// [`Error::TaskUnreadable`] naming the pointers tried.
    pub fn require_state<E>(
        &self,
        response: &serde_json::Value,
    ) -> Result<TaskState<serde_json::Value>, Error<E>> {
        self.state(response).ok_or_else(|| Error::TaskUnreadable {
            message: format!(
                "no task status at {} in {}",
                self.status.join(" or "),
                truncated(response)
            ),
        })
    }

    /// Like [`TaskShape::id`], but a missing id is an [`Error::TaskUnreadable`].
    pub fn require_id<E>(&self, accepted: &serde_json::Value) -> Result<String, Error<E>> {
        self.id(accepted).ok_or_else(|| Error::TaskUnreadable {
            message: format!(
                "no task id at {} in {}",
                self.id.join(" or "),
                truncated(accepted)
            ),
        })
    }
}

/// A JSON value for an error message, cut at 500 bytes.
fn truncated(value: &serde_json::Value) -> String {
    let mut text = value.to_string();
    if text.len() > 500 {
        let cut = (0..=500)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        text.truncate(cut);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: TaskShape = TaskShape {
        id: &["/taskId", "/data/id"],
        status: &["/taskStatus", "/status", "/data/status"],
        result: &["/result", "/data/result"],
        message: &["/message", "/data/message"],
        succeeded: &["SUCCESS"],
        failed: &["FAILED"],
    };

    #[test]
    fn task_shape_reads_either_layout() {
        let docs =
            serde_json::json!({"taskId": "t1", "taskStatus": "SUCCESS", "result": {"id": 7}});
        let clients = serde_json::json!({"data": {"id": "t1", "status": "success", "result": 3}});
        assert_eq!(SHAPE.id(&docs).as_deref(), Some("t1"));
        assert_eq!(SHAPE.id(&clients).as_deref(), Some("t1"));
        assert_eq!(
            SHAPE.state(&docs),
            Some(TaskState::Succeeded(serde_json::json!({"id": 7})))
        );
        assert_eq!(
            SHAPE.state(&clients),
            Some(TaskState::Succeeded(serde_json::json!(3)))
        );
        let pending = serde_json::json!({"taskId": "t1", "status": "PENDING"});
        assert_eq!(SHAPE.state(&pending), Some(TaskState::Pending));
        let failed = serde_json::json!({"taskStatus": "FAILED"});
        assert_eq!(
            SHAPE.state(&failed),
            Some(TaskState::Failed {
                message: "status FAILED".into()
            })
        );
        let nothing = serde_json::json!({"taskId": null});
        assert_eq!(SHAPE.state(&nothing), None);
        assert_eq!(SHAPE.id(&nothing), None);
        let err = SHAPE.require_id::<()>(&nothing).expect_err("no id");
        assert!(err.to_string().contains("/taskId or /data/id"), "{err}");
    }

    #[test]
    fn intervals_grow_and_cap() {
        let p = PollPolicy::STANDARD;
        assert_eq!(p.interval(1), Duration::from_secs(1));
        assert_eq!(p.interval(2), Duration::from_millis(1500));
        assert_eq!(p.interval(100), Duration::from_secs(10));
        assert_eq!(p.interval(u32::MAX), Duration::from_secs(10));
        let odd = p.multiplier(f64::NAN);
        assert_eq!(odd.interval(5), Duration::from_secs(1));
    }
}
