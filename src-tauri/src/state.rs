//! Managed state: how this launch connects, and the one connection every command shares.
//! Connecting starts the in-process sandbox tenant and signs in through the core; commands wait
//! for it. The session (and its tokens) stays here, on the Rust side.

use std::time::Duration;

use prestage_core::session::Session;
use prestage_sandbox::{AdminRole, RunningSandbox, SandboxConfig};
use tokio::sync::OnceCell;

use crate::ipc::{AccountInfo, IpcError, SessionInfo};

/// The sandbox account the app signs in as: the role that may manage every user's methods.
const SANDBOX_ROLE: AdminRole = AdminRole::PrivilegedAuthenticationAdministrator;

/// Overrides the sandbox directory size (default: the sandbox's own).
const USERS_VAR: &str = "PRESTAGE_SANDBOX_USERS";

/// Where this launch signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    /// The in-process sandbox tenant, optionally with `users` directory users.
    Sandbox { users: Option<usize> },
}

impl Launch {
    /// Reads the launch from environment variables (`var` is `std::env::var` in production).
    ///
    /// `--sandbox` and `PRESTAGE_SANDBOX=1` pick the sandbox tenant, and so does having no real
    /// tenant configured. Signing in to real tenants arrives with the Sign-in issue; until then
    /// every launch is a sandbox launch and those switches are accepted but change nothing.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, IpcError> {
        let users = match var(USERS_VAR) {
            None => None,
            Some(text) => Some(text.trim().parse::<usize>().map_err(|_| {
                IpcError::internal(format!("{USERS_VAR} must be a whole number, not {text:?}."))
            })?),
        };
        Ok(Self::Sandbox { users })
    }
}

/// A signed-in session and what the header shows about it.
pub struct Connection {
    session: Session,
    info: SessionInfo,
    /// Keeps the in-process tenant serving for as long as the app runs.
    _sandbox: Option<RunningSandbox>,
}

impl Connection {
    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn info(&self) -> &SessionInfo {
        &self.info
    }
}

/// The state Tauri manages. Connects once, on first use (the setup hook starts it at launch);
/// concurrent callers wait for that one attempt.
pub struct AppState {
    launch: Result<Launch, IpcError>,
    connection: OnceCell<Result<Connection, IpcError>>,
}

impl AppState {
    pub fn new(launch: Result<Launch, IpcError>) -> Self {
        Self {
            launch,
            connection: OnceCell::new(),
        }
    }

    /// The connection, once startup has finished; startup's error otherwise.
    pub async fn connection(&self) -> Result<&Connection, IpcError> {
        let result = self
            .connection
            .get_or_init(|| async {
                let launch = self.launch.clone()?;
                connect(&launch).await
            })
            .await;
        result.as_ref().map_err(Clone::clone)
    }
}

async fn connect(launch: &Launch) -> Result<Connection, IpcError> {
    match launch {
        Launch::Sandbox { users } => connect_sandbox(*users).await,
    }
}

async fn connect_sandbox(users: Option<usize>) -> Result<Connection, IpcError> {
    let mut config = SandboxConfig {
        auto_approve: true,
        latency: Duration::from_millis(40),
        latency_jitter: Duration::from_millis(20),
        ..Default::default()
    };
    if let Some(users) = users {
        config.users = users;
    }
    let sandbox = prestage_sandbox::start(config, 0)
        .await
        .map_err(|e| IpcError::internal(format!("The sandbox tenant could not start: {e}")))?;
    let account = sandbox
        .accounts()
        .into_iter()
        .find(|a| a.role == SANDBOX_ROLE)
        .ok_or_else(|| IpcError::internal(format!("The sandbox tenant has no {SANDBOX_ROLE}.")))?;
    let base = sandbox.base_url();
    let session = Session::sign_in_auto_approved(
        base.clone(),
        base,
        sandbox.tenant_id(),
        &account.user_principal_name,
    )
    .await?;
    let organization = session.graph().organization().await?;
    let signed_in = session.account();
    let info = SessionInfo {
        tenant_name: organization
            .display_name
            .unwrap_or_else(|| signed_in.tenant_id.clone()),
        account: AccountInfo {
            display_name: signed_in.display_name.clone(),
            user_principal_name: signed_in.user_principal_name.clone(),
        },
        role: account.role.to_string(),
        sandbox: true,
    };
    tracing::info!(tenant = %info.tenant_name, role = %info.role, "signed in to the sandbox tenant");
    Ok(Connection {
        session,
        info,
        _sandbox: Some(sandbox),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_reads_the_user_count() {
        let none = Launch::from_env(|_| None).unwrap();
        assert_eq!(none, Launch::Sandbox { users: None });
        let some = Launch::from_env(|k| (k == USERS_VAR).then(|| " 40 ".to_string())).unwrap();
        assert_eq!(some, Launch::Sandbox { users: Some(40) });
        let bad = Launch::from_env(|k| (k == USERS_VAR).then(|| "lots".to_string()));
        assert!(matches!(bad, Err(IpcError::Internal { .. })));
    }
}
