//! The sandbox's shared state: immutable facts (config, base URL, tenant) and one mutex over
//! everything that changes (directory, policy, tokens, throttle buckets, faults, counters, RNG).
//! Handlers lock, decide synchronously, unlock; nothing awaits while holding the lock.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use rand_chacha::ChaCha8Rng;
use url::Url;

use crate::access::Access;
use crate::config::{Faults, SandboxConfig};
use crate::directory::Directory;
use crate::policy::Policy;
use crate::roles::Powers;
use crate::throttle::Throttle;
use crate::tokens::TokenStore;

pub(crate) struct Shared {
    pub config: SandboxConfig,
    pub base_url: Url,
    pub tenant_id: String,
    pub tenant_domain: &'static str,
    inner: Mutex<Inner>,
}

pub(crate) struct Inner {
    pub dir: Directory,
    pub policy: Policy,
    /// Conditional Access, authentication strengths, security defaults.
    pub access: Access,
    pub tokens: TokenStore,
    /// App registrations for app-only sign-in, and the assertion ids already used.
    pub apps: crate::apps::Apps,
    /// Seconds the token endpoint's clock runs ahead (negative: behind) of this machine's, to
    /// test assertions outside their valid time (`/_sandbox/clock`).
    pub clock_skew_s: i64,
    pub throttle: Throttle,
    pub faults: Faults,
    pub counters: Counters,
    /// Runtime randomness (faults, jitter, TAP secrets, ids), seeded for reproducibility.
    pub rng: ChaCha8Rng,
}

/// What happened, for `dump()` and `/_sandbox/state`.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub graph_requests: u64,
    pub writes_applied: u64,
    pub writes_by_user: HashMap<usize, u64>,
    pub throttled_writes: u64,
    pub throttled_reads: u64,
    pub throttled_reports: u64,
    pub faults_503: u64,
    pub faults_slow: u64,
    pub drops_read: u64,
    pub drops_write_applied: u64,
    pub drops_write_not_applied: u64,
    pub codes_issued: u64,
    pub access_tokens_issued: u64,
    pub refresh_tokens_redeemed: u64,
}

impl Counters {
    pub(crate) fn write_applied(&mut self, user: usize) {
        self.writes_applied += 1;
        *self.writes_by_user.entry(user).or_default() += 1;
    }
}

/// Who is behind a Graph request: a signed-in user, or an application (app-only token).
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    /// The signed-in user; `None` for an app-only caller.
    pub user: Option<usize>,
    /// App-only callers: the application permissions granted (`roles`), checked per endpoint
    /// (`app_permissions.rs`). `None` for a signed-in user.
    pub app_roles: Option<Vec<String>>,
    pub client_id: String,
    pub powers: Powers,
    /// The token carries a directory read permission that lists role members
    /// (`RoleManagement.Read.Directory` or `Directory.Read.All`).
    pub reads_role_members: bool,
    /// The token carries `Policy.Read.All` (or the higher `Policy.ReadWrite.AuthenticationMethod`).
    pub reads_policy: bool,
    /// The token carries `AuditLog.Read.All` and `Directory.Read.All` (the sign-in log).
    pub reads_sign_ins: bool,
    /// The token carries `Policy.ReadWrite.AuthenticationMethod`.
    pub writes_auth_method_policy: bool,
}

impl Shared {
    pub(crate) fn new(
        config: SandboxConfig,
        base_url: Url,
        tenant_id: String,
        tenant_domain: &'static str,
        inner: Inner,
    ) -> Self {
        Shared {
            config,
            base_url,
            tenant_id,
            tenant_domain,
            inner: Mutex::new(inner),
        }
    }

    /// Locks the mutable state (a poisoned lock is recovered: every change is all-or-nothing).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `{base}` without the trailing slash, for building absolute URLs.
    pub(crate) fn base(&self) -> &str {
        self.base_url.as_str().trim_end_matches('/')
    }
}
