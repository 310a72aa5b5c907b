//! A benchmark's admin session against its in-process sandbox tenant.

use prestage_core::graph::ClientOptions;
use prestage_core::session::Session;
use prestage_core::throttle::ThrottleOptions;
use prestage_sandbox::{AdminRole, RunningSandbox};

type Error = Box<dyn std::error::Error>;

/// Client options for a run measured against the quota: `concurrency` requests in flight and
/// retries enough to wait out every 429 (a benchmark counts throttling, it does not fail on it).
pub fn patient(sandbox: &RunningSandbox, concurrency: usize) -> ClientOptions {
    let mut options = ClientOptions::new(sandbox.base_url());
    options.throttle = ThrottleOptions {
        max_concurrency: concurrency,
        max_retries: 50,
        ..ThrottleOptions::default()
    };
    options
}

/// Signs in to `sandbox` (auto-approved) as its account holding `role`.
pub async fn sign_in_as(
    sandbox: &RunningSandbox,
    role: AdminRole,
    options: ClientOptions,
) -> Result<Session, Error> {
    let account = sandbox
        .accounts()
        .into_iter()
        .find(|a| a.role == role)
        .ok_or_else(|| format!("the sandbox has no {role:?}"))?;
    Ok(Session::sign_in_auto_approved_with(
        sandbox.base_url(),
        options,
        sandbox.tenant_id(),
        &account.user_principal_name,
    )
    .await?)
}
