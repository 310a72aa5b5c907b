//! Graph's identity throttling per app (client id) in this one tenant: a write bucket (quota per
//! window, continuous refill) and a resource-unit bucket (quota per 10 s) with graph-api.md §5
//! costs. The identity-and-access reports have their own bucket (5 requests per 10 s per app and
//! tenant, graph-api.md §2) and cost no resource units. A rejected request takes nothing from any
//! bucket and changes no state.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use axum::http::{Method, StatusCode};

use crate::errors::GraphError;
use crate::odata::Query;

#[derive(Debug)]
struct Bucket {
    capacity: f64,
    tokens: f64,
    per_second: f64,
    last: Instant,
}

impl Bucket {
    fn new(capacity: u32, window: Duration) -> Bucket {
        let capacity = f64::from(capacity.max(1));
        let per_second = capacity / window.as_secs_f64().max(0.001);
        Bucket {
            capacity,
            tokens: capacity,
            per_second,
            last: Instant::now(),
        }
    }

    fn refill(&mut self, now: Instant) {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + dt * self.per_second).min(self.capacity);
        self.last = now;
    }

    /// Time until `n` units are available (zero if they are).
    fn wait_for(&self, n: f64) -> Duration {
        if self.tokens >= n {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((n - self.tokens) / self.per_second)
        }
    }

    fn used_fraction(&self) -> f64 {
        1.0 - self.tokens / self.capacity
    }
}

#[derive(Debug)]
struct AppBuckets {
    writes: Bucket,
    ru: Bucket,
    reports: Bucket,
}

/// graph-api.md §2 / §5: "Identity and access reports" — 5 requests per 10 s per app and tenant.
pub(crate) const REPORTS_QUOTA: u32 = 5;
pub(crate) const REPORTS_WINDOW: Duration = Duration::from_secs(10);

/// Is this request served from the reports bucket?
pub(crate) fn is_report(segments: &[String]) -> bool {
    segments.first().is_some_and(|s| s == "reports")
}

#[derive(Debug)]
pub(crate) struct Throttle {
    write_quota: u32,
    write_window: Duration,
    ru_quota: u32,
    apps: HashMap<String, AppBuckets>,
}

/// The outcome of asking for admission.
#[derive(Debug)]
pub(crate) enum Verdict {
    Admit {
        ru: u32,
        used_percent: Option<f64>,
    },
    Reject {
        information: &'static str,
        retry_after: Duration,
    },
}

impl Throttle {
    pub(crate) fn new(write_quota: u32, write_window: Duration, ru_quota: u32) -> Throttle {
        Throttle {
            write_quota,
            write_window,
            ru_quota,
            apps: HashMap::new(),
        }
    }

    fn buckets(&mut self, app: &str) -> &mut AppBuckets {
        let (wq, ww, rq) = (self.write_quota, self.write_window, self.ru_quota);
        self.apps
            .entry(app.to_owned())
            .or_insert_with(|| AppBuckets {
                writes: Bucket::new(wq, ww),
                ru: Bucket::new(rq, Duration::from_secs(10)),
                reports: Bucket::new(REPORTS_QUOTA, REPORTS_WINDOW),
            })
    }

    /// One request to the reports endpoints (their own bucket; no resource units).
    pub(crate) fn admit_report(&mut self, app: &str) -> Verdict {
        let now = Instant::now();
        let b = &mut self.buckets(app).reports;
        b.refill(now);
        let wait = b.wait_for(1.0);
        if !wait.is_zero() {
            return Verdict::Reject {
                information: "ReportsLimitExceeded",
                retry_after: wait,
            };
        }
        b.tokens -= 1.0;
        let used = b.used_fraction();
        Verdict::Admit {
            ru: 1,
            used_percent: (used > 0.8).then_some(used),
        }
    }

    pub(crate) fn admit(&mut self, app: &str, is_write: bool, ru: u32) -> Verdict {
        let now = Instant::now();
        let b = self.buckets(app);
        b.writes.refill(now);
        b.ru.refill(now);
        if is_write {
            let wait = b.writes.wait_for(1.0);
            if !wait.is_zero() {
                return Verdict::Reject {
                    information: "WriteLimitExceeded",
                    retry_after: wait,
                };
            }
        }
        let wait = b.ru.wait_for(f64::from(ru));
        if !wait.is_zero() {
            return Verdict::Reject {
                information: "ResourceUnitLimitExceeded",
                retry_after: wait,
            };
        }
        if is_write {
            b.writes.tokens -= 1.0;
        }
        b.ru.tokens -= f64::from(ru);
        let used = b.ru.used_fraction().max(if is_write {
            b.writes.used_fraction()
        } else {
            0.0
        });
        Verdict::Admit {
            ru,
            used_percent: (used > 0.8).then_some(used),
        }
    }
}

/// graph-api.md §5: GET users 2, group members 3, transitive members 5, other GETs 1;
/// `$select` −1, `$top` < 20 −1, `$expand` +1, floor 1; writes 1.
pub(crate) fn ru_cost(method: &Method, segments: &[String], q: &Query) -> u32 {
    if method != Method::GET {
        return 1;
    }
    let mut cost: i32 = match segments {
        [users] if users == "users" => 2,
        [g, _, nav, ..] if g == "groups" && nav == "members" => 3,
        [g, _, nav, ..] if g == "groups" && nav == "transitiveMembers" => 5,
        _ => 1,
    };
    if q.get("select").is_some() {
        cost -= 1;
    }
    if q.get("top")
        .and_then(|t| t.trim().parse::<i64>().ok())
        .is_some_and(|t| t < 20)
    {
        cost -= 1;
    }
    if q.get("expand").is_some() {
        cost += 1;
    }
    u32::try_from(cost.max(1)).unwrap_or(1)
}

/// The 429 answer with `Retry-After` and the throttle headers.
pub(crate) fn too_many_requests(
    information: &'static str,
    retry_after: Duration,
    app: &str,
    tenant: &str,
    http_date: bool,
) -> GraphError {
    let secs = retry_after.as_secs_f64().ceil().max(1.0);
    // Bounded above by the bucket window, so the cast cannot overflow in practice.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let secs = secs.min(1.0e9) as u64;
    let value = if http_date {
        httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(secs + 1))
    } else {
        secs.to_string()
    };
    GraphError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequests",
        "Too many requests.",
    )
    .with_header("retry-after", value)
    .with_header(
        "x-ms-throttle-scope",
        format!("Tenant_Application/ReadWrite/{app}/{tenant}"),
    )
    .with_header("x-ms-throttle-information", information.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_bucket_empties_and_reports_wait() {
        let mut t = Throttle::new(2, Duration::from_secs(100), 1000);
        assert!(matches!(t.admit("a", true, 1), Verdict::Admit { .. }));
        assert!(matches!(t.admit("a", true, 1), Verdict::Admit { .. }));
        match t.admit("a", true, 1) {
            Verdict::Reject {
                information,
                retry_after,
            } => {
                assert_eq!(information, "WriteLimitExceeded");
                assert!(retry_after > Duration::from_secs(40));
            }
            Verdict::Admit { .. } => panic!("should throttle"),
        }
        assert!(matches!(
            t.admit("other-app", true, 1),
            Verdict::Admit { .. }
        ));
        assert!(matches!(t.admit("a", false, 1), Verdict::Admit { .. }));
    }

    #[test]
    fn reports_have_their_own_bucket() {
        let mut t = Throttle::new(10, Duration::from_secs(100), 1);
        for _ in 0..REPORTS_QUOTA {
            assert!(matches!(t.admit_report("a"), Verdict::Admit { .. }));
        }
        match t.admit_report("a") {
            Verdict::Reject {
                information,
                retry_after,
            } => {
                assert_eq!(information, "ReportsLimitExceeded");
                assert!(retry_after > Duration::from_millis(1500));
                assert!(retry_after <= Duration::from_secs(2));
            }
            Verdict::Admit { .. } => panic!("the sixth report request in 10 s should throttle"),
        }
        // The identity RU bucket (1 RU here) is untouched by the reports.
        assert!(matches!(t.admit("a", false, 1), Verdict::Admit { .. }));
        assert!(matches!(t.admit_report("b"), Verdict::Admit { .. }));
    }

    #[test]
    fn costs_follow_the_table() {
        let s = |p: &[&str]| p.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let q = Query::parse(None);
        assert_eq!(ru_cost(&Method::GET, &s(&["users"]), &q), 2);
        assert_eq!(
            ru_cost(
                &Method::GET,
                &s(&["users"]),
                &Query::parse(Some("$select=id&$top=5"))
            ),
            1
        );
        assert_eq!(
            ru_cost(&Method::GET, &s(&["groups", "x", "transitiveMembers"]), &q),
            5
        );
        assert_eq!(ru_cost(&Method::POST, &s(&["users"]), &q), 1);
    }
}
