//! prestage-sandbox: the simulated tenant — a stateful Microsoft Graph (v1.0 and beta) and
//! Microsoft identity platform sign-in endpoints, served over real HTTP on 127.0.0.1.
//! The JSON wire is the contract with Graph clients; no Rust types are shared with them.
//!
//! Sign-in accounts (same UPNs for every seed, in the tenant `contoso-sandbox.onmicrosoft.com`):
//! `gaby.admin@…` Global Administrator, `priya.patel@…` Privileged Authentication Administrator
//! (the default account), `alex.wong@…` Authentication Administrator, `gwen.reader@…` Global
//! Reader, `nora.nobody@…` no administrator role.

mod access;
mod access_api;
mod app_permissions;
mod apps;
mod config;
mod control;
mod directory;
mod directory_json;
mod errors;
mod faults;
mod graph;
mod groups;
mod methods;
mod odata;
mod organization;
mod phone_format;
mod policy;
mod policy_api;
mod preferences;
mod register;
mod reports;
mod request;
mod requirements;
mod roles;
mod rules;
mod seed;
mod server;
mod sessions;
mod sign_ins;
mod signin;
mod state;
mod tap;
mod throttle;
mod tokens;
mod users;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::{any, get, post};
use axum::Router;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use url::Url;

pub use apps::{self_signed_certificate, DEFAULT_APP_ROLES};
pub use config::{Faults, SandboxConfig};
pub use register::RegisterError;
pub use roles::AdminRole;
pub use seed::{SeedUser, STAGING_GROUP, STILL_ASKED, TENANT_DOMAIN};

/// An account offered on the sign-in page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInAccount {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub role: AdminRole,
}

/// A sandbox tenant serving on 127.0.0.1 until `shutdown`.
pub struct RunningSandbox {
    shared: Arc<state::Shared>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

fn app(shared: Arc<state::Shared>) -> Router {
    Router::new()
        .route("/_sandbox/state", get(control::state))
        .route("/_sandbox/accounts", get(control::accounts_route))
        .route(
            "/_sandbox/faults",
            get(control::get_faults).put(control::put_faults),
        )
        .route("/_sandbox/expire-tokens", post(control::expire_tokens))
        .route("/_sandbox/clock", axum::routing::put(control::put_clock))
        .route("/_sandbox/users/{user}/register", post(register::route))
        .route("/v1.0/{*rest}", any(graph::v1))
        .route("/beta/{*rest}", any(graph::beta))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(signin::authorize::page).post(signin::authorize::submit),
        )
        .route("/{tenant}/oauth2/v2.0/token", post(signin::token::token))
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(signin::device::devicecode),
        )
        .route(
            "/devicelogin",
            get(signin::device::login_page).post(signin::device::login_submit),
        )
        .with_state(shared)
}

/// Builds the directory from `config` and serves it on `127.0.0.1:port` (0 = ephemeral).
pub async fn start(config: SandboxConfig, port: u16) -> std::io::Result<RunningSandbox> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let base_url = Url::parse(&format!("http://{addr}/"))
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let now = chrono::Utc::now();
    let mut seeded = seed::build(config.users, config.seed, now);
    seed::tenant_policies(&mut seeded, &config, now);
    let throttle = throttle::Throttle::new(
        config.write_quota,
        config.write_window,
        config.effective_read_ru(),
    );
    let inner = state::Inner {
        dir: seeded.directory,
        policy: seeded.policy,
        access: seeded.access,
        tokens: tokens::TokenStore::default(),
        apps: apps::Apps::default(),
        clock_skew_s: 0,
        throttle,
        faults: config.faults.sanitized(),
        counters: state::Counters::default(),
        rng: ChaCha8Rng::seed_from_u64(config.seed ^ 0x5eed_5a4d_b0c5),
    };
    let shared = Arc::new(state::Shared::new(
        config,
        base_url,
        seeded.tenant_id,
        seed::TENANT_DOMAIN,
        inner,
    ));
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(server::serve(listener, app(shared.clone()), stopped));
    Ok(RunningSandbox {
        shared,
        addr,
        stop,
        task,
    })
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT/`: Graph at `{base}v1.0/` and `{base}beta/`, authority = base.
    pub fn base_url(&self) -> Url {
        self.shared.base_url.clone()
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The tenant id (GUID), derived from the seed.
    pub fn tenant_id(&self) -> &str {
        &self.shared.tenant_id
    }

    /// `contoso-sandbox.onmicrosoft.com`.
    pub fn tenant_domain(&self) -> &str {
        self.shared.tenant_domain
    }

    /// The five sign-in accounts (see the crate docs).
    pub fn accounts(&self) -> Vec<SignInAccount> {
        control::accounts(&self.shared)
    }

    /// The full state: users with methods and preferences, policy, groups, counters.
    pub fn dump(&self) -> serde_json::Value {
        control::dump(&self.shared)
    }

    /// Adds users with a fixed id, UPN, mail and methods after the seeded directory (for tests
    /// that need the people their files name). All or none: an invalid number or method set, or
    /// an id or UPN already in the tenant, is refused with the reason.
    pub fn add_users(&self, users: &[SeedUser]) -> Result<(), String> {
        seed::add_users(&mut self.shared.lock().dir, users)
    }

    /// A user registers a method with their Temporary Access Pass, as at aka.ms/mysecurityinfo
    /// (`method`: `microsoftAuthenticator`, `fido2` or `windowsHelloForBusiness`). The pass must
    /// be theirs and usable; a one-time pass is consumed. Returns the new method's id.
    pub fn register_method(
        &self,
        user: &str,
        method: &str,
        pass: &str,
    ) -> Result<String, RegisterError> {
        let method = serde_json::from_value(serde_json::Value::String(method.to_string()))
            .map_err(|_| RegisterError::UnknownMethod(method.to_string()))?;
        register::register(&self.shared, user, method, pass)
    }

    pub fn set_faults(&self, f: Faults) {
        control::set_faults(&self.shared, f);
    }

    /// Registers an application for app-only sign-in with the public certificate in `cert_pem`
    /// and the application permissions `roles` (admin consent given); returns its client id.
    pub fn register_app(&self, cert_pem: &str, roles: &[&str]) -> Result<String, String> {
        let certificate = apps::parse_certificate(cert_pem)?;
        let mut inner = self.shared.lock();
        let client_id = uuid::Uuid::new_v4().to_string();
        inner.apps.registrations.push(apps::AppRegistration {
            client_id: client_id.clone(),
            certificates: vec![certificate],
            roles: roles.iter().map(|r| r.to_string()).collect(),
        });
        Ok(client_id)
    }

    /// The token endpoint's clock runs `seconds` ahead of this machine's (negative: behind).
    pub fn set_clock_skew(&self, seconds: i64) {
        self.shared.lock().clock_skew_s = seconds;
    }

    /// Every access token issued so far is expired; refresh tokens still work.
    pub fn expire_all_tokens(&self) {
        self.shared.lock().tokens.expire_all();
    }

    /// Stops accepting, closes every connection and waits for the server task.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}
