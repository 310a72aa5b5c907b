//! What the webview learns about sign-in: who is signed in and what their roles allow, the
//! start-up status (setup done? remembered account?), and a device code to show. Built from
//! core types here; never a token, never the device code's secret half.

use prestage_core::auth::DeviceCode;
use prestage_core::session::Session;
use prestage_core::settings::{RememberedAccount, Settings};
use serde::Serialize;

use super::IpcError;

/// Who is signed in, to which tenant, and what they may do — the header chip and roles panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub tenant_name: String,
    pub account: AccountInfo,
    /// The strongest directory role, as Entra names it ("No administrator role" when none).
    pub role: String,
    /// Every directory role of the signed-in account.
    pub roles: Vec<String>,
    pub powers: PowersInfo,
    /// One sentence per thing the roles allow or forbid, for the roles panel.
    pub allows: Vec<String>,
    /// True when connected to the in-process sandbox tenant rather than a real one.
    pub sandbox: bool,
    /// Set when the OS keychain refused the sign-in: it works for this run only, and says so.
    pub keychain_warning: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    pub display_name: String,
    pub user_principal_name: String,
}

/// The pre-flight facts the UI uses to grey out what would be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PowersInfo {
    /// Administrators included (Global Administrator, Privileged Authentication Administrator).
    pub changes_any_user: bool,
    /// Users without administrator roles (Authentication Administrator and above).
    pub changes_non_admins: bool,
    pub sees_masked_numbers: bool,
    pub can_read_reports: bool,
}

impl SessionInfo {
    pub fn new(session: &Session, sandbox: bool) -> Self {
        let account = session.account();
        let powers = session.powers();
        Self {
            tenant_name: account.tenant_name.clone(),
            account: AccountInfo {
                display_name: account.display_name.clone(),
                user_principal_name: account.user_principal_name.clone(),
            },
            role: session.headline_role(),
            roles: powers.roles.iter().map(|r| r.name().to_string()).collect(),
            powers: PowersInfo {
                changes_any_user: powers.writes_any_user(),
                changes_non_admins: powers.check_write(&[], false).is_ok(),
                sees_masked_numbers: powers.sees_masked_numbers(),
                can_read_reports: powers.reads_registration_report(),
            },
            allows: session.what_you_may_do(),
            sandbox,
            keychain_warning: session.keychain_warning(),
        }
    }
}

/// The start screen's question: signed in, or what to offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    /// Present when signed in.
    pub session: Option<SessionInfo>,
    pub setup: SetupInfo,
    /// The account signed in last, offered on the sign-in screen.
    pub remembered_account: Option<RememberedInfo>,
    /// Why start-up could not sign in silently (expired session, keychain locked, ...).
    pub problem: Option<IpcError>,
}

/// The app registration in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupInfo {
    /// A client ID is set: browser and device-code sign-in can start.
    pub configured: bool,
    pub client_id: Option<String>,
    pub tenant: String,
    /// Device-code sign-in is offered (opt-in).
    pub device_code: bool,
    /// The developer switch is on: sign-in may go to endpoints other than Microsoft's. The UI
    /// shows this sentence for as long as it is on.
    pub developer_endpoints: Option<String>,
}

impl SetupInfo {
    pub fn new(effective: &Settings) -> Self {
        let developer_endpoints = effective.developer_endpoints.then(|| {
            let at = effective
                .authority
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_else(|| "Microsoft".into());
            format!(
                "Developer endpoints are on (PRESTAGE_DEVELOPER_ENDPOINTS=1): sign-in goes to {at}, \
                 which Prestage does not check is Microsoft's. Never use this with a real tenant."
            )
        });
        Self {
            configured: effective.is_configured(),
            client_id: effective.client_id.clone(),
            tenant: effective.tenant_or_default().to_string(),
            device_code: effective.device_code,
            developer_endpoints,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RememberedInfo {
    pub display_name: String,
    pub user_principal_name: String,
    pub tenant_name: String,
}

impl From<&RememberedAccount> for RememberedInfo {
    fn from(a: &RememberedAccount) -> Self {
        Self {
            display_name: a.display_name.clone(),
            user_principal_name: a.user_principal_name.clone(),
            tenant_name: a.tenant_name.clone(),
        }
    }
}

/// What the person needs to finish a device-code sign-in elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodeInfo {
    pub user_code: String,
    pub verification_uri: String,
    pub message: String,
    pub expires_in_s: u64,
}

impl From<&DeviceCode> for DeviceCodeInfo {
    fn from(c: &DeviceCode) -> Self {
        Self {
            user_code: c.user_code.clone(),
            verification_uri: c.verification_uri.clone(),
            message: c.message.clone(),
            expires_in_s: c.expires_in.as_secs(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn app_status_json_is_pinned() {
        let status = AppStatus {
            session: Some(SessionInfo {
                tenant_name: "Contoso".into(),
                account: AccountInfo {
                    display_name: "Pat".into(),
                    user_principal_name: "pat@contoso.example".into(),
                },
                role: "Authentication Administrator".into(),
                roles: vec!["Authentication Administrator".into()],
                powers: PowersInfo {
                    changes_any_user: false,
                    changes_non_admins: true,
                    sees_masked_numbers: true,
                    can_read_reports: false,
                },
                allows: vec!["Sees other users' phone numbers masked.".into()],
                sandbox: false,
                keychain_warning: Some("Signed in for this session only.".into()),
            }),
            setup: SetupInfo {
                configured: true,
                client_id: Some("5e1b7d43-9a0c-4f2e-8d61-3b7a2c9e0f14".into()),
                tenant: "organizations".into(),
                device_code: false,
                developer_endpoints: None,
            },
            remembered_account: Some(RememberedInfo {
                display_name: "Pat".into(),
                user_principal_name: "pat@contoso.example".into(),
                tenant_name: "Contoso".into(),
            }),
            problem: Some(IpcError::Keychain {
                message: "locked".into(),
            }),
        };
        assert_eq!(
            serde_json::to_value(status).unwrap(),
            json!({
                "session": {
                    "tenantName": "Contoso",
                    "account": { "displayName": "Pat", "userPrincipalName": "pat@contoso.example" },
                    "role": "Authentication Administrator",
                    "roles": ["Authentication Administrator"],
                    "powers": {
                        "changesAnyUser": false,
                        "changesNonAdmins": true,
                        "seesMaskedNumbers": true,
                        "canReadReports": false
                    },
                    "allows": ["Sees other users' phone numbers masked."],
                    "sandbox": false,
                    "keychainWarning": "Signed in for this session only."
                },
                "setup": {
                    "configured": true,
                    "clientId": "5e1b7d43-9a0c-4f2e-8d61-3b7a2c9e0f14",
                    "tenant": "organizations",
                    "deviceCode": false,
                    "developerEndpoints": null
                },
                "rememberedAccount": {
                    "displayName": "Pat",
                    "userPrincipalName": "pat@contoso.example",
                    "tenantName": "Contoso"
                },
                "problem": { "kind": "keychain", "message": "locked" }
            })
        );
    }

    #[test]
    fn device_code_info_json_is_pinned() {
        let info = DeviceCodeInfo {
            user_code: "ABCD1234".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            message: "Enter ABCD1234".into(),
            expires_in_s: 900,
        };
        assert_eq!(
            serde_json::to_value(info).unwrap(),
            json!({
                "userCode": "ABCD1234",
                "verificationUri": "https://microsoft.com/devicelogin",
                "message": "Enter ABCD1234",
                "expiresInS": 900
            })
        );
    }
}
