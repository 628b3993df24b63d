//! Client-side rate limiting: token buckets keyed by path prefix, from a vendor's
//! [`RateLimitTable`], so that a well-behaved client waits instead of collecting 429s.
//!
//! **Matching.** Each [`RateLimit::prefix`] is compared segment by segment with the
//! resolved request path; a prefix segment written `:name` or `{name}` matches any one
//! segment. The prefix matching the most segments wins (on a tie, the one with more
//! literal segments). `/v1/cluster` does not match `/v1/clusterprofiles`.
//!
//! **Keys.** With [`BucketKey::ParentResource`] (the default) requests are counted per
//! *parent resource*: the bucket key is the request path cut after the matched prefix,
//! plus the next segment when the operation's path template has a parameter there.
//! So `/v1/clusterprofiles` and `/v1/clusterprofiles/macros` share one bucket (as
//! Palette's documentation says), while `/v1/clusterprofiles/a` and
//! `/v1/clusterprofiles/b` each get their own. [`BucketKey::Prefix`] counts every
//! request matching a prefix together (the most conservative reading).
//!
//! **Buckets.** A bucket holds at most `burst` tokens (at least 1) and refills at
//! `per_second`. A request takes one token; when none is left it reserves the next one
//! and waits (with the client's [`crate::Clock`]) until it is due, so concurrent callers
//! are served in order. Unmatched paths use [`RateLimitTable::default_limit`] in one
//! shared bucket, or are not limited.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::time::Clock;

/// One row of a vendor's rate-limit table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Path prefix, e.g. `/v1/spectroclusters` or `/v1/cloudconfigs/{cloudType}/:uid`.
    pub prefix: &'static str,
    /// Sustained requests per second (zero or less: not limited).
    pub per_second: f64,
    /// How many requests may be sent at once after a quiet period.
    pub burst: u32,
}

impl RateLimit {
    /// Whether this row limits anything (a positive, finite rate).
    fn limits(&self) -> bool {
        self.per_second > 0.0 && self.per_second.is_finite()
    }
}

/// How requests matching one prefix are grouped into buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketKey {
    /// One bucket per prefix and parent resource (see the module docs).
    ParentResource,
    /// One bucket per prefix.
    Prefix,
}

/// A vendor's rate limits, `const`-constructible for generated `static`s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimitTable {
    limits: &'static [RateLimit],
    default_limit: Option<RateLimit>,
    key: BucketKey,
}

impl RateLimitTable {
    /// A table of prefixes, keyed per parent resource, with no default.
    pub const fn new(limits: &'static [RateLimit]) -> Self {
        Self {
            limits,
            default_limit: None,
            key: BucketKey::ParentResource,
        }
    }

    /// The limit for paths that match no prefix (its `prefix` is ignored).
    pub const fn default_limit(mut self, limit: RateLimit) -> Self {
        self.default_limit = Some(limit);
        self
    }

    /// How requests are grouped into buckets.
    pub const fn key(mut self, key: BucketKey) -> Self {
        self.key = key;
        self
    }

    /// Whether no request can ever be limited (no row and no default with a positive,
    /// finite rate): then the client keeps no limiter and pays nothing per request.
    pub(crate) fn limits_nothing(&self) -> bool {
        !self
            .limits
            .iter()
            .chain(self.default_limit.as_ref())
            .any(RateLimit::limits)
    }

    /// The bucket key and limit for a request, or `None` if it is not limited.
    pub(crate) fn bucket_for(&self, template: &str, path: &str) -> Option<(String, RateLimit)> {
        let path_segments: Vec<&str> = segments(path).collect();
        let mut best: Option<(usize, usize, &RateLimit)> = None;
        for limit in self.limits {
            if let Some((len, literals)) = match_prefix(limit.prefix, &path_segments) {
                if best.is_none_or(|(l, lit, _)| (len, literals) > (l, lit)) {
                    best = Some((len, literals, limit));
                }
            }
        }
        let Some((len, _, limit)) = best else {
            return self.default_limit.map(|limit| (String::new(), limit));
        };
        let mut keep = len;
        if self.key == BucketKey::ParentResource
            && segments(template).nth(len).is_some_and(|s| s.contains('{'))
            && len < path_segments.len()
        {
            keep += 1;
        }
        let key = format!("{}\u{0}/{}", limit.prefix, path_segments[..keep].join("/"));
        Some((key, *limit))
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.split('/').filter(|s| !s.is_empty())
}

/// Matches `prefix` against the start of `path`: (segments matched, literal ones).
fn match_prefix(prefix: &str, path: &[&str]) -> Option<(usize, usize)> {
    let mut len = 0;
    let mut literals = 0;
    for (i, pattern) in segments(prefix).enumerate() {
        let actual = path.get(i)?;
        let placeholder =
            pattern.starts_with(':') || (pattern.starts_with('{') && pattern.ends_with('}'));
        if !placeholder {
            if pattern != *actual {
                return None;
            }
            literals += 1;
        }
        len += 1;
    }
    Some((len, literals))
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Duration,
}

/// When the bucket map grows past this, full (idle) buckets are dropped.
const MAX_BUCKETS: usize = 4096;

/// The live buckets of a client, shared by its scoped copies.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    table: RateLimitTable,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub(crate) fn new(table: RateLimitTable) -> Self {
        Self {
            table,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for the request, waiting with `clock` if none is left. Returns
    /// how long it waited.
    pub(crate) async fn acquire(&self, clock: &dyn Clock, template: &str, path: &str) -> Duration {
        let Some((key, limit)) = self.table.bucket_for(template, path) else {
            return Duration::ZERO;
        };
        if !limit.limits() {
            return Duration::ZERO;
        }
        let capacity = f64::from(limit.burst.max(1));
        let now = clock.monotonic();
        let wait = {
            let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
            if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(&key) {
                buckets.retain(|_, b| {
                    let elapsed = now.saturating_sub(b.updated).as_secs_f64();
                    b.tokens + elapsed * limit.per_second < capacity
                });
            }
            let bucket = buckets.entry(key).or_insert(Bucket {
                tokens: capacity,
                updated: now,
            });
            let elapsed = now.saturating_sub(bucket.updated).as_secs_f64();
            bucket.tokens = (bucket.tokens + elapsed * limit.per_second).min(capacity);
            bucket.updated = now;
            bucket.tokens -= 1.0;
            if bucket.tokens >= 0.0 {
                Duration::ZERO
            } else {
                Duration::try_from_secs_f64(-bucket.tokens / limit.per_second)
                    .unwrap_or(Duration::ZERO)
            }
        };
        if !wait.is_zero() {
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "client-side rate limit: waiting"
            );
            clock.sleep(wait).await;
        }
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::ManualClock;

    static TABLE: &[RateLimit] = &[
        RateLimit {
            prefix: "/v1/cluster",
            per_second: 10.0,
            burst: 5,
        },
        RateLimit {
            prefix: "/v1/clusterprofiles",
            per_second: 50.0,
            burst: 5,
        },
        RateLimit {
            prefix: "/v1/clusterprofiles/:uid/packs",
            per_second: 50.0,
            burst: 5,
        },
        RateLimit {
            prefix: "/v1/cloudconfigs/{cloudType}/:uid/machinePools",
            per_second: 10.0,
            burst: 5,
        },
    ];

    fn key(table: RateLimitTable, template: &str, path: &str) -> Option<String> {
        table
            .bucket_for(template, path)
            .map(|(k, _)| k.split('\0').nth(1).unwrap_or_default().to_owned())
    }

    #[test]
    fn longest_segment_prefix_wins_and_parent_resource_keys() {
        let t = RateLimitTable::new(TABLE);
        assert_eq!(
            key(t, "/v1/clusterprofiles", "/v1/clusterprofiles"),
            Some("/v1/clusterprofiles".into())
        );
        assert_eq!(
            key(
                t,
                "/v1/clusterprofiles/macros",
                "/v1/clusterprofiles/macros"
            ),
            Some("/v1/clusterprofiles".into())
        );
        assert_eq!(
            key(t, "/v1/clusterprofiles/{uid}", "/v1/clusterprofiles/a1"),
            Some("/v1/clusterprofiles/a1".into())
        );
        assert_eq!(
            key(
                t,
                "/v1/clusterprofiles/{uid}/packs/{name}",
                "/v1/clusterprofiles/a1/packs/p"
            ),
            Some("/v1/clusterprofiles/a1/packs/p".into())
        );
        assert_eq!(
            key(t, "/v1/cluster/{x}", "/v1/cluster/x"),
            Some("/v1/cluster/x".into())
        );
        assert_eq!(
            key(
                t,
                "/v1/cloudconfigs/{t}/{u}/machinePools/{m}/machines",
                "/v1/cloudconfigs/aws/u1/machinePools/m1/machines"
            ),
            Some("/v1/cloudconfigs/aws/u1/machinePools/m1".into())
        );
        assert_eq!(key(t, "/v1/clusterz", "/v1/clusterz"), None);
        assert_eq!(
            key(
                t.key(BucketKey::Prefix),
                "/v1/clusterprofiles/{uid}",
                "/v1/clusterprofiles/a"
            ),
            Some("/v1/clusterprofiles".into())
        );
        let with_default = t.default_limit(RateLimit {
            prefix: "",
            per_second: 1.0,
            burst: 1,
        });
        assert_eq!(key(with_default, "/v2/x", "/v2/x"), Some(String::new()));
    }

    #[tokio::test]
    async fn bucket_bursts_then_paces() {
        let limiter = RateLimiter::new(RateLimitTable::new(TABLE));
        let clock = ManualClock::default();
        for _ in 0..5 {
            let waited = limiter.acquire(&clock, "/v1/cluster", "/v1/cluster").await;
            assert_eq!(waited, Duration::ZERO);
        }
        for _ in 0..10 {
            limiter.acquire(&clock, "/v1/cluster", "/v1/cluster").await;
        }
        // 10 requests past the burst at 10 per second: one second.
        let slept = clock.slept();
        assert!(
            (slept.as_secs_f64() - 1.0).abs() < 1e-6,
            "{:?}",
            clock.sleeps()
        );
        // Unlimited paths never wait.
        assert_eq!(limiter.acquire(&clock, "/x", "/x").await, Duration::ZERO);
    }
}
