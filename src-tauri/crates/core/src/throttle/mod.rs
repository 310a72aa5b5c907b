//! The throttle and retry engine every Graph request goes through: bounded concurrency, one shared
//! "not before" instant set by any 429, Retry-After honoured, jittered backoff only without it,
//! a retry cap, and the rule that a write (POST, PATCH, DELETE) is re-sent only when Graph said
//! it did not happen (429, 503) — after no answer the caller re-reads instead.

mod pace;
mod quota;
pub mod retry_after;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use tokio::sync::{Notify, Semaphore, SemaphorePermit};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Tunables of the engine. Defaults suit Graph's identity limits for one admin app.
#[derive(Debug, Clone)]
pub struct ThrottleOptions {
    /// Requests in flight at once.
    pub max_concurrency: usize,
    /// Retries after the first attempt before giving up.
    pub max_retries: u32,
    /// First backoff step when the server gave no Retry-After.
    pub base_backoff: Duration,
    /// Ceiling of one backoff step.
    pub max_backoff: Duration,
    /// Per-attempt timeout (headers and body).
    pub request_timeout: Duration,
}

impl Default for ThrottleOptions {
    fn default() -> Self {
        Self {
            max_concurrency: 8,
            max_retries: 8,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
        }
    }
}

/// What one attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered with this status (and maybe a Retry-After).
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The connection could not be opened: nothing was sent.
    ConnectFailed,
    /// Sent, but no complete answer (timeout, connection dropped): the server may have acted.
    NoAnswer,
}

/// Which attempt of a request asks to be admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// A first attempt: behind the lane's throttled requests, and on the lane's pace.
    First,
    /// A retry after a 429: ahead of new requests, on the pace (the quota it waited for).
    AfterThrottle,
    /// A retry after the server said it did nothing (503) or nothing reached it: the pace slot
    /// was spent on an attempt the quota never counted, so the retry waits only its own
    /// Retry-After (taking a new slot put every refused write behind the whole queue again and
    /// left the quota under-used by the refusal rate).
    AfterRefusal,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Hand the outcome to the caller.
    Done,
    /// Wait, then try again. `shared` waits hold back every request of the client.
    Retry {
        wait: Duration,
        shared: bool,
        from_header: bool,
    },
    /// The request was sent but its outcome is unknown and it must not be repeated blindly.
    Unknown,
}

/// Progress and throttling events, for a progress bar or a log line. Never carries a token.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientEvent {
    /// Graph answered 429; every request waits `wait`.
    Throttled { wait: Duration, from_header: bool },
    /// One request will be retried after `wait`.
    Retrying {
        attempt: u32,
        wait: Duration,
        reason: String,
    },
    /// One request finished with an HTTP status (after retries).
    Completed {
        method: String,
        status: u16,
        elapsed: Duration,
    },
}

/// Receives [`ClientEvent`]s. Must be cheap: it runs on the request path.
pub type EventSink = Arc<dyn Fn(&ClientEvent) + Send + Sync>;

/// Graph throttles reads (resource units), writes (write quota) and the identity-and-access
/// reports (5 requests per 10 s) separately, so a 429 on one holds back only requests of the
/// same lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Read,
    Write,
    /// `/reports/...`: its own documented quota, kept on the client side (`quota.rs`).
    Reports,
}

/// graph-api.md §2: the reports bucket, 5 requests per 10 s per app and tenant.
pub const REPORTS_QUOTA: (u32, Duration) = (5, Duration::from_secs(10));

/// One lane's shared hold and its throttled requests waiting to retry.
#[derive(Default)]
struct LaneState {
    not_before: Mutex<Hold>,
    /// Throttled requests waiting to retry; new requests wait while there are any, so a
    /// throttled request is never starved by newer ones taking the quota it waited for.
    throttled_waiting: AtomicUsize,
    turn_released: Notify,
    /// Send pacing learnt from throttling episodes (used by the write lane).
    pace: Mutex<pace::Pace>,
}

/// Shared state of the engine: one per Graph client, shared by its clones.
pub struct Engine {
    options: ThrottleOptions,
    permits: Semaphore,
    lanes: [LaneState; 3],
    /// The reports lane's documented quota.
    reports_quota: Mutex<quota::Quota>,
}

/// The shared hold: until when, and when it was decided.
#[derive(Default, Clone, Copy)]
struct Hold {
    until: Option<Instant>,
    decided_at: Option<Instant>,
}

/// Held by a throttled request until it finishes; while any is held, new requests of its lane
/// wait.
pub struct ThrottledTurn<'a> {
    lane: &'a LaneState,
}

impl Drop for ThrottledTurn<'_> {
    fn drop(&mut self) {
        if self.lane.throttled_waiting.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.lane.turn_released.notify_waiters();
        }
    }
}

impl Engine {
    pub fn new(options: ThrottleOptions) -> Self {
        let permits = Semaphore::new(options.max_concurrency.max(1));
        Self {
            options,
            permits,
            lanes: Default::default(),
            reports_quota: Mutex::new(quota::Quota::new(REPORTS_QUOTA.0, REPORTS_QUOTA.1)),
        }
    }

    pub fn options(&self) -> &ThrottleOptions {
        &self.options
    }

    fn lane(&self, lane: Lane) -> &LaneState {
        &self.lanes[match lane {
            Lane::Read => 0,
            Lane::Write => 1,
            Lane::Reports => 2,
        }]
    }

    /// Marks a request as throttled until the returned turn is dropped (when it finishes).
    pub fn throttled_turn(&self, lane: Lane) -> ThrottledTurn<'_> {
        let state = self.lane(lane);
        state.throttled_waiting.fetch_add(1, Ordering::SeqCst);
        ThrottledTurn { lane: state }
    }

    /// Waits for a slot and for the lane's hold to pass. A first attempt also waits until no
    /// throttled request of its lane is waiting to retry; see [`Attempt`] for the pace.
    pub async fn admit(
        &self,
        cancel: &CancellationToken,
        lane: Lane,
        attempt: Attempt,
    ) -> Result<SemaphorePermit<'_>, Cancelled> {
        let state = self.lane(lane);
        // A first attempt lets throttled requests of its lane go first.
        while attempt == Attempt::First && state.throttled_waiting.load(Ordering::SeqCst) > 0 {
            let released = state.turn_released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            if state.throttled_waiting.load(Ordering::SeqCst) == 0 {
                break;
            }
            tokio::select! {
                _ = released => {}
                _ = cancel.cancelled() => return Err(Cancelled),
            }
        }
        // Writes keep to the pace the last throttling episodes revealed (no pacing before);
        // reports keep to their documented quota.
        let slot = match lane {
            _ if attempt == Attempt::AfterRefusal => None,
            Lane::Write => state
                .pace
                .lock()
                .ok()
                .and_then(|mut p| p.reserve(Instant::now())),
            Lane::Reports => self
                .reports_quota
                .lock()
                .ok()
                .map(|mut q| q.reserve(Instant::now())),
            Lane::Read => None,
        };
        if let Some(slot) = slot.filter(|s| *s > Instant::now()) {
            tokio::select! {
                _ = tokio::time::sleep_until(slot) => {}
                _ = cancel.cancelled() => return Err(Cancelled),
            }
        }
        let permit = tokio::select! {
            p = self.permits.acquire() => p.map_err(|_| Cancelled)?,
            _ = cancel.cancelled() => return Err(Cancelled),
        };
        // Loop: another request may push the instant further while we sleep.
        loop {
            match state.not_before.lock().ok().and_then(|h| h.until) {
                Some(t) if t > Instant::now() => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(t) => {}
                        _ = cancel.cancelled() => return Err(Cancelled),
                    }
                }
                _ => return Ok(permit),
            }
        }
    }

    /// Holds back every request of the lane for at least `wait` from now.
    pub fn hold_all(&self, lane: Lane, wait: Duration) {
        let now = Instant::now();
        let until = now + wait;
        let state = self.lane(lane);
        if let Ok(mut hold) = state.not_before.lock() {
            if hold.until.is_none_or(|t| t < until) {
                *hold = Hold {
                    until: Some(until),
                    decided_at: Some(now),
                };
                if let Ok(mut pace) = state.pace.lock() {
                    pace.episode(now, until);
                }
            }
        }
    }

    /// The server answered `n` requests of the lane without throttling them (for pacing).
    pub fn answered(&self, lane: Lane, n: u64) {
        if let Ok(mut pace) = self.lane(lane).pace.lock() {
            pace.answered(n);
        }
    }

    /// For a 429 answering a request sent at `sent_at`: if a hold was already decided after that
    /// request left (the same throttling episode), the request waits its own Retry-After alone
    /// and the shared hold is not pushed further — otherwise in-flight 429s would keep idling the
    /// whole lane while the server's quota refills. Returns true when the shared hold was set.
    pub fn hold_all_for(&self, lane: Lane, wait: Duration, sent_at: Instant) -> bool {
        let same_episode = self
            .lane(lane)
            .not_before
            .lock()
            .ok()
            .and_then(|h| h.decided_at)
            .is_some_and(|decided| decided >= sent_at);
        if !same_episode {
            self.hold_all(lane, wait);
        }
        !same_episode
    }

    /// Sleeps for `wait` unless cancelled.
    pub async fn pause(&self, wait: Duration, cancel: &CancellationToken) -> Result<(), Cancelled> {
        tokio::select! {
            _ = tokio::time::sleep(wait) => Ok(()),
            _ = cancel.cancelled() => Err(Cancelled),
        }
    }

    /// Backoff for retry number `attempt` (1-based): exponential with "equal jitter".
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .options
            .base_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let cap = exp.min(self.options.max_backoff);
        let half = cap / 2;
        let jitter_ms = rand::thread_rng().gen_range(0..=half.as_millis().max(1) as u64);
        half + Duration::from_millis(jitter_ms)
    }

    /// The retry rule. `attempt` is the number of attempts made so far (1 after the first).
    /// `read_only`: a GET, which may be re-sent when its outcome is unknown; a write may not —
    /// after no answer (or a 500/502/504, which may hide one that landed) the caller re-reads.
    pub fn decide(&self, outcome: Outcome, read_only: bool, attempt: u32) -> Decision {
        let exhausted = attempt > self.options.max_retries;
        match outcome {
            Outcome::Status {
                status,
                retry_after,
            } => {
                let retryable = match status {
                    // Graph said it did not act: safe for every method.
                    429 | 503 => true,
                    500 | 502 | 504 => read_only,
                    _ => false,
                };
                if !retryable || exhausted {
                    return Decision::Done;
                }
                let (wait, from_header) = match retry_after {
                    Some(d) => (d, true),
                    None => (self.backoff(attempt), false),
                };
                Decision::Retry {
                    wait,
                    shared: status == 429,
                    from_header,
                }
            }
            Outcome::ConnectFailed if !exhausted => Decision::Retry {
                wait: self.backoff(attempt),
                shared: false,
                from_header: false,
            },
            Outcome::ConnectFailed => Decision::Done,
            Outcome::NoAnswer if read_only && !exhausted => Decision::Retry {
                wait: self.backoff(attempt),
                shared: false,
                from_header: false,
            },
            Outcome::NoAnswer => Decision::Unknown,
        }
    }
}

/// The caller cancelled the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::new(ThrottleOptions {
            max_retries: 3,
            ..Default::default()
        })
    }

    #[test]
    fn throttled_requests_wait_for_the_header_and_hold_everyone() {
        let d = engine().decide(
            Outcome::Status {
                status: 429,
                retry_after: Some(Duration::from_secs(7)),
            },
            false,
            1,
        );
        assert_eq!(
            d,
            Decision::Retry {
                wait: Duration::from_secs(7),
                shared: true,
                from_header: true
            }
        );
    }

    #[test]
    fn backoff_only_without_header() {
        let e = engine();
        match e.decide(
            Outcome::Status {
                status: 429,
                retry_after: None,
            },
            true,
            2,
        ) {
            Decision::Retry {
                wait,
                from_header: false,
                ..
            } => {
                assert!(wait >= Duration::from_millis(500) && wait <= Duration::from_secs(1))
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn post_is_retried_only_when_graph_said_it_did_not_happen() {
        let e = engine();
        assert!(matches!(
            e.decide(
                Outcome::Status {
                    status: 503,
                    retry_after: None
                },
                false,
                1
            ),
            Decision::Retry { shared: false, .. }
        ));
        assert_eq!(
            e.decide(
                Outcome::Status {
                    status: 502,
                    retry_after: None
                },
                false,
                1
            ),
            Decision::Done
        );
        assert_eq!(e.decide(Outcome::NoAnswer, false, 1), Decision::Unknown);
        assert!(matches!(
            e.decide(Outcome::NoAnswer, true, 1),
            Decision::Retry { .. }
        ));
        assert!(matches!(
            e.decide(Outcome::ConnectFailed, false, 1),
            Decision::Retry { .. }
        ));
    }

    #[test]
    fn retry_cap_is_honoured() {
        let e = engine();
        let throttled = Outcome::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(1)),
        };
        assert!(matches!(
            e.decide(throttled, true, 3),
            Decision::Retry { .. }
        ));
        assert_eq!(e.decide(throttled, true, 4), Decision::Done);
        assert_eq!(e.decide(Outcome::NoAnswer, true, 4), Decision::Unknown);
    }

    #[test]
    fn client_errors_are_final() {
        let e = engine();
        for s in [400, 401, 403, 404, 409, 424] {
            assert_eq!(
                e.decide(
                    Outcome::Status {
                        status: s,
                        retry_after: None
                    },
                    true,
                    1
                ),
                Decision::Done
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn hold_all_delays_admission_and_cancel_interrupts() {
        let e = engine();
        e.hold_all(Lane::Write, Duration::from_secs(5));
        let started = Instant::now();
        let cancel = CancellationToken::new();
        let permit = e.admit(&cancel, Lane::Write, Attempt::First).await;
        assert!(permit.is_ok());
        assert!(started.elapsed() >= Duration::from_secs(5));
        drop(permit);
        e.hold_all(Lane::Write, Duration::from_secs(60));
        assert!(
            e.admit(&CancellationToken::new(), Lane::Read, Attempt::First)
                .await
                .is_ok(),
            "reads are not held by a write 429"
        );
        cancel.cancel();
        assert!(e.admit(&cancel, Lane::Write, Attempt::First).await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_write_retries_off_the_pace() {
        let e = engine();
        let cancel = CancellationToken::new();
        // Two episodes 5 s apart with 10 writes answered between them: paced at ≈ 2 per second.
        e.hold_all(Lane::Write, Duration::ZERO);
        tokio::time::advance(Duration::from_secs(5)).await;
        e.answered(Lane::Write, 10);
        e.hold_all(Lane::Write, Duration::ZERO);
        let started = Instant::now();
        for _ in 0..4 {
            drop(e.admit(&cancel, Lane::Write, Attempt::First).await);
        }
        let paced = started.elapsed();
        assert!(paced >= Duration::from_millis(1400), "{paced:?}");
        // The next slot is half a second away; a retry after a 503 does not queue for it.
        let before = Instant::now();
        drop(e.admit(&cancel, Lane::Write, Attempt::AfterRefusal).await);
        assert_eq!(before.elapsed(), Duration::ZERO);
        let before = Instant::now();
        drop(e.admit(&cancel, Lane::Write, Attempt::AfterThrottle).await);
        assert!(
            before.elapsed() >= Duration::from_millis(400),
            "a 429's retry keeps the pace"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn new_requests_wait_while_a_throttled_one_waits_to_retry() {
        let e = Arc::new(engine());
        let cancel = CancellationToken::new();
        let turn = e.throttled_turn(Lane::Write);
        let waiting = {
            let (e, cancel) = (e.clone(), cancel.clone());
            tokio::spawn(async move {
                e.admit(&cancel, Lane::Write, Attempt::First)
                    .await
                    .map(|_| Instant::now())
            })
        };
        tokio::time::advance(Duration::from_secs(3)).await;
        assert!(
            !waiting.is_finished(),
            "a new request went ahead of a throttled one"
        );
        assert!(
            e.admit(&cancel, Lane::Write, Attempt::AfterThrottle)
                .await
                .is_ok(),
            "the throttled request itself is admitted"
        );
        let released_at = Instant::now();
        drop(turn);
        assert!(waiting.await.unwrap().unwrap() >= released_at);
    }

    #[tokio::test(start_paused = true)]
    async fn in_flight_429s_of_the_same_episode_do_not_extend_the_hold() {
        let e = engine();
        let sent_before = Instant::now();
        tokio::time::advance(Duration::from_millis(100)).await;
        assert!(e.hold_all_for(Lane::Write, Duration::from_secs(1), sent_before));
        tokio::time::advance(Duration::from_millis(100)).await;
        // Sent before the hold was decided: waits alone.
        assert!(!e.hold_all_for(Lane::Write, Duration::from_secs(1), sent_before));
        // Sent after it: a new episode, which extends the hold.
        let sent_after = Instant::now();
        tokio::time::advance(Duration::from_millis(10)).await;
        assert!(e.hold_all_for(Lane::Write, Duration::from_secs(1), sent_after));
    }
}
