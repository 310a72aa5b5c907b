//! The sandbox's knobs: directory size and seed, latency, throttling quotas, faults, token
//! lifetimes and tenant licence. Pure data with Graph-documented defaults; no behaviour here.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How the sandbox tenant is built and how it behaves under load.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Total number of users in the directory (the five sign-in accounts included). Default 250.
    pub users: usize,
    /// Same seed, same directory: ids, names, phone numbers, methods. Default 1.
    pub seed: u64,
    /// Fixed wait added to every Graph and token request. Default 0.
    pub latency: Duration,
    /// Uniform extra wait `0..latency_jitter` per request. Default 0.
    pub latency_jitter: Duration,
    /// Writes allowed per `write_window` per app (Graph: 3000 per 2 min 30 s per app and tenant).
    pub write_quota: u32,
    /// The write bucket's window. Default 150 s.
    pub write_window: Duration,
    /// Resource units per 10 s per app. 0 = from the tenant size (graph-api.md §5: fewer than
    /// 50 users 3500, 50–500 5000, more than 500 8000).
    pub read_ru_per_10s: u32,
    /// Injected failures. Default none.
    pub faults: Faults,
    /// Access-token lifetime (`expires_in`). Default 3600 s.
    pub token_lifetime: Duration,
    /// A refresh token older than this is refused with `invalid_grant` AADSTS700082. Default 90 days.
    pub refresh_token_lifetime: Duration,
    /// The tenant has no Entra ID P1/P2: the registration report answers 403
    /// `Authentication_RequestFromNonPremiumTenantOrB2CTenant`.
    pub non_premium: bool,
    /// `/authorize` redirects at once (`login_hint` picks the account, default the Privileged
    /// Authentication Administrator) instead of showing the account picker.
    pub auto_approve: bool,
    /// Send `Retry-After` as an HTTP-date instead of delta-seconds.
    pub retry_after_http_date: bool,
    /// How long the registration report keeps showing a user's state from before a change to
    /// their methods (Graph: "up to a few hours"). Default 1 h.
    pub report_lag: Duration,
    /// Security defaults are on (`identitySecurityDefaultsEnforcementPolicy.isEnabled`). Default off.
    pub security_defaults: bool,
    /// One enabled Conditional Access policy requires MFA for all users. Default off.
    pub conditional_access_mfa: bool,
    /// With 40+ users, the last ordinary members become the "still asked" people
    /// ([`crate::STILL_ASKED`]) with the policies behind them (an Authenticator exclusion, a
    /// voice exclusion, a Payments Conditional Access policy). Default off; the app's sandbox
    /// and `prestage-cli sandbox` turn it on.
    pub still_asked: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            users: 250,
            seed: 1,
            latency: Duration::ZERO,
            latency_jitter: Duration::ZERO,
            write_quota: 3000,
            write_window: Duration::from_secs(150),
            read_ru_per_10s: 0,
            faults: Faults::default(),
            token_lifetime: Duration::from_secs(3600),
            refresh_token_lifetime: Duration::from_secs(90 * 24 * 3600),
            non_premium: false,
            auto_approve: false,
            retry_after_http_date: false,
            report_lag: Duration::from_secs(3600),
            security_defaults: false,
            conditional_access_mfa: false,
            still_asked: false,
        }
    }
}

impl SandboxConfig {
    /// The RU quota in force: the configured one, or graph-api.md §5's by tenant size.
    pub fn effective_read_ru(&self) -> u32 {
        if self.read_ru_per_10s > 0 {
            return self.read_ru_per_10s;
        }
        match self.users {
            0..=49 => 3500,
            50..=500 => 5000,
            _ => 8000,
        }
    }
}

/// Failure rates, each a probability in 0..=1 per Graph request, drawn from the seeded RNG.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Answer 503 `serviceNotAvailable` with `Retry-After: 1`; nothing changes.
    #[serde(alias = "rate503")]
    pub rate_503: f64,
    /// Close the connection without a complete response (a write may or may not have applied).
    #[serde(alias = "rateDrop")]
    pub rate_drop: f64,
    /// Add `slow` to the response time.
    #[serde(alias = "rateSlow")]
    pub rate_slow: f64,
    /// The extra delay of a slow response (JSON: milliseconds).
    #[serde(with = "duration_ms")]
    pub slow: Duration,
}

impl Faults {
    /// Rates clamped to 0..=1 (NaN counts as 0).
    pub(crate) fn sanitized(self) -> Self {
        let clamp = |r: f64| {
            if r.is_finite() {
                r.clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        Self {
            rate_503: clamp(self.rate_503),
            rate_drop: clamp(self.rate_drop),
            rate_slow: clamp(self.rate_slow),
            slow: self.slow,
        }
    }
}

mod duration_ms {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_json_uses_milliseconds() {
        let f: Faults =
            serde_json::from_str(r#"{"rate_503":0.5,"rateDrop":0.25,"slow":250}"#).unwrap();
        assert_eq!(f.rate_503, 0.5);
        assert_eq!(f.rate_drop, 0.25);
        assert_eq!(f.slow, Duration::from_millis(250));
        let back = serde_json::to_value(f).unwrap();
        assert_eq!(back["slow"], 250);
    }

    #[test]
    fn ru_quota_follows_tenant_size() {
        let mut c = SandboxConfig {
            users: 20,
            ..Default::default()
        };
        assert_eq!(c.effective_read_ru(), 3500);
        c.users = 250;
        assert_eq!(c.effective_read_ru(), 5000);
        c.users = 20_000;
        assert_eq!(c.effective_read_ru(), 8000);
        c.read_ru_per_10s = 10;
        assert_eq!(c.effective_read_ru(), 10);
    }
}
