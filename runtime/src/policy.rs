//! [`VendorPolicies`]: a vendor's behavioural settings (retries, rate limits, envelope
//! unwrapping, token refresh margin, task polling) that a generated crate declares
//! once, in a `static`, and passes to [`crate::ClientBuilder::policies`].
//!
//! It is built with `const fn`s rather than a struct literal, so that new settings can
//! be added without breaking generated code:
//!
//! ```
//! use cloudgen_runtime::codegen as rt;
//! static LIMITS: &[rt::RateLimit] = &[rt::RateLimit {
//!     prefix: "/v1/spectroclusters", per_second: 50.0, burst: 5,
//! }];
//! static POLICIES: rt::VendorPolicies = rt::VendorPolicies::new()
//!     .retry(rt::RetryPolicy::STANDARD.max_attempts(4))
//!     .rate_limits(rt::RateLimitTable::new(LIMITS))
//!     .unwrap_data(false);
//! ```

use std::time::Duration;

use crate::rate_limit::RateLimitTable;
use crate::retry::RetryPolicy;
use crate::task::PollPolicy;

/// Default refresh margin of login tokens: refresh this long before expiry (at most
/// half the token's lifetime).
pub(crate) const DEFAULT_TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A vendor's behavioural settings. See the module docs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VendorPolicies {
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limits: Option<RateLimitTable>,
    pub(crate) unwrap_data: bool,
    pub(crate) token_refresh_margin: Duration,
    pub(crate) task_poll: PollPolicy,
}

impl VendorPolicies {
    /// Standard retries, no rate limits, no envelope, 60 s token margin, standard
    /// task polling.
    pub const fn new() -> Self {
        Self {
            retry: RetryPolicy::STANDARD,
            rate_limits: None,
            unwrap_data: false,
            token_refresh_margin: DEFAULT_TOKEN_REFRESH_MARGIN,
            task_poll: PollPolicy::STANDARD,
        }
    }

    /// The retry policy.
    pub const fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The client-side rate-limit table.
    pub const fn rate_limits(mut self, table: RateLimitTable) -> Self {
        self.rate_limits = Some(table);
        self
    }

    /// Whether JSON success bodies come wrapped as `{"data": ...}` (CloudMC).
    pub const fn unwrap_data(mut self, unwrap: bool) -> Self {
        self.unwrap_data = unwrap;
        self
    }

    /// Refresh login tokens this long before they expire.
    pub const fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.token_refresh_margin = margin;
        self
    }

    /// How async tasks are polled.
    pub const fn task_poll(mut self, poll: PollPolicy) -> Self {
        self.task_poll = poll;
        self
    }
}

impl Default for VendorPolicies {
    fn default() -> Self {
        Self::new()
    }
}
