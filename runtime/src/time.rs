//! Injected time and randomness: the [`Clock`] every wait, deadline and expiry goes
//! through, and the [`RandomSource`] that backoff jitter draws from.
//!
//! Runtime code never reads the real clocks itself (clippy's `disallowed-methods`,
//! see `runtime/clippy.toml`); only [`SystemClock`] does. Tests use [`ManualClock`],
//! whose `sleep` returns at once and moves the clock forward, so a test of a
//! 30-second backoff takes microseconds and is deterministic.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// A boxed, `Send` future, as returned by the object-safe traits of this crate.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where the runtime gets the time from, and how it waits.
///
/// - [`Clock::now`]: wall-clock time, used to read `Retry-After` HTTP dates.
/// - [`Clock::monotonic`]: time since an arbitrary fixed origin, used for token
///   expiry, rate-limit buckets, operation deadlines and task deadlines.
/// - [`Clock::sleep`]: waits (retry backoff, rate limits, task polling).
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// Wall-clock time.
    fn now(&self) -> SystemTime;
    /// Monotonic time since this clock's origin.
    fn monotonic(&self) -> Duration;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// The real clocks and `tokio::time::sleep`. The default.
///
/// The monotonic time comes from `tokio::time::Instant`, so it also follows tokio's
/// paused test clock.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: tokio::time::Instant,
}

impl SystemClock {
    /// A clock whose monotonic origin is now.
    #[allow(clippy::disallowed_methods)] // The one place that reads the real clock.
    pub fn new() -> Self {
        Self {
            origin: tokio::time::Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // The one place that reads the real clock.
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    #[allow(clippy::disallowed_methods)] // The one place that reads the real clock.
    fn monotonic(&self) -> Duration {
        tokio::time::Instant::now().saturating_duration_since(self.origin)
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: time moves only when told to, and `sleep(d)` returns after a
/// yield, having moved the clock forward by `d` and recorded `d` (see
/// [`ManualClock::sleeps`]).
///
/// Cloning shares the clock.
#[derive(Debug, Clone)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    wall: SystemTime,
    monotonic: Duration,
    sleeps: Vec<Duration>,
}

impl ManualClock {
    /// A clock showing wall time `start`, monotonic time zero.
    pub fn new(start: SystemTime) -> Self {
        Self {
            state: Arc::new(Mutex::new(ManualState {
                wall: start,
                monotonic: Duration::ZERO,
                sleeps: Vec::new(),
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves both clocks forward.
    pub fn advance(&self, by: Duration) {
        let mut state = self.lock();
        state.wall += by;
        state.monotonic += by;
    }

    /// Every duration passed to `sleep` so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// The sum of all sleeps so far.
    pub fn slept(&self) -> Duration {
        self.lock().sleeps.iter().sum()
    }
}

impl Default for ManualClock {
    /// Starts at 2025-01-01T00:00:00Z.
    fn default() -> Self {
        Self::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600))
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        self.lock().wall
    }

    fn monotonic(&self) -> Duration {
        self.lock().monotonic
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        {
            let mut state = self.lock();
            state.sleeps.push(duration);
            state.wall += duration;
            state.monotonic += duration;
        }
        Box::pin(tokio::task::yield_now())
    }
}

/// Uniform random numbers in `[0, 1)` for backoff jitter.
pub trait RandomSource: Send + Sync + fmt::Debug + 'static {
    /// The next number in `[0, 1)`.
    fn next_f64(&self) -> f64;
}

/// A small splitmix64 generator: not cryptographic, plenty for jitter. Seed it for
/// reproducible tests; [`SeededRandom::from_entropy`] seeds it from the standard
/// library's per-process hash keys.
#[derive(Debug)]
pub struct SeededRandom {
    state: AtomicU64,
}

impl SeededRandom {
    /// A generator with a fixed seed.
    pub fn new(seed: u64) -> Self {
        Self {
            state: AtomicU64::new(seed),
        }
    }

    /// A generator seeded from `RandomState` (no clock involved).
    pub fn from_entropy() -> Self {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(0x9E37_79B9_7F4A_7C15);
        Self::new(hasher.finish())
    }
}

impl RandomSource for SeededRandom {
    fn next_f64(&self) -> f64 {
        let mut z = self
            .state
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // 53 random bits -> [0, 1).
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_clock_sleep_advances_and_records() {
        let clock = ManualClock::default();
        let start = clock.now();
        clock.sleep(Duration::from_secs(3)).await;
        clock.advance(Duration::from_secs(1));
        assert_eq!(clock.now(), start + Duration::from_secs(4));
        assert_eq!(clock.monotonic(), Duration::from_secs(4));
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(3)]);
    }

    #[test]
    fn seeded_random_is_reproducible_and_in_range() {
        let a = SeededRandom::new(7);
        let b = SeededRandom::new(7);
        for _ in 0..1000 {
            let x = a.next_f64();
            assert!((0.0..1.0).contains(&x));
            assert_eq!(x.to_bits(), b.next_f64().to_bits());
        }
        let _ = SeededRandom::from_entropy().next_f64();
    }
}
