//! Per-request latency (fixed + uniform jitter) and injected faults (503, dropped connection,
//! slow answer), all drawn from the seeded runtime RNG. Never applied to the control plane.

use std::time::Duration;

use axum::http::StatusCode;
use rand::Rng;

use crate::errors::GraphError;
use crate::state::Inner;

/// What to do to one Graph request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    None,
    /// 503 `serviceNotAvailable`, nothing changes.
    Unavailable,
    /// Close the connection without an answer; a write is applied first when `apply` is true.
    Drop {
        apply: bool,
    },
}

/// The configured wait for one request: `latency + uniform(0..jitter)`.
pub(crate) fn latency(inner: &mut Inner, base: Duration, jitter: Duration) -> Duration {
    if jitter.is_zero() {
        return base;
    }
    base + jitter.mul_f64(inner.rng.gen_range(0.0..1.0))
}

/// Rolls the dice for one Graph request: the fault and an extra slow delay.
pub(crate) fn roll(inner: &mut Inner) -> (Fault, Duration) {
    let f = inner.faults;
    let mut extra = Duration::ZERO;
    if f.rate_slow > 0.0 && inner.rng.gen_bool(f.rate_slow) {
        inner.counters.faults_slow += 1;
        extra = f.slow;
    }
    let roll: f64 = if f.rate_503 > 0.0 || f.rate_drop > 0.0 {
        inner.rng.gen_range(0.0..1.0)
    } else {
        1.0
    };
    let fault = if roll < f.rate_503 {
        Fault::Unavailable
    } else if roll < f.rate_503 + f.rate_drop {
        Fault::Drop {
            apply: inner.rng.gen_bool(0.5),
        }
    } else {
        Fault::None
    };
    (fault, extra)
}

pub(crate) fn service_unavailable() -> GraphError {
    GraphError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "serviceNotAvailable",
        "The service is temporarily unavailable. Please retry later.",
    )
    .with_header("retry-after", "1".to_owned())
}
