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

#[cfg(test)]
mod tests {
    use super::*;

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
