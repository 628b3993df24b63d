//! Retries as a documented policy: a classifier turns the outcome of one attempt into
//! a named [`RetryDecision`], backoff is a pure function ([`backoff`]), `Retry-After`
//! is honoured in both of its forms, and a [`RetryBudget`] caps the extra traffic a
//! client may add while a server is struggling.
//!
//! What is retried (see [`RetryPolicy::decide`]):
//!
//! | outcome | idempotent request | non-idempotent (POST, PATCH) |
//! |---|---|---|
//! | connect error (nothing was sent) | retry | retry |
//! | 429, 502, 503, 504 | retry | no |
//! | timeout, connection broken after sending | retry | no |
//! | any other status, decode errors | no | no |
//!
//! A request is idempotent when its method is (GET, HEAD, PUT, DELETE, OPTIONS,
//! TRACE), or when the caller marked it with [`crate::Request::idempotent`] or gave it
//! an idempotency key ([`crate::Request::idempotency_key`]). A request with a streamed
//! body (file upload, multipart with file parts) is never retried: the body cannot be
//! replayed. [`crate::Request::no_retry`] switches retries off for one call.
//!
//! `Retry-After` (delta-seconds or HTTP date, read with the client's [`crate::Clock`])
//! replaces the computed backoff; when it asks for more than
//! [`RetryPolicy::max_retry_after`], the call is not retried and the caller gets the
//! 429/503 error (with its headers) instead of the client hammering a server that
//! asked for quiet.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use http::header::RETRY_AFTER;
use http::{HeaderMap, Method, StatusCode};

/// How many retry tokens a retry costs, how many a success gives back, and how many
/// the bucket holds. Shared by every call of a client (and of its scoped copies).
///
/// The defaults (500 / 5 / 1) let a healthy client retry freely while bounding a
/// retry storm against a failing server to about 100 extra requests, after which
/// calls fail on their first error until successes refill the bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    capacity: u32,
    retry_cost: u32,
    success_refund: u32,
}

impl RetryBudget {
    /// The default budget: capacity 500, a retry costs 5, a success refunds 1.
    pub const STANDARD: Self = Self {
        capacity: 500,
        retry_cost: 5,
        success_refund: 1,
    };

    /// A custom budget.
    pub const fn new(capacity: u32, retry_cost: u32, success_refund: u32) -> Self {
        Self {
            capacity,
            retry_cost,
            success_refund,
        }
    }
}

/// The retry policy of a client. Built with `const fn`s so generated crates can keep
/// one in a `static`:
///
/// ```
/// use std::time::Duration;
/// use cloudgen_runtime::RetryPolicy;
/// static RETRY: RetryPolicy = RetryPolicy::STANDARD
///     .max_attempts(4)
///     .base_delay(Duration::from_millis(200));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
    budget: RetryBudget,
}

impl RetryPolicy {
    /// 3 attempts, backoff base 100 ms capped at 20 s, `Retry-After` up to 60 s, the
    /// standard budget.
    pub const STANDARD: Self = Self {
        max_attempts: 3,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(20),
        max_retry_after: Duration::from_secs(60),
        budget: RetryBudget::STANDARD,
    };

    /// Never retry.
    pub const NONE: Self = Self::STANDARD.max_attempts(1);

    /// Total attempts including the first (at least 1).
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// Base of the exponential backoff.
    pub const fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Cap of the exponential backoff (before jitter).
    pub const fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` the client waits for; longer ones end the call.
    pub const fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// The retry budget.
    pub const fn budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }

    /// Total attempts including the first.
    pub const fn attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) const fn budget_config(&self) -> RetryBudget {
        self.budget
    }

    /// Decides what to do after attempt number `attempt` (1-based) ended with
    /// `outcome`. `now` is the wall-clock time (for `Retry-After` dates) and `random`
    /// a uniform number in `[0, 1)` for the jitter. Pure: no clock, no state.
    pub fn decide(
        &self,
        outcome: Outcome<'_>,
        idempotent: bool,
        attempt: u32,
        now: SystemTime,
        random: f64,
    ) -> RetryDecision {
        let Some(reason) = classify(&outcome) else {
            return RetryDecision::DoNotRetry(NoRetryReason::NotRetryable);
        };
        if reason != RetryReason::ConnectError && !idempotent {
            return RetryDecision::DoNotRetry(NoRetryReason::NotIdempotent);
        }
        if attempt >= self.max_attempts {
            return RetryDecision::DoNotRetry(NoRetryReason::AttemptsExhausted);
        }
        let retry_after = match outcome {
            Outcome::Status { headers, .. } => retry_after(headers, now),
            _ => None,
        };
        match retry_after {
            Some(wait) if wait > self.max_retry_after => {
                RetryDecision::DoNotRetry(NoRetryReason::RetryAfterTooLong(wait))
            }
            Some(delay) => RetryDecision::Retry { delay, reason },
            None => RetryDecision::Retry {
                delay: backoff(attempt, self.base_delay, self.max_delay, random),
                reason,
            },
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::STANDARD
    }
}

/// How one attempt ended, as the retry classifier sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// The connection could not be established: nothing was sent.
    ConnectError,
    /// The attempt timed out (the server may have received the request).
    Timeout,
    /// The connection broke after it was established.
    TransportError,
    /// The server answered with a non-2xx status.
    Status {
        /// The status.
        status: StatusCode,
        /// The response headers (for `Retry-After`).
        headers: &'a HeaderMap,
    },
}

/// Why an attempt is worth repeating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// The connection could not be established.
    ConnectError,
    /// The attempt timed out.
    Timeout,
    /// The connection broke after it was established.
    TransportError,
    /// 429 Too Many Requests.
    Throttled,
    /// 502, 503 or 504.
    Unavailable(StatusCode),
}

/// Why an attempt is not repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoRetryReason {
    /// The outcome is not one that a retry can fix.
    NotRetryable,
    /// The request may have had an effect and is not marked safe to repeat.
    NotIdempotent,
    /// The policy's attempt count is used up.
    AttemptsExhausted,
    /// The server asked to wait longer than the policy allows.
    RetryAfterTooLong(Duration),
    /// The client's retry budget is empty.
    BudgetExhausted,
    /// Waiting would pass the operation deadline.
    DeadlineExceeded,
    /// Retries are off for this call ([`crate::Request::no_retry`]).
    Disabled,
    /// The body is streamed and cannot be sent again.
    BodyNotReplayable,
}

/// The named outcome of the retry classifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait `delay`, then send again.
    Retry {
        /// How long to wait.
        delay: Duration,
        /// Why.
        reason: RetryReason,
    },
    /// Give the caller this attempt's result.
    DoNotRetry(NoRetryReason),
}

fn classify(outcome: &Outcome<'_>) -> Option<RetryReason> {
    match outcome {
        Outcome::ConnectError => Some(RetryReason::ConnectError),
        Outcome::Timeout => Some(RetryReason::Timeout),
        Outcome::TransportError => Some(RetryReason::TransportError),
        Outcome::Status { status, .. } => match status.as_u16() {
            429 => Some(RetryReason::Throttled),
            502..=504 => Some(RetryReason::Unavailable(*status)),
            _ => None,
        },
    }
}

/// Whether a method is idempotent per RFC 9110 (so repeating it is safe).
pub(crate) fn idempotent_method(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// Exponential backoff with full jitter: `random * min(cap, base * 2^(attempt-1))`,
/// where `attempt` is the 1-based number of the attempt that just failed and `random`
/// is clamped to `[0, 1)`.
pub fn backoff(attempt: u32, base: Duration, cap: Duration, random: f64) -> Duration {
    let factor = 1u32
        .checked_shl(attempt.saturating_sub(1))
        .unwrap_or(u32::MAX);
    let ceiling = base.checked_mul(factor).map_or(cap, |d| d.min(cap));
    let random = if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        0.0
    };
    // `ceiling * random` is at most `cap`, so this cannot overflow.
    Duration::try_from_secs_f64(ceiling.as_secs_f64() * random).unwrap_or(Duration::ZERO)
}

/// The wait a `Retry-After` header asks for: delta-seconds, or an HTTP date compared
/// with `now` (a date in the past means "now"). `None` when absent or unparseable.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The live retry-token bucket of a client.
#[derive(Debug)]
pub(crate) struct BudgetState {
    config: RetryBudget,
    tokens: Mutex<u32>,
}

impl BudgetState {
    pub(crate) fn new(config: RetryBudget) -> Self {
        Self {
            config,
            tokens: Mutex::new(config.capacity),
        }
    }

    /// Takes the cost of one retry; `false` (and nothing taken) if there is not enough.
    pub(crate) fn withdraw(&self) -> bool {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        match tokens.checked_sub(self.config.retry_cost) {
            Some(left) => {
                *tokens = left;
                true
            }
            None => false,
        }
    }

    /// Gives back the refund of one success.
    pub(crate) fn deposit(&self) {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        *tokens = tokens
            .saturating_add(self.config.success_refund)
            .min(self.config.capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600)
    }

    fn status(code: u16, headers: &HeaderMap) -> Outcome<'_> {
        Outcome::Status {
            status: StatusCode::from_u16(code).unwrap(),
            headers,
        }
    }

    #[test]
    fn backoff_is_exponential_capped_and_jittered() {
        let base = MS(100);
        let cap = Duration::from_secs(2);
        assert_eq!(
            backoff(1, base, cap, 0.999_999),
            MS(100) - Duration::from_nanos(100)
        );
        assert_eq!(backoff(2, base, cap, 0.5), MS(100));
        assert_eq!(backoff(3, base, cap, 0.5), MS(200));
        assert_eq!(backoff(10, base, cap, 0.5), Duration::from_secs(1));
        assert_eq!(backoff(u32::MAX, base, cap, 0.5), Duration::from_secs(1));
        assert_eq!(backoff(0, base, cap, 0.5), MS(50));
        assert_eq!(backoff(3, base, cap, 0.0), Duration::ZERO);
        assert_eq!(backoff(3, base, cap, f64::NAN), Duration::ZERO);
        assert_eq!(backoff(3, base, cap, 7.0), MS(400));
        assert!(backoff(40, Duration::MAX, Duration::MAX, 0.5) > Duration::from_secs(1 << 60));
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h, now()), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static(" 7 "));
        assert_eq!(retry_after(&h, now()), Some(Duration::from_secs(7)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(now() + Duration::from_secs(30)))
                .unwrap(),
        );
        assert_eq!(retry_after(&h, now()), Some(Duration::from_secs(30)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h, now()), Some(Duration::ZERO));
        for junk in ["-1", "soon", "1.5", "99999999999999999999999"] {
            h.insert(RETRY_AFTER, HeaderValue::from_static(junk));
            let parsed = retry_after(&h, now());
            assert!(
                parsed.is_none() || junk.starts_with('9'),
                "{junk}: {parsed:?}"
            );
        }
    }

    #[test]
    fn classifier_decisions() {
        fn retry(o: Outcome<'_>, idem: bool, attempt: u32) -> RetryDecision {
            RetryPolicy::STANDARD.decide(o, idem, attempt, now(), 0.5)
        }
        let h = HeaderMap::new();
        assert!(matches!(
            retry(status(503, &h), true, 1),
            RetryDecision::Retry {
                reason: RetryReason::Unavailable(_),
                delay
            } if delay == MS(50)
        ));
        assert_eq!(
            retry(status(503, &h), false, 1),
            RetryDecision::DoNotRetry(NoRetryReason::NotIdempotent)
        );
        assert!(matches!(
            retry(Outcome::ConnectError, false, 1),
            RetryDecision::Retry { .. }
        ));
        for code in [400, 401, 404, 409, 412, 500, 501] {
            assert_eq!(
                retry(status(code, &h), true, 1),
                RetryDecision::DoNotRetry(NoRetryReason::NotRetryable),
                "{code}"
            );
        }
        assert_eq!(
            retry(Outcome::Timeout, true, 3),
            RetryDecision::DoNotRetry(NoRetryReason::AttemptsExhausted)
        );
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("5"));
        assert_eq!(
            retry(status(429, &h), true, 2),
            RetryDecision::Retry {
                delay: Duration::from_secs(5),
                reason: RetryReason::Throttled
            }
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("3600"));
        assert_eq!(
            retry(status(429, &h), true, 1),
            RetryDecision::DoNotRetry(NoRetryReason::RetryAfterTooLong(Duration::from_secs(3600)))
        );
        assert_eq!(
            RetryPolicy::NONE.decide(Outcome::ConnectError, true, 1, now(), 0.5),
            RetryDecision::DoNotRetry(NoRetryReason::AttemptsExhausted)
        );
    }

    #[test]
    fn budget_withdraws_and_refills() {
        let b = BudgetState::new(RetryBudget::new(10, 5, 1));
        assert!(b.withdraw() && b.withdraw() && !b.withdraw());
        for _ in 0..4 {
            b.deposit();
        }
        assert!(!b.withdraw());
        b.deposit();
        assert!(b.withdraw());
        for _ in 0..100 {
            b.deposit();
        }
        assert!(b.withdraw() && b.withdraw() && !b.withdraw());
    }

    #[test]
    fn idempotent_methods() {
        assert!(idempotent_method(&Method::GET) && idempotent_method(&Method::PUT));
        assert!(!idempotent_method(&Method::POST) && !idempotent_method(&Method::PATCH));
    }
}
