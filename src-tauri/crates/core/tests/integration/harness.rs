//! Starts a sandbox tenant and signs in as one of its admin accounts through the real
//! authorization-code + PKCE flow (sandbox auto-approve).

use std::time::Duration;

use prestage_core::graph::{ClientOptions, GraphClient};
use prestage_core::phone::PhoneType;
use prestage_core::session::Session;
use prestage_core::throttle::ThrottleOptions;
use prestage_sandbox::{AdminRole, RunningSandbox, SandboxConfig};

pub struct Tenant {
    pub sandbox: RunningSandbox,
}

pub fn quick() -> SandboxConfig {
    SandboxConfig {
        auto_approve: true,
        ..SandboxConfig::default()
    }
}

pub async fn tenant(config: SandboxConfig) -> Tenant {
    Tenant {
        sandbox: prestage_sandbox::start(config, 0)
            .await
            .expect("sandbox starts"),
    }
}

impl Tenant {
    pub fn upn(&self, role: AdminRole) -> String {
        self.sandbox
            .accounts()
            .into_iter()
            .find(|a| a.role == role)
            .map(|a| a.user_principal_name)
            .expect("the sandbox has this sign-in account")
    }

    pub async fn session_with(&self, role: AdminRole, throttle: ThrottleOptions) -> Session {
        let mut options = ClientOptions::new(self.sandbox.base_url());
        options.throttle = throttle;
        Session::sign_in_auto_approved_with(
            self.sandbox.base_url(),
            options,
            self.sandbox.tenant_id(),
            &self.upn(role),
        )
        .await
        .expect("sign-in to the sandbox")
    }

    pub async fn as_role(&self, role: AdminRole) -> GraphClient {
        let fast = ThrottleOptions {
            base_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
            ..ThrottleOptions::default()
        };
        self.session_with(role, fast).await.graph().clone()
    }

    pub async fn paa(&self) -> GraphClient {
        self.as_role(AdminRole::PrivilegedAuthenticationAdministrator)
            .await
    }

    /// Ids of ordinary users: no sign-in account, no directory role, enabled members.
    pub async fn ordinary_users(&self, graph: &GraphClient, n: usize) -> Vec<String> {
        let accounts: Vec<String> = self.sandbox.accounts().into_iter().map(|a| a.id).collect();
        let mut out = Vec::new();
        for user in graph.all_users().await.expect("list users") {
            if accounts.contains(&user.id)
                || user.account_enabled == Some(false)
                || user.user_type.as_deref() == Some("Guest")
            {
                continue;
            }
            let roles = graph.member_of(&user.id).await.expect("memberOf");
            if roles.iter().any(|r| r.is_directory_role()) {
                continue;
            }
            out.push(user.id);
            if out.len() == n {
                break;
            }
        }
        out
    }

    /// Ordinary users with no phone method at all.
    pub async fn phoneless_users(&self, graph: &GraphClient, n: usize) -> Vec<String> {
        let mut out = Vec::new();
        for id in self.ordinary_users(graph, usize::MAX).await {
            if graph
                .list_phone_methods(&id)
                .await
                .expect("phones")
                .is_empty()
            {
                out.push(id);
                if out.len() == n {
                    break;
                }
            }
        }
        assert_eq!(out.len(), n, "the seed has enough users without phones");
        out
    }

    /// A user holding the Global Administrator role who is not a sign-in account.
    pub async fn global_admin_target(&self, graph: &GraphClient) -> String {
        let accounts: Vec<String> = self.sandbox.accounts().into_iter().map(|a| a.id).collect();
        for user in graph.all_users().await.expect("list users") {
            if accounts.contains(&user.id) {
                continue;
            }
            let roles = graph.member_of(&user.id).await.expect("memberOf");
            if roles
                .iter()
                .any(|r| r.role_template_id.as_deref() == Some(GLOBAL_ADMIN))
            {
                return user.id;
            }
        }
        panic!("the seed has a Global Administrator besides the sign-in accounts")
    }
}

pub const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";

pub fn number(text: &str) -> prestage_core::phone::PhoneNumber {
    prestage_core::phone::PhoneNumber::parse_graph(text).expect("valid test number")
}

pub const MOBILE: PhoneType = PhoneType::Mobile;
pub const ALTERNATE: PhoneType = PhoneType::AlternateMobile;
pub const OFFICE: PhoneType = PhoneType::Office;
