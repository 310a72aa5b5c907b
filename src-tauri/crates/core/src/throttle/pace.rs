//! Pacing of a lane once throttling has shown its rate. Graph's write quota refills continuously:
//! bursting into it earns a 429, and the Retry-After hold that follows leaves the refilled quota
//! idle while the next requests travel. So after two throttling episodes the lane sends at the
//! rate the server admitted between them, plus a small margin that grows while no 429 comes —
//! the quota stays busy, and the next episode comes seldom instead of every second.

use std::time::Duration;

use tokio::time::Instant;

/// Margin over the measured rate: above it so the quota is never left to overflow.
const HEADROOM: f64 = 0.02;
/// Further margin per second without a 429, so an underestimate corrects itself.
const GROWTH_PER_SEC: f64 = 0.01;
/// The paced rate never exceeds this multiple of the measured one.
const MAX_GROWTH: f64 = 2.0;
/// Episodes closer than this are too short to measure; the window widens instead.
const MIN_WINDOW: Duration = Duration::from_secs(2);
/// Episodes further apart than this may not have been saturated all along: what the server
/// admitted between them can only raise the measured rate, never lower it.
const MAX_WINDOW: Duration = Duration::from_secs(60);
/// How far behind schedule a late sender may still use its slot (no catch-up bursts beyond it).
const SLACK: Duration = Duration::from_millis(100);

/// One lane's pacing state.
#[derive(Debug)]
pub(crate) struct Pace {
    /// Requests per second the server admitted between two episodes, when known.
    measured: Option<f64>,
    /// When the current paced rate started (the end of the last hold).
    since: Instant,
    next_slot: Instant,
    /// Requests the server answered (did not throttle) since `window_start`.
    answered: u64,
    window_start: Option<Instant>,
}

impl Default for Pace {
    fn default() -> Self {
        let now = Instant::now();
        Self {
            measured: None,
            since: now,
            next_slot: now,
            answered: 0,
            window_start: None,
        }
    }
}

impl Pace {
    /// The server answered a request of this lane without throttling it.
    pub(crate) fn answered(&mut self, n: u64) {
        self.answered += n;
    }

    /// A throttling episode began at `now` and holds the lane until `until`. Each episode starts
    /// with the server's quota spent, so what it admitted since the previous one, over the time
    /// between them, is the rate it sustains.
    pub(crate) fn episode(&mut self, now: Instant, until: Instant) {
        match self.window_start {
            Some(start) => {
                let window = now.saturating_duration_since(start);
                if window >= MIN_WINDOW && self.answered > 0 {
                    let admitted = self.answered as f64 / window.as_secs_f64();
                    self.measured = match self.measured {
                        Some(m) if window > MAX_WINDOW => Some(m.max(admitted)),
                        None if window > MAX_WINDOW => None,
                        _ => Some(admitted),
                    };
                }
                if window >= MIN_WINDOW {
                    self.window_start = Some(now);
                    self.answered = 0;
                }
            }
            None => {
                self.window_start = Some(now);
                self.answered = 0;
            }
        }
        self.since = until;
        self.next_slot = self.next_slot.max(until);
    }

    /// The rate to send at `now`, or `None` while unmeasured (no pacing).
    pub(crate) fn rate(&self, now: Instant) -> Option<f64> {
        let measured = self.measured?;
        let calm = now.saturating_duration_since(self.since).as_secs_f64();
        let growth = (1.0 + HEADROOM + GROWTH_PER_SEC * calm).min(MAX_GROWTH);
        Some(measured * growth)
    }

    /// Reserves the next send slot at or after `now`; `None` when the lane is not paced.
    pub(crate) fn reserve(&mut self, now: Instant) -> Option<Instant> {
        let rate = self.rate(now)?;
        let earliest = now.checked_sub(SLACK).unwrap_or(now);
        let slot = self.next_slot.max(earliest);
        self.next_slot = slot + Duration::from_secs_f64(1.0 / rate.max(0.1));
        Some(slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[tokio::test(start_paused = true)]
    async fn unpaced_until_two_episodes_measure_the_rate() {
        let mut p = Pace::default();
        let t0 = Instant::now();
        assert_eq!(p.reserve(t0), None);
        p.episode(t0, t0 + secs(1.0));
        p.answered(100);
        assert_eq!(
            p.reserve(t0 + secs(2.0)),
            None,
            "one episode measures nothing"
        );
        // 100 admitted over 5 s between the episodes: 20 per second.
        p.episode(t0 + secs(5.0), t0 + secs(6.0));
        let rate = p.rate(t0 + secs(6.0)).unwrap();
        assert!((rate - 20.4).abs() < 1e-9, "{rate}");
        // Slots start at the end of the hold and are 1/rate apart.
        let a = p.reserve(t0 + secs(5.5)).unwrap();
        let b = p.reserve(t0 + secs(5.5)).unwrap();
        assert_eq!(a, t0 + secs(6.0));
        let gap = (b - a).as_secs_f64();
        assert!((gap - 1.0 / 20.4).abs() < 1e-3, "{gap}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_margin_grows_while_no_429_comes() {
        let mut p = Pace::default();
        let t0 = Instant::now();
        p.episode(t0, t0 + secs(1.0));
        p.answered(50);
        p.episode(t0 + secs(5.0), t0 + secs(6.0));
        let early = p.rate(t0 + secs(6.0)).unwrap();
        let later = p.rate(t0 + secs(26.0)).unwrap();
        assert!(later > early * 1.09, "{early} → {later}");
        let much_later = p.rate(t0 + secs(100_000.0)).unwrap();
        assert!((much_later - 10.0 * MAX_GROWTH).abs() < 1e-9);
    }

    #[tokio::test(start_paused = true)]
    async fn close_episodes_widen_the_window_and_far_ones_keep_the_rate() {
        let mut p = Pace::default();
        let t0 = Instant::now();
        p.episode(t0, t0 + secs(1.0));
        p.answered(20);
        p.episode(t0 + secs(1.5), t0 + secs(2.5));
        assert_eq!(
            p.rate(t0 + secs(3.0)),
            None,
            "1.5 s is too short to measure"
        );
        p.answered(40);
        p.episode(t0 + secs(3.0), t0 + secs(4.0));
        let rate = p.rate(t0 + secs(4.0)).unwrap();
        assert!((rate - 20.0 * (1.0 + HEADROOM)).abs() < 1e-9, "{rate}");
        // A quiet lane, then one more episode: the old rate stands.
        p.answered(10);
        p.episode(t0 + secs(500.0), t0 + secs(501.0));
        let rate = p.rate(t0 + secs(501.0)).unwrap();
        assert!((rate - 20.0 * (1.0 + HEADROOM)).abs() < 1e-9, "{rate}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_window_can_raise_the_rate_but_never_lower_it() {
        let mut p = Pace::default();
        let t0 = Instant::now();
        p.episode(t0, t0);
        p.answered(34);
        p.episode(t0 + secs(2.0), t0 + secs(2.0));
        // 17 per second measured from a short window at the start of a run.
        assert!((p.rate(t0 + secs(2.0)).unwrap() - 17.0 * (1.0 + HEADROOM)).abs() < 1e-9);
        // 90 s later the server had admitted 19.5 per second: the quota is at least that.
        p.answered(1755);
        p.episode(t0 + secs(92.0), t0 + secs(93.0));
        let rate = p.rate(t0 + secs(93.0)).unwrap();
        assert!((rate - 19.5 * (1.0 + HEADROOM)).abs() < 1e-9, "{rate}");
        // A long window at a lower rate (the lane was not busy) leaves it alone.
        p.answered(900);
        p.episode(t0 + secs(192.0), t0 + secs(193.0));
        let rate = p.rate(t0 + secs(193.0)).unwrap();
        assert!((rate - 19.5 * (1.0 + HEADROOM)).abs() < 1e-9, "{rate}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_sender_does_not_earn_a_burst() {
        let mut p = Pace::default();
        let t0 = Instant::now();
        p.episode(t0, t0);
        p.answered(20);
        p.episode(t0 + secs(2.0), t0 + secs(2.0));
        // Nobody sent for 10 s: the next slot is no earlier than SLACK before now.
        let now = t0 + secs(12.0);
        let slot = p.reserve(now).unwrap();
        assert_eq!(slot, now - SLACK);
        let next = p.reserve(now).unwrap();
        assert!(next > slot);
    }
}
