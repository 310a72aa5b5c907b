//! A documented fixed quota, kept on the client side: the identity-and-access reports allow
//! 5 requests per 10 s per app and tenant (graph-api.md §2), a bucket that refills continuously.
//! Sending at that rate reaches the floor without earning 429s; a 429 (another copy of the app
//! or the CLI spent the same bucket) still goes through the retry rule. The client refills 2 %
//! slower than the server: a request that would arrive a hair before the server's token (clock
//! and rounding) earns a 429 whose Retry-After is rounded up to whole seconds.

use std::time::Duration;

use tokio::time::Instant;

/// The client's refill is this much slower than the documented one.
const HEADROOM: f64 = 1.02;

#[derive(Debug)]
pub(crate) struct Quota {
    capacity: f64,
    per_second: f64,
    tokens: f64,
    last: Instant,
}

impl Quota {
    pub(crate) fn new(requests: u32, window: Duration) -> Self {
        let capacity = f64::from(requests.max(1));
        Self {
            capacity,
            per_second: capacity / window.as_secs_f64().max(0.001) / HEADROOM,
            tokens: capacity,
            last: Instant::now(),
        }
    }

    /// Takes one request's token and returns when it may leave (now, or when the token refills).
    pub(crate) fn reserve(&mut self, now: Instant) -> Instant {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + dt * self.per_second).min(self.capacity);
        self.last = now;
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            now
        } else {
            now + Duration::from_secs_f64(-self.tokens / self.per_second)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn five_at_once_then_one_every_two_seconds() {
        let mut q = Quota::new(5, Duration::from_secs(10));
        let t0 = Instant::now();
        for _ in 0..5 {
            assert_eq!(q.reserve(t0), t0);
        }
        let two = Duration::from_secs_f64(2.0 * HEADROOM);
        assert_eq!(q.reserve(t0), t0 + two);
        assert_eq!(q.reserve(t0), t0 + two * 2);
        // After a quiet 20 s the bucket is full again (not more than full).
        let later = t0 + Duration::from_secs(30);
        for _ in 0..5 {
            assert_eq!(q.reserve(later), later);
        }
        assert_eq!(q.reserve(later), later + two);
    }
}
